package ai.galaxyco.phone.model.events;

import ai.galaxyco.phone.model.values.WorkspaceId;
import java.time.Instant;
import java.util.List;

/**
 * A command to send a message from a workspace. {@code requestId} makes it idempotent; {@code from} or
 * {@code label} optionally choose one of the workspace's numbers. {@code to} is validated by the
 * outbound service, which is why it travels as written.
 */
public record OutboundRequest(
        String requestId,
        WorkspaceId workspaceId,
        String to,
        String body,
        List<String> mediaUrls,
        String from,
        String label,
        Instant requestedAt) {
}
