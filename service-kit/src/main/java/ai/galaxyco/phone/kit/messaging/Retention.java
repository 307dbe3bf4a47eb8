package ai.galaxyco.phone.kit.messaging;

import ai.galaxyco.phone.kit.domain.ClusterSingleton;
import io.quarkus.logging.Log;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Keeps the kit's bookkeeping tables from growing forever: processed-event ids older than
 * {@code galaxyco.retention.processed-events} (PROCESSED_EVENT_RETENTION, default 30 days, far beyond any redelivery
 * or replay window) are deleted, in small batches, every hour. (Outbox rows are deleted as they are relayed.)
 */
@ApplicationScoped
public class Retention {

    private static final int BATCH = 5_000;

    private final EntityManager em;
    private final ClusterSingleton singleton;
    private final Clock clock;
    private final Duration processedEvents;
    private final Duration interval;

    public Retention(EntityManager em, Clock clock,
            @ConfigProperty(name = "galaxyco.retention.processed-events", defaultValue = "P30D") Duration processedEvents,
            @ConfigProperty(name = "galaxyco.retention.interval", defaultValue = "1h") Duration interval,
            ClusterSingleton singleton) {
        this.singleton = singleton;
        this.interval = interval;
        this.em = em;
        this.clock = clock;
        this.processedEvents = processedEvents;
    }

    @Scheduled(every = "${galaxyco.retention.interval:1h}", delayed = "${galaxyco.retention.delay:1m}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void scheduled() {
        try {
            // once per interval across the instances: two would only repeat each other's deletes
            singleton.runOncePer("kit.processed-event-retention", interval, () -> {
                int deleted = purgeProcessedEvents();
                if (deleted > 0) {
                    Log.infof("Retention: deleted %d processed-event ids older than %s", deleted, processedEvents);
                }
            });
        } catch (RuntimeException e) {
            Log.warnf("Retention pass failed, next one will retry: %s", e.getMessage());
        }
    }

    /** Deletes processed-event ids past retention; returns how many. */
    public int purgeProcessedEvents() {
        Timestamp cutoff = Timestamp.from(clock.instant().minus(processedEvents));
        return inBatches(BATCH, () -> em.createNativeQuery("delete from processed_event where ctid in "
                + "(select ctid from processed_event where processed_at < ?1 limit " + BATCH + ")")
                .setParameter(1, cutoff).executeUpdate());
    }

    /**
     * Runs {@code deleteOneBatch} (a delete limited to {@code batch} rows) in transactions of its own until a run
     * deletes fewer, so a large backlog never holds one long transaction; returns how many were deleted in all.
     */
    public static int inBatches(int batch, java.util.function.IntSupplier deleteOneBatch) {
        int total = 0;
        while (true) {
            int deleted = QuarkusTransaction.requiringNew().call(deleteOneBatch::getAsInt);
            total += deleted;
            if (deleted < batch) {
                return total;
            }
        }
    }
}
