package ai.galaxyco.phone.kit.messaging;

import ai.galaxyco.phone.model.EventJson;
import ai.galaxyco.phone.model.Topic;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.transaction.Transactional;
import jakarta.transaction.Transactional.TxType;
import java.time.Clock;
import java.time.Instant;
import java.util.UUID;

/** Records events to publish inside the caller's transaction: they leave only if the transaction commits. */
@ApplicationScoped
public class Outbox {

    private final Event<OutboxWritten> written;
    private final Clock clock;

    public Outbox(Event<OutboxWritten> written, Clock clock) {
        this.written = written;
        this.clock = clock;
    }

    /** Queues {@code event} for {@code topic} under {@code key}; returns the event id (the CloudEvents ce_id). */
    @Transactional(TxType.MANDATORY)
    public String publish(Topic topic, String key, Object event) {
        if (!topic.payloadType().isInstance(event)) {
            throw new IllegalArgumentException(topic.name() + " carries " + topic.payloadType().getSimpleName()
                    + ", not " + event.getClass().getSimpleName());
        }
        return store(topic, key, EventJson.write(event));
    }

    /** Queues a tombstone (null value) for a compacted topic, removing the key's current value. */
    @Transactional(TxType.MANDATORY)
    public String tombstone(Topic topic, String key) {
        if (!topic.compacted()) {
            throw new IllegalArgumentException(topic.name() + " is not compacted; a tombstone means nothing there");
        }
        return store(topic, key, null);
    }

    private String store(Topic topic, String key, String payload) {
        OutboxEvent row = new OutboxEvent();
        row.eventId = UUID.randomUUID().toString();
        row.topic = topic.name();
        row.recordKey = key;
        row.eventType = topic.eventType();
        row.payload = payload;
        row.createdAt = Instant.now(clock);
        row.persist();
        written.fire(new OutboxWritten());
        return row.eventId;
    }

    /** Fired for each row; the relay wakes up after the transaction commits instead of waiting for its poll. */
    public record OutboxWritten() {
    }
}
