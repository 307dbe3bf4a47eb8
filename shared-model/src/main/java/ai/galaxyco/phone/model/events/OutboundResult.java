package ai.galaxyco.phone.model.events;

import ai.galaxyco.phone.model.values.Channel;
import ai.galaxyco.phone.model.values.PhoneNumber;
import ai.galaxyco.phone.model.values.WorkspaceId;
import java.math.BigDecimal;
import java.time.Instant;

/**
 * An outbound message was handed to SignalWire, or its status changed. {@code channel} and {@code mediaCount} came
 * later: events written before them read as SMS with no media.
 */
public record OutboundResult(
        String messageId,
        WorkspaceId workspaceId,
        String providerSid,
        PhoneNumber from,
        PhoneNumber to,
        boolean fromSharedNumber,
        String body,
        String status,
        String errorCode,
        int segments,
        BigDecimal price,
        String priceUnit,
        Instant createdAt,
        Instant occurredAt,
        Channel channel,
        int mediaCount) {

    public OutboundResult {
        channel = channel == null ? (mediaCount > 0 ? Channel.MMS : Channel.SMS) : channel;
    }

    /** A text message (SMS, no media). */
    public OutboundResult(String messageId, WorkspaceId workspaceId, String providerSid, PhoneNumber from, PhoneNumber to,
            boolean fromSharedNumber, String body, String status, String errorCode, int segments, BigDecimal price,
            String priceUnit, Instant createdAt, Instant occurredAt) {
        this(messageId, workspaceId, providerSid, from, to, fromSharedNumber, body, status, errorCode, segments, price, priceUnit,
                createdAt, occurredAt, Channel.SMS, 0);
    }
}
