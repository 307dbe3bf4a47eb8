package ai.galaxyco.phone.model.events;

import java.time.Instant;

/** A call status callback from SignalWire. */
public record CallStatusChanged(
        String callSid,
        String status,
        String from,
        String to,
        Integer durationSeconds,
        Integer sequenceNumber,
        Instant reportedAt) {
}
