package ai.galaxyco.phone.kit.messaging;

import ai.galaxyco.phone.model.EventJson.MalformedEventException;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.logging.Log;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import java.time.Duration;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Runs a handler at most once per event id and consumer: the id is inserted into {@code processed_event} in
 * the handler's own transaction, so the handler's writes, its outbox rows and the "seen" mark commit or roll
 * back together. Transient failures are retried with backoff; if they persist (or the event is malformed)
 * the exception propagates and the channel's dead-letter strategy takes the record.
 */
@ApplicationScoped
public class IdempotentConsumer {

    private static final int MAX_ATTEMPTS = 5;
    private static final Duration FIRST_BACKOFF = Duration.ofMillis(200);

    private final EntityManager entityManager;
    private final MeterRegistry registry;

    public IdempotentConsumer(EntityManager entityManager, MeterRegistry registry) {
        this.entityManager = entityManager;
        this.registry = registry;
    }

    /** @return true if the handler ran, false if the event had been processed before */
    public boolean process(String consumer, ConsumerRecord<String, String> record,
            Consumer<ConsumerRecord<String, String>> handler) {
        String eventId = CloudEventRecords.eventId(record);
        Duration backoff = FIRST_BACKOFF;
        for (int attempt = 1; ; attempt++) {
            try {
                boolean ran = QuarkusTransaction.requiringNew().call(() -> {
                    int inserted = entityManager.createNativeQuery(
                            "insert into processed_event (consumer, event_id, processed_at) values (?1, ?2, now()) "
                                    + "on conflict do nothing")
                            .setParameter(1, consumer).setParameter(2, eventId).executeUpdate();
                    if (inserted == 0) {
                        return false;
                    }
                    handler.accept(record);
                    return true;
                });
                count(consumer, ran ? "processed" : "duplicate");
                return ran;
            } catch (MalformedEventException e) {
                count(consumer, "malformed");
                throw e;
            } catch (RuntimeException e) {
                if (attempt >= MAX_ATTEMPTS) {
                    count(consumer, "failed");
                    Log.errorf(e, "%s gave up on event %s from %s after %d attempts", consumer, eventId, record.topic(), attempt);
                    throw e;
                }
                Log.warnf("%s failed on event %s (attempt %d), retrying: %s", consumer, eventId, attempt, e.getMessage());
                sleep(backoff);
                backoff = backoff.multipliedBy(2);
            }
        }
    }

    private void count(String consumer, String outcome) {
        registry.counter("events.consumed", "consumer", consumer, "outcome", outcome).increment();
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while retrying", e);
        }
    }
}
