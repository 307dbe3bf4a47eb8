package ai.galaxyco.phone.routing.api;

import ai.galaxyco.phone.kit.api.PageRequest;
import ai.galaxyco.phone.kit.api.WorkspaceAccess;
import ai.galaxyco.phone.model.api.Page;
import ai.galaxyco.phone.routing.domain.Conversation;
import ai.galaxyco.phone.routing.domain.ConversationMessage;
import ai.galaxyco.phone.model.values.MessageText;
import io.quarkus.security.Authenticated;
import jakarta.transaction.Transactional;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** A workspace's conversations and their threads, inbound and outbound in order. */
@Path("/api/workspaces/{workspaceId}/conversations")
@Produces(MediaType.APPLICATION_JSON)
@Authenticated
public class ConversationsResource {

    /** {@code phoneNumber} is the workspace's number the conversation is on ({@code ourNumber}, its older name). */
    public record ConversationView(String id, String inbox, String phoneNumber, String ourNumber, String contact, String channel,
            Instant lastMessageAt, boolean unread) {

        static ConversationView of(Conversation c) {
            return new ConversationView(c.id.toString(), c.inbox, c.ourNumber, c.ourNumber, c.contact, c.channel, c.lastMessageAt,
                    c.unread());
        }
    }

    /** {@code body} as stored (U+0000 shown as U+FFFD); {@code originalBody} the exact text, only when it differs. */
    public record MessageView(String direction, String providerSid, String outboundId, String body, String originalBody,
            String media, String status, Instant occurredAt) {
    }

    private final WorkspaceAccess access;
    private final Clock clock;

    public ConversationsResource(WorkspaceAccess access, Clock clock) {
        this.access = access;
        this.clock = clock;
    }

    /** Most recently active first; of one inbox with {@code ?inbox=Sales}. */
    @GET
    @Transactional
    public Page<ConversationView> list(@PathParam("workspaceId") String workspaceId, @QueryParam("inbox") String inbox,
            @QueryParam("limit") Integer limit, @QueryParam("cursor") String cursor) {
        access.require(workspaceId);
        PageRequest page = PageRequest.of(limit, cursor, 2);
        if (inbox == null || inbox.isBlank()) {
            return recentFirst("workspaceId = :workspace", Map.of("workspace", workspaceId), page);
        }
        return recentFirst("workspaceId = :workspace and lower(inbox) = :inbox",
                Map.of("workspace", workspaceId, "inbox", inbox.trim().toLowerCase(java.util.Locale.ROOT)), page);
    }

    /**
     * One page of the conversations {@code where} selects (named parameters), most recently active first; the cursor
     * is the last item's (lastMessageAt, id).
     */
    static Page<ConversationView> recentFirst(String where, Map<String, Object> parameters, PageRequest page) {
        Map<String, Object> bound = new HashMap<>(parameters);
        String after = "";
        if (!page.first()) {
            after = " and (lastMessageAt < :at or (lastMessageAt = :at and id < :id))";
            bound.put("at", page.instantKey(0));
            bound.put("id", page.uuidKey(1));
        }
        List<Conversation> rows = Conversation.<Conversation>find(where + after + " order by lastMessageAt desc, id desc", bound)
                .page(0, page.fetch()).list();
        return page.page(rows, c -> List.of(c.lastMessageAt.toString(), c.id.toString()), ConversationView::of);
    }

    /** One conversation of the workspace; another tenant's is answered 404, exactly like one that does not exist. */
    @GET
    @Path("/{conversationId}")
    @Transactional
    public ConversationView conversation(@PathParam("workspaceId") String workspaceId, @PathParam("conversationId") String conversationId) {
        access.require(workspaceId);
        return ConversationView.of(owned(workspaceId, conversationId));
    }

    /** Marks the conversation read up to now: it stops counting as unread until the contact writes again. */
    @POST
    @Path("/{conversationId}/read")
    @Transactional
    public ConversationView read(@PathParam("workspaceId") String workspaceId, @PathParam("conversationId") String conversationId) {
        access.require(workspaceId);
        Conversation conversation = owned(workspaceId, conversationId);
        Instant readUpTo = conversation.lastInboundAt != null && conversation.lastInboundAt.isAfter(clock.instant())
                ? conversation.lastInboundAt : clock.instant();
        conversation.lastReadAt = readUpTo;
        return ConversationView.of(conversation);
    }

    /**
     * The newest page of a thread (oldest first within the page, as a thread reads); the cursor leads to the page of
     * messages before it, so a client scrolling up asks with the cursor until it is null.
     */
    @GET
    @Path("/{conversationId}/messages")
    @Transactional
    public Page<MessageView> thread(@PathParam("workspaceId") String workspaceId, @PathParam("conversationId") String conversationId,
            @QueryParam("limit") Integer limit, @QueryParam("cursor") String cursor) {
        access.require(workspaceId);
        PageRequest page = PageRequest.of(limit, cursor, 2);
        UUID id = owned(workspaceId, conversationId).id;
        List<ConversationMessage> rows = page.first()
                ? ConversationMessage.<ConversationMessage>find("conversationId = ?1 order by occurredAt desc, id desc", id)
                        .page(0, page.fetch()).list()
                : ConversationMessage.<ConversationMessage>find("conversationId = ?1 and (occurredAt < ?2 or (occurredAt = ?2 "
                        + "and id < ?3)) order by occurredAt desc, id desc", id, page.instantKey(0),
                        page.longKey(1)).page(0, page.fetch()).list();
        Page<MessageView> newestFirst = page.page(rows, m -> List.of(m.occurredAt.toString(), m.id.toString()),
                m -> new MessageView(m.direction, m.providerSid, m.outboundId, m.body, MessageText.fromOriginal(m.bodyOriginal),
                        m.media, m.status, m.occurredAt));
        List<MessageView> oldestFirst = new java.util.ArrayList<>(newestFirst.items());
        java.util.Collections.reverse(oldestFirst);
        return new Page<>(oldestFirst, newestFirst.nextCursor());
    }

    /** The workspace's conversation; another tenant's is answered exactly like one that does not exist. */
    static Conversation owned(String workspaceId, String conversationId) {
        Conversation conversation;
        try {
            conversation = Conversation.findById(UUID.fromString(conversationId));
        } catch (IllegalArgumentException e) {
            conversation = null;
        }
        if (conversation == null || !conversation.workspaceId.equals(workspaceId)) {
            throw new NotFoundException("no conversation " + conversationId);
        }
        return conversation;
    }
}
