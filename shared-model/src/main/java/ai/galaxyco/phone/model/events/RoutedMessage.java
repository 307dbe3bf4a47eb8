package ai.galaxyco.phone.model.events;

import ai.galaxyco.phone.model.values.Channel;
import ai.galaxyco.phone.model.values.PhoneNumber;
import ai.galaxyco.phone.model.values.WorkspaceId;
import java.time.Instant;
import java.util.List;

/** An inbound message resolved to its workspace and conversation. */
public record RoutedMessage(
        String messageSid,
        WorkspaceId workspaceId,
        String conversationId,
        PhoneNumber ourNumber,
        String label,
        PhoneNumber contact,
        Channel channel,
        String body,
        List<MediaItem> media,
        Instant receivedAt) {
}
