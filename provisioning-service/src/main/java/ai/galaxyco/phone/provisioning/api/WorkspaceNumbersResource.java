package ai.galaxyco.phone.provisioning.api;

import ai.galaxyco.phone.kit.api.ProblemException;
import ai.galaxyco.phone.kit.api.WorkspaceAccess;
import ai.galaxyco.phone.kit.domain.AuditTrail;
import ai.galaxyco.phone.kit.signalwire.ProviderErrors;
import ai.galaxyco.phone.provisioning.domain.NumberSlot;
import ai.galaxyco.phone.provisioning.domain.PhoneNumberRecord;
import ai.galaxyco.phone.provisioning.domain.ProvisioningAttempt;
import ai.galaxyco.phone.provisioning.domain.Workspace;
import io.quarkus.security.Authenticated;
import jakarta.transaction.Transactional;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.time.Clock;
import java.time.Instant;
import java.util.List;

/** A workspace's numbers and provisioning state, and a manual retry (the console's back end). */
@Path("/api/workspaces/{workspaceId}/numbers")
@Produces(MediaType.APPLICATION_JSON)
@Authenticated
public class WorkspaceNumbersResource {

    public record NumberView(String phoneNumber, String label, String status, String providerSid, Instant purchasedAt,
            Instant releaseAfter, Instant releasedAt) {
    }

    public record AttemptView(String kind, Instant startedAt, Instant finishedAt, String outcome, String phoneNumber,
            String errorCode, String errorMessage) {
    }

    public record WorkspaceNumbersView(String workspaceId, String plan, String status, int attempts, Instant nextAttemptAt,
            String lastErrorCode, String lastError, List<NumberView> numbers, List<AttemptView> recentAttempts) {
    }

    private final WorkspaceAccess access;
    private final AuditTrail audit;
    private final Clock clock;

    public WorkspaceNumbersResource(WorkspaceAccess access, AuditTrail audit, Clock clock) {
        this.access = access;
        this.audit = audit;
        this.clock = clock;
    }

    @GET
    @Transactional
    public WorkspaceNumbersView get(@PathParam("workspaceId") String workspaceId) {
        access.require(workspaceId);
        Workspace workspace = Workspace.findById(workspaceId);
        if (workspace == null || workspace.deleted) {
            throw new NotFoundException("no workspace " + workspaceId);
        }
        List<NumberView> numbers = PhoneNumberRecord.<PhoneNumberRecord>list("workspaceId = ?1 order by purchasedAt desc", workspaceId)
                .stream().map(n -> new NumberView(n.e164, n.label, n.status.name(), n.providerSid, n.purchasedAt,
                        n.releaseAfter, n.releasedAt)).toList();
        // the provider's own text names our SignalWire project: tenants get a stable sentence, operators the raw text
        boolean operator = access.isServiceCaller();
        List<AttemptView> attempts = ProvisioningAttempt.<ProvisioningAttempt>find("workspaceId = ?1 order by id desc", workspaceId)
                .page(0, 20).list().stream().map(a -> new AttemptView(a.kind, a.startedAt, a.finishedAt, a.outcome,
                        a.phoneNumber, a.errorCode, operator || a.errorCode == null ? a.errorMessage
                                : ProviderErrors.describe(a.errorCode))).toList();
        Instant nextAttemptAt = NumberSlot.<NumberSlot>find("workspaceId = ?1 and lower(label) = 'main' and status <> ?2",
                workspaceId, NumberSlot.Status.RELEASED).firstResultOptional().map(slot -> slot.nextAttemptAt).orElse(null);
        return new WorkspaceNumbersView(workspace.id, workspace.plan.name(), workspace.status.name(), workspace.attempts,
                nextAttemptAt, workspace.lastErrorCode,
                operator || workspace.lastErrorCode == null ? workspace.lastError : ProviderErrors.describe(workspace.lastErrorCode),
                numbers, attempts);
    }

    /** Makes a failed purchase due now instead of at its backoff time. */
    @POST
    @Path("/retry")
    @Transactional
    public Response retry(@PathParam("workspaceId") String workspaceId) {
        access.requireAdmin(workspaceId);
        Workspace workspace = Workspace.findById(workspaceId, jakarta.persistence.LockModeType.PESSIMISTIC_WRITE);
        if (workspace == null || workspace.deleted) {
            throw new NotFoundException("no workspace " + workspaceId);
        }
        // only a failed purchase that is not running again already: a second job could buy a second number
        if (workspace.status != Workspace.Status.FAILED) {
            throw new ProblemException(409, "conflict", "workspace " + workspaceId + " is " + workspace.status
                    + "; nothing to retry");
        }
        NumberSlot main = NumberSlot.current(workspaceId, "Main").filter(slot -> slot.status == NumberSlot.Status.FAILED)
                .orElseThrow(() -> new ProblemException(409, "conflict", "workspace " + workspaceId + " has no failed purchase"));
        main.retryNow(clock.instant(), null); // as POST .../phone-numbers retries a failed slot
        audit.record(workspaceId, "number.retry", main.label, java.util.Map.of("status", "FAILED"),
                java.util.Map.of("status", "PROVISIONING"));
        return Response.accepted().build();
    }
}
