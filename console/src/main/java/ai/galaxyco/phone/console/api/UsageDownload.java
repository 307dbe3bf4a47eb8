package ai.galaxyco.phone.console.api;

import static ai.galaxyco.phone.console.api.PhonePage.encode;

import ai.galaxyco.phone.console.backend.ServiceApis;
import ai.galaxyco.phone.console.backend.ServiceApis.Service;
import ai.galaxyco.phone.console.domain.SignedInUser;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import java.time.YearMonth;
import java.time.ZoneOffset;

/**
 * The workspace's usage as a CSV download: analytics' export, asked for with the signed-in user's own token (so the
 * same tenancy applies), for the given period or else the current month (UTC).
 */
// the console signs people in itself (SignedInUsers reads the session cookie): Quarkus guards nothing here
@jakarta.annotation.security.PermitAll
@Path("/w/{workspaceId}/usage.csv")
public class UsageDownload {

    private final SignedInUsers users;
    private final ServiceApis apis;

    public UsageDownload(SignedInUsers users, ServiceApis apis) {
        this.users = users;
        this.apis = apis;
    }

    @GET
    public Response csv(@PathParam("workspaceId") String workspaceId, @QueryParam("from") String from, @QueryParam("to") String to,
            @QueryParam("granularity") String granularity, @Context HttpHeaders headers) {
        SignedInUser user = users.forWorkspace(headers, workspaceId);
        YearMonth month = YearMonth.now(ZoneOffset.UTC);
        String query = "from=" + encode(from == null || from.isBlank() ? month.atDay(1).toString() : from)
                + "&to=" + encode(to == null || to.isBlank() ? month.plusMonths(1).atDay(1).toString() : to)
                + (granularity == null || granularity.isBlank() ? "" : "&granularity=" + encode(granularity));
        return passOn(apis.download(Service.ANALYTICS, "/api/workspaces/" + encode(workspaceId) + "/usage.csv?" + query,
                user.token()));
    }

    /** A service's file as the browser's download, with the service's file name. */
    static Response passOn(ServiceApis.Download file) {
        return Response.ok(file.body(), file.contentType()).header("Content-Disposition", file.disposition()).build();
    }
}
