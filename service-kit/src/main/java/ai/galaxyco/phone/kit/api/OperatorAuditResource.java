package ai.galaxyco.phone.kit.api;

import ai.galaxyco.phone.kit.domain.AuditTrail;
import ai.galaxyco.phone.model.api.Page;
import io.quarkus.security.Authenticated;
import jakarta.transaction.Transactional;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

/** This service's audit trail across workspaces (or of one), newest first, for operators (service role). */
@Path("/api/admin/audit")
@Produces(MediaType.APPLICATION_JSON)
@Authenticated
public class OperatorAuditResource {

    private final WorkspaceAccess access;
    private final AuditTrail trail;

    public OperatorAuditResource(WorkspaceAccess access, AuditTrail trail) {
        this.access = access;
        this.trail = trail;
    }

    @GET
    @Transactional
    public Page<AuditTrail.Entry> list(@QueryParam("workspaceId") String workspaceId, @QueryParam("limit") Integer limit,
            @QueryParam("cursor") String cursor) {
        access.requireService();
        return trail.page(workspaceId == null || workspaceId.isBlank() ? null : workspaceId, limit, cursor);
    }
}
