package ai.galaxyco.phone.provisioning.api;

import ai.galaxyco.phone.kit.api.PageRequest;
import ai.galaxyco.phone.kit.api.ProblemException;
import ai.galaxyco.phone.kit.api.WorkspaceAccess;
import ai.galaxyco.phone.model.api.Page;
import ai.galaxyco.phone.provisioning.domain.Workspace;
import io.quarkus.security.Authenticated;
import jakarta.transaction.Transactional;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;

/**
 * Operators' list of the workspaces provisioning knows (service role): the console's operator page asks for the
 * FAILED ones, its local sign-in page for all of them. Deleted workspaces are left out.
 */
@Path("/api/admin")
@Produces(MediaType.APPLICATION_JSON)
@Authenticated
public class WorkspacesAdminResource {

    public record WorkspaceSummary(String workspaceId, String name, String plan, String status, int attempts,
            String lastErrorCode, String lastError, Instant updatedAt) {
    }

    private final WorkspaceAccess access;

    public WorkspacesAdminResource(WorkspaceAccess access) {
        this.access = access;
    }

    @GET
    @Path("/workspaces")
    @Transactional
    public Page<WorkspaceSummary> workspaces(@QueryParam("status") String status, @QueryParam("limit") Integer limit,
            @QueryParam("cursor") String cursor) {
        access.requireService();
        Workspace.Status wanted = status == null || status.isBlank() ? null : parse(status);
        PageRequest page = PageRequest.of(limit, cursor, 1);
        String filter = "deleted = false" + (wanted == null ? "" : " and status = :status")
                + (page.first() ? "" : " and id > :after");
        var parameters = new java.util.HashMap<String, Object>();
        if (wanted != null) {
            parameters.put("status", wanted);
        }
        if (!page.first()) {
            parameters.put("after", page.after().get(0));
        }
        List<Workspace> rows = Workspace.<Workspace>find(filter + " order by id", parameters).page(0, page.fetch()).list();
        return page.page(rows, w -> List.of(w.id), w -> new WorkspaceSummary(w.id, w.name, w.plan.name(), w.status.name(),
                w.attempts, w.lastErrorCode, w.lastError, w.updatedAt));
    }

    private static Workspace.Status parse(String status) {
        try {
            return Workspace.Status.valueOf(status.trim().toUpperCase(java.util.Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new ProblemException(400, "invalid_request", "status must be one of "
                    + Arrays.toString(Workspace.Status.values()));
        }
    }
}
