package ai.galaxyco.phone.kit.messaging;

import ai.galaxyco.phone.kit.domain.Backoff;
import ai.galaxyco.phone.model.EventJson.MalformedEventException;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.logging.Log;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.hibernate.Session;

/**
 * Runs a handler at most once per event id and consumer: the id is inserted into {@code processed_event} in
 * the handler's own transaction, so the handler's writes, its outbox rows and the "seen" mark commit or roll
 * back together. While the database is unreachable it waits (with backoff) instead of dead-lettering good events;
 * data the database refuses (see {@link #isDataError}) is dead-lettered at once; other failures are retried a few times, and if they persist (or the event is malformed) the exception
 * propagates and the channel's dead-letter strategy takes the record.
 */
@ApplicationScoped
public class IdempotentConsumer {

    private static final int MAX_ATTEMPTS = 5;
    /** Waits while the database is unreachable, and between attempts at an event that failed. */
    public static final Backoff RETRY = new Backoff(Duration.ofMillis(200), Duration.ofSeconds(5));

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
        int outageRetries = 0;
        int attempt = 0;
        while (true) {
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
                if (isDatabaseOutage(e)) {
                    // the event is fine and the database is away: wait for it rather than dead-letter a good event
                    count(consumer, "waiting_for_database");
                    Log.warnf("%s waiting for the database (event %s): %s", consumer, eventId, e.getMessage());
                    sleep(RETRY.delay(++outageRetries));
                    continue;
                }
                attempt++;
                if (isDataError(e)) {
                    // the database refused this event's data (invalid encoding, a violated constraint): a retry
                    // cannot help, so it goes to the dead-letter topic at once, with the cause in its headers
                    count(consumer, "data_error");
                    Log.errorf(e, "%s cannot store event %s from %s; dead-lettering it", consumer, eventId, record.topic());
                    throw e;
                }
                if (attempt >= MAX_ATTEMPTS) {
                    count(consumer, "failed");
                    Log.errorf(e, "%s gave up on event %s from %s after %d attempts", consumer, eventId, record.topic(), attempt);
                    throw e;
                }
                Log.warnf("%s failed on event %s (attempt %d), retrying: %s", consumer, eventId, attempt, e.getMessage());
                sleep(RETRY.delay(attempt));
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
        processBatchAtOnce(consumer, records, fresh -> fresh.forEach(handler), deadLetters);
    }

    /** {@link #processBatch} for a channel consumed a poll at a time ({@code mp.messaging.incoming.<channel>.batch=true}). */
    public void processBatch(String consumer, ConsumerRecords<String, String> records,
            Consumer<ConsumerRecord<String, String>> handler, DeadLetters deadLetters) {
        processBatch(consumer, inPollOrder(records), handler, deadLetters);
    }

    /** {@link #processBatchAtOnce} for a channel consumed a poll at a time. */
    public void processBatchAtOnce(String consumer, ConsumerRecords<String, String> records,
            Consumer<List<ConsumerRecord<String, String>>> batchHandler, DeadLetters deadLetters) {
        processBatchAtOnce(consumer, inPollOrder(records), batchHandler, deadLetters);
    }

    private static List<ConsumerRecord<String, String>> inPollOrder(ConsumerRecords<String, String> records) {
        List<ConsumerRecord<String, String>> list = new ArrayList<>(records.count());
        records.forEach(list::add);
        return list;
    }

    /**
     * {@link #processBatch} for handlers that write a batch at once (JDBC batches, one round trip for many rows): the
     * poll's event ids are marked seen in one JDBC batch, and {@code batchHandler} gets the records not seen before,
     * in poll order, in the same transaction. On failure each record goes through {@code batchHandler} alone.
     */
    public void processBatchAtOnce(String consumer, List<ConsumerRecord<String, String>> records,
            Consumer<List<ConsumerRecord<String, String>>> batchHandler, DeadLetters deadLetters) {
        if (records.isEmpty()) {
            return;
        }
        int outageRetries = 0;
        while (true) {
            try {
                processWholeBatch(consumer, records, batchHandler);
                return;
            } catch (RuntimeException batchFailure) {
                if (isDatabaseOutage(batchFailure)) {
                    count(consumer, "waiting_for_database");
                    Log.warnf("%s waiting for the database (batch of %d): %s", consumer, records.size(), batchFailure.getMessage());
                    sleep(RETRY.delay(++outageRetries));
                    continue;
                }
                Log.warnf("%s: batch of %d failed (%s); processing its records one by one", consumer, records.size(),
                        batchFailure.getMessage());
                for (ConsumerRecord<String, String> record : records) {
                    try {
                        process(consumer, record, r -> batchHandler.accept(List.of(r)));
                    } catch (RuntimeException e) {
                        deadLetters.send(record, e);
                    }
                }
                return;
            }
        }
    }

    private void processWholeBatch(String consumer, List<ConsumerRecord<String, String>> records,
            Consumer<List<ConsumerRecord<String, String>>> batchHandler) {
        int processed = QuarkusTransaction.requiringNew().call(() -> {
            List<ConsumerRecord<String, String>> fresh = markSeen(consumer, records);
            if (!fresh.isEmpty()) {
                batchHandler.accept(fresh);
            }
            return fresh.size();
        });
        registry.counter("events.consumed", "consumer", consumer, "outcome", "processed").increment(processed);
        registry.counter("events.consumed", "consumer", consumer, "outcome", "duplicate").increment(records.size() - processed);
    }

    /**
     * Marks a poll's event ids seen in one JDBC batch (statements pipelined, not rewritten into one multi-row insert,
     * so each keeps its own count) and returns the records seen for the first time, an id repeated within the poll once.
     */
    private List<ConsumerRecord<String, String>> markSeen(String consumer, List<ConsumerRecord<String, String>> records) {
        return entityManager.unwrap(Session.class).doReturningWork(connection -> {
            try (PreparedStatement insert = connection.prepareStatement("insert into processed_event (consumer, event_id, "
                    + "processed_at) values (?, ?, now()) on conflict do nothing")) {
                for (ConsumerRecord<String, String> record : records) {
                    insert.setString(1, consumer);
                    insert.setString(2, CloudEventRecords.eventId(record));
                    insert.addBatch();
                }
                int[] inserted = insert.executeBatch();
                List<ConsumerRecord<String, String>> fresh = new ArrayList<>(records.size());
                for (int i = 0; i < inserted.length; i++) {
                    if (inserted[i] == 1) {
                        fresh.add(records.get(i));
                    }
                }
                return fresh;
            }
        });
    }

    /**
     * True when the failure is the database being unreachable (connection refused or lost, server shutting down,
     * pool exhausted), as opposed to something wrong with the event.
     */
    public static boolean isDatabaseOutage(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof java.net.ConnectException || t instanceof java.sql.SQLTransientConnectionException
                    || t instanceof java.sql.SQLNonTransientConnectionException || t instanceof java.sql.SQLRecoverableException
                    || t.getClass().getName().equals("org.hibernate.exception.JDBCConnectionException")) {
                return true;
            }
            if (t instanceof java.sql.SQLException sql) {
                String state = sql.getSQLState();
                if (state != null && (state.startsWith("08") || state.startsWith("57P") || state.startsWith("53"))) {
                    return true;
                }
                if (sql.getMessage() != null && sql.getMessage().contains("Acquisition timeout")) {
                    return true;
                }
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return false;
    }

    /**
     * True when the database refused the data itself: SQLSTATE class 22 (data exception, e.g. 22021 invalid byte
     * sequence) or 23 (integrity constraint), except 23505, a unique violation that a concurrent writer can cause
     * and a retry resolves.
     */
    static boolean isDataError(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof java.sql.SQLException sql && sql.getSQLState() != null) {
                String state = sql.getSQLState();
                return state.startsWith("22") || (state.startsWith("23") && !state.equals("23505"));
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return false;
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
