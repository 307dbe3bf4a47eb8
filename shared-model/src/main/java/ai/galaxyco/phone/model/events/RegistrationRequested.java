package ai.galaxyco.phone.model.events;

import ai.galaxyco.phone.model.values.PhoneNumber;
import ai.galaxyco.phone.model.values.WorkspaceId;
import java.time.Instant;

/**
 * Outbound → provisioning: SignalWire refused a message because its sender is not in an active 10DLC campaign
 * (error {@code 21717}), so the number must be registered (again). {@code messageId} is the outbound message that
 * met the refusal.
 */
public record RegistrationRequested(
        PhoneNumber phoneNumber,
        WorkspaceId workspaceId,
        String errorCode,
        String reason,
        String messageId,
        Instant occurredAt) {
}
