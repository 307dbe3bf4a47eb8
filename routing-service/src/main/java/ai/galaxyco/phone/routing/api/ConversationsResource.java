package ai.galaxyco.phone.routing.api;

import ai.galaxyco.phone.kit.api.WorkspaceAccess;
import ai.galaxyco.phone.routing.domain.Conversation;
import ai.galaxyco.phone.routing.domain.ConversationMessage;
import ai.galaxyco.phone.model.values.MessageText;
import io.quarkus.security.Authenticated;
import jakarta.transaction.Transactional;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** A workspace's conversations and their threads, inbound and outbound in order. */
@Path("/api/workspaces/{workspaceId}/conversations")
@Produces(MediaType.APPLICATION_JSON)
@Authenticated
public class ConversationsResource {

    public record ConversationView(String id, String ourNumber, String contact, String channel, Instant lastMessageAt) {
    }

    /** {@code body} as stored (U+0000 shown as U+FFFD); {@code originalBody} the exact text, only when it differs. */
    public record MessageView(String direction, String providerSid, String outboundId, String body, String originalBody,
            String media, String status, Instant occurredAt) {
    }

    /** A thread page holds the newest 500 messages unless {@code ?limit=} (at most 1000) says otherwise. */
    static final int DEFAULT_THREAD_PAGE = 500;
    static final int MAX_THREAD_PAGE = 1000;

    private final WorkspaceAccess access;

    public ConversationsResource(WorkspaceAccess access) {
        this.access = access;
    }

    @GET
    @Transactional
    public List<ConversationView> list(@PathParam("workspaceId") String workspaceId) {
        access.require(workspaceId);
        return Conversation.<Conversation>find("workspaceId = ?1 order by lastMessageAt desc", workspaceId).page(0, 200).list()
                .stream().map(c -> new ConversationView(c.id.toString(), c.ourNumber, c.contact, c.channel, c.lastMessageAt))
                .toList();
    }

    @GET
    @Path("/{conversationId}/messages")
    @Transactional
    public List<MessageView> thread(@PathParam("workspaceId") String workspaceId, @PathParam("conversationId") String conversationId,
            @QueryParam("limit") Integer limit, @QueryParam("before") Instant before) {
        access.require(workspaceId);
        int max = limit == null ? DEFAULT_THREAD_PAGE : limit;
        if (max < 1 || max > MAX_THREAD_PAGE) {
            throw new IllegalArgumentException("limit must be between 1 and " + MAX_THREAD_PAGE);
        }
        UUID id;
        try {
            id = UUID.fromString(conversationId);
        } catch (IllegalArgumentException e) {
            throw new NotFoundException("no conversation " + conversationId);
        }
        Conversation conversation = Conversation.findById(id);
        if (conversation == null || !conversation.workspaceId.equals(workspaceId)) {
            throw new NotFoundException("no conversation " + conversationId); // never reveal another tenant's thread
        }
        // the newest page (before the cursor, if given), returned oldest first as a thread reads
        List<ConversationMessage> page = new java.util.ArrayList<>(before == null
                ? ConversationMessage.<ConversationMessage>find("conversationId = ?1 order by occurredAt desc, id desc", id)
                        .page(0, max).list()
                : ConversationMessage.<ConversationMessage>find("conversationId = ?1 and occurredAt < ?2 order by occurredAt desc, id desc",
                        id, before).page(0, max).list());
        java.util.Collections.reverse(page);
        return page.stream()
                .map(m -> new MessageView(m.direction, m.providerSid, m.outboundId, m.body,
                        MessageText.fromOriginal(m.bodyOriginal), m.media, m.status, m.occurredAt))
                .toList();
    }
}
