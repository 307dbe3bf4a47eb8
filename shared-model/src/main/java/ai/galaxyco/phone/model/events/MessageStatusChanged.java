package ai.galaxyco.phone.model.events;

import java.time.Instant;

/** A message status callback from SignalWire. Statuses are lower-case as SignalWire sends them. */
public record MessageStatusChanged(
        String messageSid,
        String status,
        String errorCode,
        String from,
        String to,
        Integer numSegments,
        Instant reportedAt) {
}
