package ai.galaxyco.phone.console.api;

import ai.galaxyco.phone.console.backend.ApiProblem;
import ai.galaxyco.phone.console.backend.ServiceApis;
import ai.galaxyco.phone.console.backend.ServiceApis.Service;
import ai.galaxyco.phone.console.config.ConsoleConfig;
import ai.galaxyco.phone.console.domain.PhoneSettings.History;
import ai.galaxyco.phone.console.domain.PhoneSettings.Numbers;
import ai.galaxyco.phone.console.domain.SignedInUser;
import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;
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
import jakarta.ws.rs.core.UriBuilder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Phone settings ({@code /w/{workspaceId}/phone}): the workspace's numbers with their state and provisioning
 * history, and the actions the numbers API offers (get a number, retry, add, relabel, forward, release). Forms post
 * here and are answered with a redirect back (or the page with the refusal in words), so the page works without
 * JavaScript; with it, the number list refreshes itself while a number is being bought or released. A member sees
 * the numbers without the actions (provisioning refuses them to members anyway) and is told that admins change them.
 */
// the console signs people in itself (SignedInUsers, Operators read the session cookie): Quarkus guards nothing here
@jakarta.annotation.security.PermitAll
@Path("/w/{workspaceId}/phone")
@Produces(MediaType.TEXT_HTML)
public class PhonePage {

    @CheckedTemplate
    static class Templates {
        static native TemplateInstance page(String workspaceId, boolean admin, Numbers numbers, History history, String notice,
                String error, long pollMillis);

        static native TemplateInstance page$numbers(String workspaceId, boolean admin, Numbers numbers, History history,
                long pollMillis);
    }

    private static final Map<String, String> NOTICES = Map.of(
            "requested", "Getting a number: this takes a few seconds.",
            "added", "Adding the number: this takes a few seconds.",
            "saved", "Saved.",
            "releasing", "Releasing the number.");

    private final SignedInUsers users;
    private final ServiceApis apis;
    private final long pollMillis;

    public PhonePage(SignedInUsers users, ServiceApis apis, ConsoleConfig config) {
        this.users = users;
        this.apis = apis;
        this.pollMillis = config.pollInterval().toMillis();
    }

    @GET
    public TemplateInstance page(@PathParam("workspaceId") String workspaceId, @QueryParam("notice") String notice,
            @Context HttpHeaders headers) {
        SignedInUser user = users.forWorkspace(headers, workspaceId);
        return render(user, notice == null ? null : NOTICES.get(notice), null);
    }

    /** The number list alone: what an open page fetches to follow a purchase without a reload. */
    @GET
    @Path("/numbers")
    public TemplateInstance numbers(@PathParam("workspaceId") String workspaceId, @Context HttpHeaders headers) {
        SignedInUser user = users.forWorkspace(headers, workspaceId);
        return Templates.page$numbers(workspaceId, user.isAdmin(), numbersOf(user), historyOf(user), pollMillis);
    }

    /** "Get phone number" and "Retry": a failed (or missing) Main number is bought now, with the area code if given. */
    @POST
    @Path("/numbers/request")
    @jakarta.ws.rs.Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response request(@PathParam("workspaceId") String workspaceId, @FormParam("label") String label,
            @FormParam("areaCode") String areaCode, @Context HttpHeaders headers) {
        return requestNumber(users.forWorkspace(headers, workspaceId), label, areaCode, "requested");
    }

    /** The numbers API's POST: a new slot, or the manual retry of a failed one with that label. */
    private Response requestNumber(SignedInUser user, String label, String areaCode, String notice) {
        return act(user, notice, () -> apis.send(Service.PROVISIONING, "POST", numbersPath(user.workspaceId()), user,
                body("label", label, "areaCode", areaCode)));
    }

    /** Enterprise: another number with its own label (its inbox). */
    @POST
    @Path("/numbers/add")
    @jakarta.ws.rs.Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response add(@PathParam("workspaceId") String workspaceId, @FormParam("label") String label,
            @FormParam("areaCode") String areaCode, @Context HttpHeaders headers) {
        SignedInUser user = users.forWorkspace(headers, workspaceId);
        if (label == null || label.isBlank()) {
            return Response.status(400).entity(render(user, null, "Give the new number a label, such as Sales.")).build();
        }
        return requestNumber(user, label, areaCode, "added");
    }

    /**
     * Relabel, forward-to and voicemail greeting in one form; an empty forward-to sends calls to voicemail, an empty
     * greeting brings back the default one. A form without the greeting field (an older page) leaves it as it is.
     */
    @POST
    @Path("/numbers/{e164}")
    @jakarta.ws.rs.Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response edit(@PathParam("workspaceId") String workspaceId, @PathParam("e164") String e164,
            @FormParam("label") String label, @FormParam("forwardTo") String forwardTo,
            @FormParam("voicemailGreeting") String voicemailGreeting, @Context HttpHeaders headers) {
        SignedInUser user = users.forWorkspace(headers, workspaceId);
        Map<String, Object> changes = new LinkedHashMap<>();
        if (label != null && !label.isBlank()) {
            changes.put("label", label.trim());
        }
        changes.put("forwardTo", forwardTo == null || forwardTo.isBlank() ? null : forwardTo.replaceAll("[\\s().-]", ""));
        if (voicemailGreeting != null) {
            changes.put("voicemailGreeting", voicemailGreeting.isBlank() ? null : voicemailGreeting.strip());
        }
        return act(user, "saved", () -> apis.send(Service.PROVISIONING, "PATCH", numbersPath(workspaceId) + "/" + encode(e164),
                user, changes));
    }

    @POST
    @Path("/numbers/{e164}/release")
    public Response release(@PathParam("workspaceId") String workspaceId, @PathParam("e164") String e164,
            @Context HttpHeaders headers) {
        SignedInUser user = users.forWorkspace(headers, workspaceId);
        return act(user, "releasing", () -> apis.send(Service.PROVISIONING, "DELETE",
                numbersPath(workspaceId) + "/" + encode(e164), user, null));
    }

    private Response act(SignedInUser user, String notice, Runnable call) {
        try {
            call.run();
        } catch (ApiProblem problem) {
            // the page again, with the refusal in words and the service's status
            return Response.status(problem.status).entity(render(user, null, problem.sentence())).build();
        }
        return Response.seeOther(UriBuilder.fromPath("/w/{w}/phone").queryParam("notice", notice).build(user.workspaceId()))
                .build();
    }

    private TemplateInstance render(SignedInUser user, String notice, String error) {
        return Templates.page(user.workspaceId(), user.isAdmin(), numbersOf(user), historyOf(user), notice, error, pollMillis);
    }

    private Numbers numbersOf(SignedInUser user) {
        return apis.get(Service.PROVISIONING, numbersPath(user.workspaceId()), user, Numbers.class);
    }

    private History historyOf(SignedInUser user) {
        try {
            return apis.get(Service.PROVISIONING, "/api/workspaces/" + encode(user.workspaceId()) + "/numbers", user, History.class);
        } catch (ApiProblem problem) {
            if (problem.status == 404) {
                return null; // provisioning has not heard of the workspace yet
            }
            throw problem;
        }
    }

    private static String numbersPath(String workspaceId) {
        return "/api/workspaces/" + encode(workspaceId) + "/phone-numbers";
    }

    private static Map<String, Object> body(String... pairs) {
        Map<String, Object> body = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            if (pairs[i + 1] != null && !pairs[i + 1].isBlank()) {
                body.put(pairs[i], pairs[i + 1].trim());
            }
        }
        return body;
    }

    static String encode(String segment) {
        return URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
