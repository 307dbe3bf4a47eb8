package ai.galaxyco.phone.provisioning.api;

import ai.galaxyco.phone.kit.api.PageRequest;
import ai.galaxyco.phone.kit.api.WorkspaceAccess;
import ai.galaxyco.phone.kit.domain.AuditTrail;
import ai.galaxyco.phone.model.api.Page;
import ai.galaxyco.phone.provisioning.domain.PhoneNumberRecord;
import ai.galaxyco.phone.provisioning.domain.Reconciler;
import ai.galaxyco.phone.provisioning.domain.ReconciliationPass;
import io.quarkus.security.Authenticated;
import jakarta.transaction.Transactional;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Operators' view of reconciliation (service role): recent passes with what they planned, confirming a pass the
 * safety brake refused, and the quarantined orphans waiting for release.
 */
@Path("/api/admin")
@Produces(MediaType.APPLICATION_JSON)
@Authenticated
public class ReconciliationResource {

    public record PassView(String id, Instant startedAt, Instant finishedAt, String mode, String outcome, int owned,
            int changes, List<String> plan, String reason, Instant confirmedAt) {
    }

    public record OrphanView(String phoneNumber, String providerSid, String workspaceId, Instant quarantinedAt,
            Instant releaseAfter) {
    }

    private final WorkspaceAccess access;
    private final Reconciler reconciler;
    private final AuditTrail audit;

    public ReconciliationResource(WorkspaceAccess access, Reconciler reconciler, AuditTrail audit) {
        this.access = access;
        this.reconciler = reconciler;
        this.audit = audit;
    }

    @GET
    @Path("/reconciliation")
    @Transactional
    public Page<PassView> passes(@QueryParam("limit") Integer limit, @QueryParam("cursor") String cursor) {
        access.requireService();
        PageRequest page = PageRequest.of(limit, cursor, 2);
        List<ReconciliationPass> rows = page.first()
                ? ReconciliationPass.<ReconciliationPass>find("order by startedAt desc, id desc").page(0, page.fetch()).list()
                : ReconciliationPass.<ReconciliationPass>find("startedAt < ?1 or (startedAt = ?1 and id < ?2) "
                        + "order by startedAt desc, id desc", page.instantKey(0), page.after().get(1)).page(0, page.fetch()).list();
        return page.page(rows, p -> List.of(p.startedAt.toString(), p.id), ReconciliationResource::view);
    }

    /** Confirms a refused pass: a pass runs at once with the brake lifted, and its report is the answer. */
    @POST
    @Path("/reconciliation/{passId}/confirm")
    public Reconciler.Report confirm(@PathParam("passId") String passId) {
        access.requireService();
        Reconciler.Report report = reconciler.confirm(passId)
                .orElseThrow(() -> new NotFoundException("no refused, unconfirmed reconciliation pass " + passId));
        audit.recordDone(null, "reconciliation.confirm", passId, Map.of("outcome", "REFUSED"), Map.of("outcome", report.outcome(),
                "pass", String.valueOf(report.passId())));
        return report;
    }

    @GET
    @Path("/numbers/orphaned")
    @Transactional
    public Page<OrphanView> orphans(@QueryParam("limit") Integer limit, @QueryParam("cursor") String cursor) {
        access.requireService();
        PageRequest page = PageRequest.of(limit, cursor, 1);
        List<PhoneNumberRecord> rows = page.first()
                ? PhoneNumberRecord.<PhoneNumberRecord>find("status = ?1 order by id", PhoneNumberRecord.Status.ORPHANED)
                        .page(0, page.fetch()).list()
                : PhoneNumberRecord.<PhoneNumberRecord>find("status = ?1 and id > ?2 order by id", PhoneNumberRecord.Status.ORPHANED,
                        page.longKey(0)).page(0, page.fetch()).list();
        return page.page(rows, n -> List.of(n.id.toString()),
                n -> new OrphanView(n.e164, n.providerSid, n.workspaceId, n.purchasedAt, n.releaseAfter));
    }

    private static PassView view(ReconciliationPass p) {
        return new PassView(p.id, p.startedAt, p.finishedAt, p.mode, p.outcome, p.owned, p.changes,
                p.plan == null ? List.of() : List.of(p.plan.split("\n")), p.reason, p.confirmedAt);
    }
}
