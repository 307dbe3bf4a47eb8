package ai.galaxyco.phone.model.events;

import ai.galaxyco.phone.model.values.Channel;
import ai.galaxyco.phone.model.values.PhoneNumber;
import java.time.Instant;
import java.util.List;

/** A message a person sent to one of our numbers, as SignalWire posted it to the gateway. */
public record InboundMessage(
        String messageSid,
        String accountSid,
        PhoneNumber from,
        PhoneNumber to,
        String body,
        Channel channel,
        List<MediaItem> media,
        int numSegments,
        Instant receivedAt) {
}
