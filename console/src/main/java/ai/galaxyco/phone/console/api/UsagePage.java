package ai.galaxyco.phone.console.api;

import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;

/** Usage ({@code /w/{workspaceId}/usage}): waits for the analytics service (issue 15); until then it says so. */
@Path("/w/{workspaceId}/usage")
@Produces(MediaType.TEXT_HTML)
public class UsagePage {

    @CheckedTemplate
    static class Templates {
        static native TemplateInstance usage(String workspaceId);
    }

    private final SignedInUsers users;

    public UsagePage(SignedInUsers users) {
        this.users = users;
    }

    @GET
    public TemplateInstance usage(@PathParam("workspaceId") String workspaceId, @Context HttpHeaders headers) {
        users.forWorkspace(headers, workspaceId);
        return Templates.usage(workspaceId);
    }
}
