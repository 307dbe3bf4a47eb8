package ai.galaxyco.phone.provisioning.api;

import ai.galaxyco.phone.kit.api.ProblemException;
import ai.galaxyco.phone.provisioning.domain.NumberSlot;
import ai.galaxyco.phone.provisioning.domain.Reconciler;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/** The one place provisioning's domain refusals become HTTP: each one's status and stable code. */
public class DomainRefusals {

    /** Whichever endpoint asked for it (POST .../phone-numbers or .../numbers/retry), the same answer. */
    @ServerExceptionMapper
    public Response purchaseInFlight(NumberSlot.PurchaseInFlight e) {
        return ProblemException.response(409, "purchase_in_flight", e.getMessage());
    }

    /** The confirmation stands for the next pass; the operator tries again when the running one has finished. */
    @ServerExceptionMapper
    public Response reconciliationRunning(Reconciler.AlreadyRunning e) {
        return ProblemException.response(409, "reconciliation_running", e.getMessage());
    }
}
