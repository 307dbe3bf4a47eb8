package ai.galaxyco.phone.model.events;

import ai.galaxyco.phone.model.values.PhoneNumber;
import ai.galaxyco.phone.model.values.WorkspaceId;
import java.math.BigDecimal;
import java.time.Instant;

/** An outbound message was handed to SignalWire, or its status changed. */
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
        Instant occurredAt) {
}
