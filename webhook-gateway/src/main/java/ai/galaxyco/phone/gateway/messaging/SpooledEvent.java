package ai.galaxyco.phone.gateway.messaging;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;

/**
 * A verified webhook ready for Kafka, exactly as it will be published (topic, CloudEvent type, key, event id, time,
 * JSON payload),
 * so that a record published late from the spool is the record that would have been published at once.
 */
public record SpooledEvent(String topic, String eventType, String key, String eventId, Instant time, String payload) {

    private static final ObjectMapper JSON = new ObjectMapper().registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);

    public byte[] encode() {
        try {
            return JSON.writeValueAsBytes(this);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static SpooledEvent decode(byte[] record) {
        try {
            return JSON.readValue(record, SpooledEvent.class);
        } catch (IOException e) {
            throw new UncheckedIOException("unreadable spool record", e);
        }
    }
}
