package ai.galaxyco.phone.kit.api;

import ai.galaxyco.phone.kit.domain.AuditTrail;
import ai.galaxyco.phone.model.api.Page;
import io.quarkus.security.Authenticated;
import jakarta.transaction.Transactional;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

/** A workspace's audit trail in this service, newest first, for its admins (members get 403 admin_role_required). */
@Path("/api/workspaces/{workspaceId}/audit")
@Produces(MediaType.APPLICATION_JSON)
@Authenticated
public class WorkspaceAuditResource {

    private final WorkspaceAccess access;
    private final AuditTrail trail;

    public WorkspaceAuditResource(WorkspaceAccess access, AuditTrail trail) {
        this.access = access;
        this.trail = trail;
    }

    @GET
    @Transactional
    public Page<AuditTrail.Entry> list(@PathParam("workspaceId") String workspaceId, @QueryParam("limit") Integer limit,
            @QueryParam("cursor") String cursor) {
        access.requireAdmin(workspaceId);
        return trail.page(workspaceId, limit, cursor);
    }
}
