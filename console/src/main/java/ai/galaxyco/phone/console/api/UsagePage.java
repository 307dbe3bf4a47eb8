package ai.galaxyco.phone.console.api;

import static ai.galaxyco.phone.console.api.PhonePage.encode;

import ai.galaxyco.phone.console.backend.ApiProblem;
import ai.galaxyco.phone.console.backend.ServiceApis;
import ai.galaxyco.phone.console.backend.ServiceApis.Service;
import ai.galaxyco.phone.console.domain.SignedInUser;
import ai.galaxyco.phone.console.domain.Usage;
import ai.galaxyco.phone.console.domain.Usage.CallOutcomes;
import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;
import io.smallrye.mutiny.Multi;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.RestStreamElementType;

/**
 * Usage ({@code /w/{workspaceId}/usage}): this month's messages, segments, call minutes and cost, with the cost per
 * day as a chart, from the analytics service. While that cannot be reached the page says usage is not available.
 */
// the console signs people in itself (SignedInUsers, Operators read the session cookie): Quarkus guards nothing here
@jakarta.annotation.security.PermitAll
@Path("/w/{workspaceId}/usage")
@Produces(MediaType.TEXT_HTML)
public class UsagePage {

    @CheckedTemplate
    static class Templates {
        static native TemplateInstance usage(String workspaceId, String month, Usage usage, String unavailable,
                CallOutcomes outcomes);
    }

    private static final Logger LOG = Logger.getLogger(UsagePage.class);

    private final SignedInUsers users;
    private final ServiceApis apis;

    public UsagePage(SignedInUsers users, ServiceApis apis) {
        this.users = users;
        this.apis = apis;
    }

    /**
     * The workspace's new ledger facts as server-sent events (analytics' live stream, with the signed-in user's token):
     * the page refreshes its figures on each. The stream ends with the session token that opened it; the browser's
     * EventSource then reconnects with the session it has.
     */
    @GET
    @Path("/live")
    @Produces(MediaType.SERVER_SENT_EVENTS)
    @RestStreamElementType(MediaType.TEXT_PLAIN)
    public Multi<String> live(@PathParam("workspaceId") String workspaceId, @Context HttpHeaders headers) {
        SignedInUser user = users.forWorkspace(headers, workspaceId);
        return apis.events(Service.ANALYTICS, "/api/workspaces/" + encode(workspaceId) + "/usage/live", user.token());
    }

    /** The month's calls by outcome, from routing's call log; null (the page says so) when routing cannot be read. */
    private CallOutcomes outcomes(SignedInUser user, YearMonth month) {
        try {
            return apis.get(Service.ROUTING, "/api/workspaces/" + encode(user.workspaceId()) + "/calls/outcomes?from="
                    + month.atDay(1) + "&to=" + month.plusMonths(1).atDay(1), user, CallOutcomes.class);
        } catch (ApiProblem problem) {
            LOG.debugf("call outcomes of %s not available: %s", user.workspaceId(), problem.getMessage());
            return null;
        }
    }

    @GET
    public TemplateInstance usage(@PathParam("workspaceId") String workspaceId, @Context HttpHeaders headers) {
        SignedInUser user = users.forWorkspace(headers, workspaceId);
        YearMonth month = YearMonth.now(ZoneOffset.UTC);
        String title = month.format(DateTimeFormatter.ofPattern("MMMM yyyy", Locale.ENGLISH));
        try {
            Usage usage = apis.get(Service.ANALYTICS, "/api/workspaces/" + encode(workspaceId) + "/usage?from=" + month.atDay(1)
                    + "&to=" + month.plusMonths(1).atDay(1), user, Usage.class);
            return Templates.usage(workspaceId, title, usage, null, outcomes(user, month));
        } catch (ApiProblem problem) {
            LOG.debugf("usage of %s not available: %s", workspaceId, problem.getMessage());
            return Templates.usage(workspaceId, title, null, problem.status == 503
                    ? "Usage is not available right now: the analytics service cannot be reached." : problem.sentence(), null);
        }
    }
}
