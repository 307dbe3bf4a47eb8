package ai.galaxyco.phone.console.api;

import static ai.galaxyco.phone.console.api.PhonePage.encode;

import ai.galaxyco.phone.console.backend.ApiProblem;
import ai.galaxyco.phone.console.backend.ServiceApis;
import ai.galaxyco.phone.console.backend.ServiceApis.Service;
import ai.galaxyco.phone.console.domain.Calls.CallList;
import ai.galaxyco.phone.console.domain.Conversations.Inboxes;
import ai.galaxyco.phone.console.domain.SignedInUser;
import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;
import io.smallrye.common.annotation.Blocking;
import jakarta.ws.rs.FormParam;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.StreamingOutput;
import jakarta.ws.rs.core.UriBuilder;
import java.util.List;
import java.util.Set;

/**
 * Calls ({@code /w/{workspaceId}/calls}): the workspace's call log beside its conversations, a tab per inbox with its
 * unheard voicemails and missed calls, outcome filters, and for each voicemail a player (the recording streamed
 * through the console from routing, which fetches it from SignalWire), its transcript and a "Mark heard" button.
 */
// the console signs people in itself (SignedInUsers reads the session cookie): Quarkus guards nothing here
@jakarta.annotation.security.PermitAll
@Path("/w/{workspaceId}/calls")
@Produces(MediaType.TEXT_HTML)
public class CallsPage {

    @CheckedTemplate
    static class Templates {
        static native TemplateInstance page(String workspaceId, Inboxes inboxes, String inbox, String outcome, CallList calls,
                List<OutcomeFilter> outcomes, String error);
    }

    /** One of the outcome links above the log. */
    public record OutcomeFilter(String value, String name, boolean current) {
    }

    private static final Set<String> OUTCOMES = Set.of("MISSED", "VOICEMAIL", "FORWARDED", "IN_PROGRESS");

    private final SignedInUsers users;
    private final ServiceApis apis;

    public CallsPage(SignedInUsers users, ServiceApis apis) {
        this.users = users;
        this.apis = apis;
    }

    @GET
    public Response page(@PathParam("workspaceId") String workspaceId, @QueryParam("inbox") String inbox,
            @QueryParam("outcome") String outcome, @QueryParam("cursor") String cursor, @Context HttpHeaders headers) {
        SignedInUser user = users.forWorkspace(headers, workspaceId);
        String tab = inbox == null || inbox.isBlank() ? null : inbox;
        String filter = outcome != null && OUTCOMES.contains(outcome) ? outcome : null;
        String w = encode(workspaceId);
        Inboxes inboxes = apis.get(Service.ROUTING, "/api/workspaces/" + w + "/inboxes", user, Inboxes.class);
        List<OutcomeFilter> outcomes = List.of(new OutcomeFilter("", "All", filter == null),
                new OutcomeFilter("MISSED", "Missed", "MISSED".equals(filter)),
                new OutcomeFilter("VOICEMAIL", "Voicemail", "VOICEMAIL".equals(filter)),
                new OutcomeFilter("FORWARDED", "Answered", "FORWARDED".equals(filter)));
        try {
            CallList calls = apis.get(Service.ROUTING, "/api/workspaces/" + w + "/calls?limit=50"
                    + (tab == null ? "" : "&inbox=" + encode(tab)) + (filter == null ? "" : "&outcome=" + filter)
                    + (cursor == null || cursor.isBlank() ? "" : "&cursor=" + encode(cursor)), user, CallList.class);
            return Response.ok(Templates.page(workspaceId, inboxes, tab, filter, calls, outcomes, null)).build();
        } catch (ApiProblem problem) {
            return Response.status(problem.status).entity(Templates.page(workspaceId, inboxes, tab, filter,
                    new CallList(List.of(), null), outcomes, problem.sentence())).build();
        }
    }

    /** Marks a call heard (a POST: a link or a prefetch must not do it), then back to the log where the user was. */
    @POST
    @Path("/{callId}/heard")
    public Response heard(@PathParam("workspaceId") String workspaceId, @PathParam("callId") String callId,
            @FormParam("inbox") String inbox, @FormParam("outcome") String outcome, @Context HttpHeaders headers) {
        SignedInUser user = users.forWorkspace(headers, workspaceId);
        apis.send(Service.ROUTING, "POST", "/api/workspaces/" + encode(workspaceId) + "/calls/" + encode(callId) + "/heard", user,
                null);
        UriBuilder back = UriBuilder.fromPath("/w/{w}/calls");
        if (inbox != null && !inbox.isBlank()) {
            back.queryParam("inbox", inbox);
        }
        if (outcome != null && OUTCOMES.contains(outcome)) {
            back.queryParam("outcome", outcome);
        }
        return Response.seeOther(back.fragment("call-" + callId).build(workspaceId)).build();
    }

    /** The voicemail's audio, streamed from routing with the signed-in user's token (the same tenancy applies). */
    @GET
    @Path("/{callId}/recording")
    @Produces(MediaType.WILDCARD)
    @Blocking
    public Response recording(@PathParam("workspaceId") String workspaceId, @PathParam("callId") String callId,
            @Context HttpHeaders headers) {
        SignedInUser user = users.forWorkspace(headers, workspaceId);
        ServiceApis.Media audio = apis.media(Service.ROUTING, "/api/workspaces/" + encode(workspaceId) + "/calls/" + encode(callId)
                + "/recording", user.token());
        StreamingOutput body = out -> {
            try (var in = audio.body()) {
                in.transferTo(out);
            }
        };
        Response.ResponseBuilder answer = Response.ok(body, audio.contentType()).header("Cache-Control", "private, no-store");
        if (audio.length() >= 0) {
            answer.header("Content-Length", audio.length());
        }
        return answer.build();
    }
}
