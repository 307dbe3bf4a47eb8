package ai.galaxyco.phone.kit.messaging;

import ai.galaxyco.phone.model.EventJson;
import ai.galaxyco.phone.model.Topic;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import jakarta.transaction.Transactional.TxType;
import java.sql.PreparedStatement;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.hibernate.Session;

/** Records events to publish inside the caller's transaction: they leave only if the transaction commits. */
@ApplicationScoped
public class Outbox {

    private final Event<OutboxWritten> written;
    private final Clock clock;
    private final EntityManager entityManager;

    public Outbox(Event<OutboxWritten> written, Clock clock, EntityManager entityManager) {
        this.written = written;
        this.clock = clock;
        this.entityManager = entityManager;
    }

    /** One event of {@link #publishAll}: its record key and payload. */
    public record Keyed<E>(String key, E event) {
    }

    /**
     * {@link #publish} for many events of one topic at once: one JDBC batch on the transaction's connection instead of
     * an entity insert each (which Hibernate cannot batch with identity ids). Rows get ids in list order, after every
     * event published before them in the transaction (publish() inserts at once: identity ids).
     */
    @Transactional(TxType.MANDATORY)
    public <E> void publishAll(Topic<E> topic, List<Keyed<E>> events) {
        if (events.isEmpty()) {
            return;
        }
        Timestamp now = Timestamp.from(Instant.now(clock));
        entityManager.unwrap(Session.class).doWork(connection -> {
            try (PreparedStatement insert = connection.prepareStatement("insert into outbox_event (event_id, topic, record_key, "
                    + "event_type, payload, created_at, attempts) values (?, ?, ?, ?, ?, ?, 0)")) {
                for (Keyed<E> keyed : events) {
                    requireCarried(topic, keyed.event());
                    insert.setString(1, UUID.randomUUID().toString());
                    insert.setString(2, topic.name());
                    insert.setString(3, keyed.key());
                    insert.setString(4, topic.eventType());
                    insert.setString(5, EventJson.write(keyed.event()));
                    insert.setTimestamp(6, now);
                    insert.addBatch();
                }
                insert.executeBatch();
            }
        });
        written.fire(new OutboxWritten());
    }

    /** Queues {@code event} for {@code topic} under {@code key}; returns the event id (the CloudEvents ce_id). */
    @Transactional(TxType.MANDATORY)
    public <E> String publish(Topic<E> topic, String key, E event) {
        requireCarried(topic, event);
        return store(topic, key, EventJson.write(event));
    }

    /** Queues a tombstone (null value) for a compacted topic, removing the key's current value. */
    @Transactional(TxType.MANDATORY)
    public String tombstone(Topic<?> topic, String key) {
        if (!topic.compacted()) {
            throw new IllegalArgumentException(topic.name() + " is not compacted; a tombstone means nothing there");
        }
        return store(topic, key, null);
    }

    /** The compiler checks the type; this still refuses the wrong event from a caller holding a raw or wildcard topic. */
    private static void requireCarried(Topic<?> topic, Object event) {
        if (!topic.payloadType().isInstance(event)) {
            throw new IllegalArgumentException(topic.name() + " carries " + topic.payloadType().getSimpleName()
                    + ", not " + event.getClass().getSimpleName());
        }
    }

    private String store(Topic<?> topic, String key, String payload) {
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
