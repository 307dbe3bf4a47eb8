package ai.galaxyco.phone.provisioning.api;

import ai.galaxyco.phone.kit.api.ProblemException;
import ai.galaxyco.phone.kit.api.WorkspaceAccess;
import ai.galaxyco.phone.kit.domain.AuditTrail;
import ai.galaxyco.phone.model.values.PhoneNumber;
import ai.galaxyco.phone.provisioning.domain.NumberRegistration;
import ai.galaxyco.phone.provisioning.domain.PhoneNumberRecord;
import ai.galaxyco.phone.provisioning.domain.WebhookDriftRepair;
import io.quarkus.security.Authenticated;
import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;
import jakarta.transaction.Transactional;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.time.Instant;
import java.util.List;

/**
 * Operators' hand on number health (service role): confirming a toll-free verification done in SignalWire's dashboard,
 * and the webhook drift checks (the latest, and one run now).
 */
@Path("/api/admin")
@Produces(MediaType.APPLICATION_JSON)
@Authenticated
public class NumberHealthResource {

    public record VerificationView(String phoneNumber, String workspaceId, String messaging, Instant since) {
    }

    /** A webhook drift check: numbers compared, repaired, and what differs on the shared number (never changed). */
    public record DriftCheckView(Instant startedAt, Instant finishedAt, String appUrl, int checked, int repaired,
            List<String> sharedNumberDrift, String error) {
    }

    private final WorkspaceAccess access;
    private final NumberRegistration registration;
    private final WebhookDriftRepair drift;
    private final EntityManager em;
    private final AuditTrail audit;

    public NumberHealthResource(WorkspaceAccess access, NumberRegistration registration, WebhookDriftRepair drift, EntityManager em,
            AuditTrail audit) {
        this.access = access;
        this.audit = audit;
        this.registration = registration;
        this.drift = drift;
        this.em = em;
    }

    /** The latest webhook drift check (404 before the first). */
    @GET
    @Path("/numbers/webhook-drift")
    @Transactional
    public DriftCheckView lastDriftCheck() {
        access.requireService();
        @SuppressWarnings("unchecked")
        List<Object[]> rows = em.createNativeQuery("select started_at, finished_at, app_url, checked, repaired, shared_drift, error "
                + "from webhook_drift_check order by id desc limit 1").getResultList();
        if (rows.isEmpty()) {
            throw new ProblemException(404, "not_found", "no webhook drift check has run yet");
        }
        Object[] r = rows.get(0);
        return new DriftCheckView(WebhookDriftRepair.toInstant(r[0]), WebhookDriftRepair.toInstant(r[1]), (String) r[2], ((Number) r[3]).intValue(), ((Number) r[4]).intValue(),
                r[5] == null ? List.of() : List.of(((String) r[5]).split("\n")), (String) r[6]);
    }

    /** Runs a drift check now and answers its report; 409 while another instance runs one. */
    @POST
    @Path("/numbers/webhook-drift/check")
    public WebhookDriftRepair.DriftReport checkDrift() {
        access.requireService();
        return drift.check().orElseThrow(() -> new ProblemException(409, "check_running", "a drift check is running now; "
                + "GET /api/admin/numbers/webhook-drift shows it when it is done"));
    }


    /** The number's toll-free verification is approved: it becomes SENDABLE and its held messages leave. */
    @POST
    @Path("/numbers/{e164}/verification")
    @Transactional
    public VerificationView verified(@PathParam("e164") String e164) {
        access.requireService();
        String normalized;
        try {
            normalized = PhoneNumber.parse(e164).e164();
        } catch (IllegalArgumentException e) {
            throw new ProblemException(400, "invalid_phone_number", e164 + " is not an E.164 number: " + e.getMessage());
        }
        PhoneNumberRecord number = PhoneNumberRecord.<PhoneNumberRecord>find("e164 = ?1 and status <> ?2", normalized,
                PhoneNumberRecord.Status.RELEASED).withLock(LockModeType.PESSIMISTIC_WRITE).firstResultOptional()
                .orElseThrow(() -> new ProblemException(404, "not_found", "no number " + normalized + " of ours"));
        String before = number.messagingState.name();
        if (!registration.verified(number) && number.messagingState != ai.galaxyco.phone.model.values.MessagingState.SENDABLE) {
            throw new ProblemException(409, "not_awaiting_verification", normalized + " is " + number.messagingState
                    + ", not waiting for a toll-free verification");
        }
        audit.record(number.workspaceId, "number.verification", number.e164, java.util.Map.of("messaging", before),
                java.util.Map.of("messaging", number.messagingState.name()));
        return new VerificationView(number.e164, number.workspaceId, number.messagingState.name(), number.messagingChangedAt);
    }
}
