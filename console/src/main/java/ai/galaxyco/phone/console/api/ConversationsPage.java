package ai.galaxyco.phone.console.api;

import static ai.galaxyco.phone.console.api.PhonePage.encode;

import ai.galaxyco.phone.console.backend.ApiProblem;
import ai.galaxyco.phone.console.backend.ServiceApis;
import ai.galaxyco.phone.console.backend.ServiceApis.Service;
import ai.galaxyco.phone.console.config.ConsoleConfig;
import ai.galaxyco.phone.console.domain.Conversations.Consent;
import ai.galaxyco.phone.console.domain.Conversations.Conversation;
import ai.galaxyco.phone.console.domain.Conversations.ConversationList;
import ai.galaxyco.phone.console.domain.Conversations.Inboxes;
import ai.galaxyco.phone.console.domain.Conversations.Thread;
import ai.galaxyco.phone.console.domain.PhoneSettings.NumberItem;
import ai.galaxyco.phone.console.domain.PhoneSettings.Numbers;
import ai.galaxyco.phone.console.domain.SignedInUser;
import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.FormParam;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Conversations ({@code /w/{workspaceId}/conversations}): the workspace's numbers in the header, a tab per inbox
 * (each number's label), the conversations of the inbox, one thread with each outbound message's live status, and a
 * composer that sends from the chosen number through the outbound API. The thread refreshes itself while open.
 */
// the console signs people in itself (SignedInUsers, Operators read the session cookie): Quarkus guards nothing here
@jakarta.annotation.security.PermitAll
@Path("/w/{workspaceId}/conversations")
@Produces(MediaType.TEXT_HTML)
public class ConversationsPage {

    @CheckedTemplate
    static class Templates {
        static native TemplateInstance page(String workspaceId, List<NumberItem> numbers, Inboxes inboxes, String inbox,
                ConversationList conversations, Conversation selected, Thread thread, List<SenderOption> senders, String to,
                String notice, String error, String draft, long pollMillis);

        static native TemplateInstance page$thread(String workspaceId, Conversation selected, Thread thread, long pollMillis);
    }

    /** A number the composer can send from, with whether the contact opted out of it (sending is then disabled). */
    public record SenderOption(String phoneNumber, String name, boolean selected, boolean optedOut, String reason) {
    }

    private final SignedInUsers users;
    private final ServiceApis apis;
    private final long pollMillis;

    public ConversationsPage(SignedInUsers users, ServiceApis apis, ConsoleConfig config) {
        this.users = users;
        this.apis = apis;
        this.pollMillis = config.pollInterval().toMillis();
    }

    @GET
    public TemplateInstance page(@PathParam("workspaceId") String workspaceId, @QueryParam("inbox") String inbox,
            @QueryParam("c") String conversationId, @QueryParam("notice") String notice, @Context HttpHeaders headers) {
        SignedInUser user = users.forWorkspace(headers, workspaceId);
        return render(user, inbox, conversationId, "sent".equals(notice) ? "Sent." : null, null, null);
    }

    /** One thread alone: what an open page fetches to show new messages and statuses without a reload. */
    @GET
    @Path("/{conversationId}/thread")
    public TemplateInstance thread(@PathParam("workspaceId") String workspaceId, @PathParam("conversationId") String conversationId,
            @Context HttpHeaders headers) {
        SignedInUser user = users.forWorkspace(headers, workspaceId);
        Conversation selected = find(user, conversationId);
        if (selected == null) {
            throw new NotFoundException();
        }
        return Templates.page$thread(workspaceId, selected, threadOf(user, selected), pollMillis);
    }

    /**
     * Marks a conversation read: a POST, which the open page sends by itself (console.js) or its "Mark read" button
     * does, because a GET changes nothing (a link or a prefetch must not read a workspace's messages for it).
     */
    @POST
    @Path("/{conversationId}/read")
    public Response markRead(@PathParam("workspaceId") String workspaceId, @PathParam("conversationId") String conversationId,
            @FormParam("inbox") String inbox, @Context HttpHeaders headers) {
        SignedInUser user = users.forWorkspace(headers, workspaceId);
        apis.send(Service.ROUTING, "POST", "/api/workspaces/" + encode(workspaceId) + "/conversations/" + encode(conversationId)
                + "/read", user, null);
        UriBuilder back = UriBuilder.fromPath("/w/{w}/conversations").queryParam("c", conversationId);
        if (inbox != null && !inbox.isBlank()) {
            back.queryParam("inbox", inbox);
        }
        return Response.seeOther(back.build(workspaceId)).build();
    }

    /** The composer: sends through the outbound API, from the number chosen (the conversation's own by default). */
    @POST
    @Path("/send")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response send(@PathParam("workspaceId") String workspaceId, @FormParam("to") String to, @FormParam("body") String body,
            @FormParam("from") String from, @FormParam("conversation") String conversationId, @FormParam("inbox") String inbox,
            @Context HttpHeaders headers) {
        SignedInUser user = users.forWorkspace(headers, workspaceId);
        if (to == null || to.isBlank() || body == null || body.isBlank()) {
            return Response.status(400).entity(render(user, inbox, conversationId, null,
                    "Write a message and say who it is for (a phone number such as +14155550100).", body)).build();
        }
        Map<String, Object> message = new LinkedHashMap<>();
        message.put("to", to.replaceAll("[\\s().-]", ""));
        message.put("body", body);
        if (from != null && !from.isBlank()) {
            message.put("from", from);
        }
        try {
            apis.send(Service.OUTBOUND, "POST", "/api/workspaces/" + encode(workspaceId) + "/messages", user, message);
        } catch (ApiProblem problem) {
            return Response.status(problem.status).entity(render(user, inbox, conversationId, null, problem.sentence(), body)).build();
        }
        UriBuilder back = UriBuilder.fromPath("/w/{w}/conversations").queryParam("notice", "sent");
        if (inbox != null && !inbox.isBlank()) {
            back.queryParam("inbox", inbox);
        }
        if (conversationId != null && !conversationId.isBlank()) {
            back.queryParam("c", conversationId);
        }
        return Response.seeOther(back.build(workspaceId)).build();
    }

    private TemplateInstance render(SignedInUser user, String inbox, String conversationId, String notice, String error,
            String draft) {
        String w = encode(user.workspaceId());
        List<NumberItem> numbers = apis.get(Service.PROVISIONING, "/api/workspaces/" + w + "/phone-numbers", user, Numbers.class)
                .items().stream().filter(n -> n.phoneNumber() != null && "ACTIVE".equals(n.status())).toList();
        Inboxes inboxes = apis.get(Service.ROUTING, "/api/workspaces/" + w + "/inboxes", user, Inboxes.class);
        String tab = inbox == null || inbox.isBlank() ? null : inbox;
        ConversationList conversations = list(user, tab);
        Conversation selected = conversationId == null || conversationId.isBlank() ? null
                : conversations.items().stream().filter(c -> c.id().equals(conversationId)).findFirst()
                        .orElseGet(() -> find(user, conversationId));
        Thread thread = null;
        Consent consent = null;
        if (selected != null) {
            thread = threadOf(user, selected);
            consent = apis.get(Service.OUTBOUND, "/api/workspaces/" + w + "/contacts/" + encode(selected.contact()) + "/consent",
                    user, Consent.class);
        }
        Consent contactConsent = consent;
        List<SenderOption> senders = numbers.stream().map(n -> {
            var state = contactConsent == null ? null : contactConsent.from(n.phoneNumber());
            return new SenderOption(n.phoneNumber(), n.display() + " (" + (n.dedicated() ? n.label() : "shared") + ")",
                    selected != null && n.phoneNumber().equals(selected.ourNumber()), state != null && state.optedOut(),
                    state == null ? "" : state.reason());
        }).toList();
        return Templates.page(user.workspaceId(), numbers, inboxes, tab, conversations, selected, thread, senders,
                selected == null ? "" : selected.contact(), notice, error, draft, pollMillis);
    }

    private ConversationList list(SignedInUser user, String inbox) {
        return apis.get(Service.ROUTING, "/api/workspaces/" + encode(user.workspaceId()) + "/conversations?limit=100"
                + (inbox == null ? "" : "&inbox=" + encode(inbox)), user, ConversationList.class);
    }

    /** A conversation by id (null when the workspace has none with that id). */
    private Conversation find(SignedInUser user, String conversationId) {
        try {
            return apis.get(Service.ROUTING, "/api/workspaces/" + encode(user.workspaceId()) + "/conversations/"
                    + encode(conversationId), user, Conversation.class);
        } catch (ApiProblem problem) {
            if (problem.status == 404) {
                return null;
            }
            throw problem;
        }
    }

    private Thread threadOf(SignedInUser user, Conversation conversation) {
        return apis.get(Service.ROUTING, "/api/workspaces/" + encode(user.workspaceId()) + "/conversations/"
                + encode(conversation.id()) + "/messages?limit=100", user, Thread.class);
    }
}
