package ai.galaxyco.phone.kit.messaging;

import ai.galaxyco.phone.kit.domain.AdvisoryLock;
import ai.galaxyco.phone.kit.domain.Backoff;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.arc.properties.IfBuildProperty;
import io.quarkus.logging.Log;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.reactive.messaging.kafka.Record;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.TransactionPhase;
import jakarta.persistence.EntityManager;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Emitter;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.Metadata;

/**
 * Publishes outbox rows in id order on one background thread. With several instances only one relays at a time:
 * each batch first takes a transaction-scoped PostgreSQL advisory lock named after the service, and an instance that
 * finds it taken skips its turn. Two relays taking disjoint batches (as {@code SKIP LOCKED} alone would let them)
 * could publish a key's later event (an assignment's tombstone) before its earlier one; one relay at a time keeps every
 * key in id order. The lock goes with the transaction, so a relay that dies (kill -9) frees it at once and another
 * instance's next turn (within {@code IDLE_POLL}) takes over. A batch is sent and deleted only after the broker
 * acknowledged every record (acks=all). If Kafka is down the transaction rolls back and the rows are retried with
 * backoff: at-least-once, deduplicated by the consumers on ce_id. A service that publishes nothing turns the relay
 * (and its channel) off with {@code galaxyco.outbox.relay=false}.
 */
@ApplicationScoped
@IfBuildProperty(name = "galaxyco.outbox.relay", stringValue = "true", enableIfMissing = true)
public class OutboxRelay {

    public static final String CHANNEL = "outbox";
    private static final int BATCH_SIZE = 200;
    private static final Duration IDLE_POLL = Duration.ofMillis(500);
    private static final Duration BUSY_POLL = Duration.ofMillis(50);
    /** What {@link #publishBatch} returns when another instance holds the relay lock. */
    public static final int ANOTHER_RELAY = -1;
    private static final Backoff RETRY = new Backoff(Duration.ofMillis(250), Duration.ofSeconds(10));
    private static final Duration ACK_TIMEOUT = Duration.ofSeconds(30);

    private final Emitter<Record<String, String>> emitter;
    private final EntityManager entityManager;
    private final String source;
    /** Per service: services sharing one database (schemas of one DATABASE_URL) relay independently. */
    private final String relayLock;
    private final Counter published;
    private final Counter failures;
    private final Semaphore wakeUp = new Semaphore(0);
    private volatile boolean running;
    private Thread worker;

    public OutboxRelay(@Channel(CHANNEL) Emitter<Record<String, String>> emitter, EntityManager entityManager,
            @ConfigProperty(name = "quarkus.application.name") String applicationName, MeterRegistry registry) {
        this.emitter = emitter;
        this.entityManager = entityManager;
        this.source = "/galaxyco-phone/" + applicationName;
        this.relayLock = "outbox-relay:" + applicationName;
        this.published = registry.counter("outbox.published");
        this.failures = registry.counter("outbox.publish.failures");
    }

    void start(@Observes StartupEvent event) {
        running = true;
        worker = new Thread(this::run, "outbox-relay");
        worker.setDaemon(true);
        worker.start();
    }

    void stop(@Observes ShutdownEvent event) throws InterruptedException {
        running = false;
        wakeUp.release();
        if (worker != null) {
            worker.join(TimeUnit.SECONDS.toMillis(10));
        }
    }

    void onWritten(@Observes(during = TransactionPhase.AFTER_SUCCESS) Outbox.OutboxWritten event) {
        wakeUp.release();
    }

    private void run() {
        int failedTurns = 0;
        while (running) {
            try {
                if (failedTurns > 0) {
                    Thread.sleep(RETRY.delay(failedTurns).toMillis()); // back off after a failure, not on the happy path
                } else {
                    wakeUp.tryAcquire(IDLE_POLL.toMillis(), TimeUnit.MILLISECONDS);
                }
                wakeUp.drainPermits();
                int published;
                do {
                    published = publishBatch();
                    if (published == ANOTHER_RELAY) {
                        // another instance is relaying (our rows too, in order): look again soon, not after IDLE_POLL
                        wakeUp.tryAcquire(BUSY_POLL.toMillis(), TimeUnit.MILLISECONDS);
                    }
                } while (running && (published == BATCH_SIZE || published == ANOTHER_RELAY && hasRows()));
                failedTurns = 0;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                failures.increment();
                failedTurns++;
                Log.warnf("Outbox publish failed, retrying in %d ms: %s", RETRY.delay(failedTurns).toMillis(), e.getMessage());
            }
        }
    }

    /**
     * One relay turn: publishes the oldest batch; returns how many rows it published, or {@link #ANOTHER_RELAY} when
     * another instance is relaying now. Called by the relay thread, and by tests that race several relays.
     */
    public int publishBatch() {
        return QuarkusTransaction.requiringNew().timeout((int) ACK_TIMEOUT.multipliedBy(2).toSeconds()).call(() -> {
            if (!AdvisoryLock.CLUSTER_JOB.tryLockForTransaction(entityManager, relayLock)) {
                return ANOTHER_RELAY;
            }
            @SuppressWarnings("unchecked")
            List<OutboxEvent> rows = entityManager.createNativeQuery(
                    "select * from outbox_event order by id limit " + BATCH_SIZE + " for update", OutboxEvent.class)
                    .getResultList();
            if (rows.isEmpty()) {
                return 0;
            }
            List<CompletableFuture<Void>> acks = new ArrayList<>(rows.size());
            for (OutboxEvent row : rows) {
                acks.add(send(row));
            }
            try {
                CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new))
                        .get(ACK_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            } catch (Exception e) {
                throw new IllegalStateException("broker did not acknowledge the outbox batch", e);
            }
            List<Long> ids = rows.stream().map(r -> r.id).toList();
            entityManager.createQuery("delete from OutboxEvent where id in :ids").setParameter("ids", ids).executeUpdate();
            published.increment(rows.size());
            return rows.size();
        });
    }

    private boolean hasRows() {
        return QuarkusTransaction.requiringNew().call(() -> !entityManager.createNativeQuery("select 1 from outbox_event limit 1")
                .getResultList().isEmpty());
    }

    private CompletableFuture<Void> send(OutboxEvent row) {
        CompletableFuture<Void> ack = new CompletableFuture<>();
        var metadata = CloudEventRecords.metadata(row.topic, row.recordKey, row.eventId, row.eventType, source,
                row.createdAt);
        Message<Record<String, String>> message = Message.of(Record.of(row.recordKey, row.payload), Metadata.of(metadata))
                .withAck(() -> {
                    ack.complete(null);
                    return CompletableFuture.completedFuture(null);
                })
                .withNack(failure -> {
                    ack.completeExceptionally(failure);
                    return CompletableFuture.completedFuture(null);
                });
        emitter.send(message);
        return ack;
    }
}
