package ai.galaxyco.phone.kit.messaging;

import ai.galaxyco.phone.model.EventJson.MalformedEventException;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.logging.Log;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import java.time.Duration;
import java.util.List;
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
                    if (!markSeen(consumer, eventId)) {
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

    /**
     * Runs a whole poll's worth of records in one transaction (one commit instead of one per record). If that
     * fails, every record is processed on its own as {@link #process} does, and a record that still fails is
     * written to its dead-letter topic so the rest of the batch goes on.
     */
    public void processBatch(String consumer, List<ConsumerRecord<String, String>> records,
            Consumer<ConsumerRecord<String, String>> handler, DeadLetters deadLetters) {
        if (records.isEmpty()) {
            return;
        }
        try {
            int[] outcome = QuarkusTransaction.requiringNew().call(() -> {
                int processed = 0;
                int duplicates = 0;
                for (ConsumerRecord<String, String> record : records) {
                    if (markSeen(consumer, CloudEventRecords.eventId(record))) {
                        handler.accept(record);
                        processed++;
                    } else {
                        duplicates++;
                    }
                }
                return new int[] {processed, duplicates};
            });
            registry.counter("events.consumed", "consumer", consumer, "outcome", "processed").increment(outcome[0]);
            registry.counter("events.consumed", "consumer", consumer, "outcome", "duplicate").increment(outcome[1]);
        } catch (RuntimeException batchFailure) {
            Log.warnf("%s: batch of %d failed (%s); processing its records one by one", consumer, records.size(),
                    batchFailure.getMessage());
            for (ConsumerRecord<String, String> record : records) {
                try {
                    process(consumer, record, handler);
                } catch (RuntimeException e) {
                    deadLetters.send(record, e);
                }
            }
        }
    }

    private boolean markSeen(String consumer, String eventId) {
        return entityManager.createNativeQuery("insert into processed_event (consumer, event_id, processed_at) values (?1, ?2, now()) "
                + "on conflict do nothing").setParameter(1, consumer).setParameter(2, eventId).executeUpdate() == 1;
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
