package ai.galaxyco.phone.outbound.api;

import ai.galaxyco.phone.kit.api.WorkspaceAccess;
import ai.galaxyco.phone.outbound.domain.MessageService;
import ai.galaxyco.phone.outbound.domain.MessageService.SendCommand;
import ai.galaxyco.phone.outbound.domain.OutboundMessage;
import ai.galaxyco.phone.outbound.domain.SendRefused;
import io.quarkus.security.Authenticated;
import jakarta.transaction.Transactional;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** Send a message from a workspace's number, and read its status. */
@Path("/api/workspaces/{workspaceId}/messages")
@Produces(MediaType.APPLICATION_JSON)
@Authenticated
public class MessagesResource {

    public record SendRequest(String to, String body, List<String> mediaUrls, String from, String label) {
    }

    /** {@code reason}: why a QUEUED message waits ({@code awaiting_registration}: its number is not registered yet). */
    public record Accepted(String id, String from, String to, String status, String reason) {
    }

    public record MessageView(String id, String from, String to, String body, String status, String errorCode, int segments,
            Instant createdAt, Instant updatedAt, String reason) {
    }

    private final WorkspaceAccess access;
    private final MessageService messages;

    public MessagesResource(WorkspaceAccess access, MessageService messages) {
        this.access = access;
        this.messages = messages;
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    public Response send(@PathParam("workspaceId") String workspaceId, @HeaderParam("Idempotency-Key") String idempotencyKey,
            SendRequest request) {
        access.require(workspaceId);
        if (request == null) {
            throw new SendRefused(SendRefused.Reason.INVALID_REQUEST, "a JSON body {\"to\", \"body\"} is required");
        }
        if (idempotencyKey != null && (idempotencyKey.isBlank() || idempotencyKey.length() > 255)) {
            throw new SendRefused(SendRefused.Reason.INVALID_REQUEST, "Idempotency-Key must be 1 to 255 characters");
        }
        OutboundMessage m = messages.accept(new SendCommand(workspaceId, request.to(), request.body(), request.mediaUrls(),
                request.from(), request.label(), idempotencyKey == null ? null : "api:" + idempotencyKey));
        // a replayed Idempotency-Key answers with the message's current status
        return Response.accepted(new Accepted(m.id.toString(), m.fromNumber, m.toNumber, m.status.name(), m.heldReason)).build();
    }

    @GET
    @Path("/{messageId}")
    @Transactional
    public MessageView get(@PathParam("workspaceId") String workspaceId, @PathParam("messageId") String messageId) {
        access.require(workspaceId);
        OutboundMessage m;
        try {
            m = OutboundMessage.findById(UUID.fromString(messageId));
        } catch (IllegalArgumentException e) {
            m = null;
        }
        if (m == null || !m.workspaceId.equals(workspaceId)) {
            throw new NotFoundException("no message " + messageId); // never reveal another tenant's message
        }
        return new MessageView(m.id.toString(), m.fromNumber, m.toNumber, m.body, m.status.name(), m.errorCode, m.segments,
                m.createdAt, m.updatedAt, m.heldReason);
    }
}
