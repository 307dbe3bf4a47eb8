package ai.galaxyco.phone.kit.messaging;

import ai.galaxyco.phone.kit.domain.ClusterSingleton;
import io.quarkus.arc.All;
import io.quarkus.logging.Log;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Singleton;
import jakarta.persistence.EntityManager;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Runs every {@link RetentionRule} of the service every {@code galaxyco.retention.interval} (1 hour), each once per
 * interval across the instances (two would only repeat each other's deletes). The kit's own rule keeps processed-event
 * ids {@code galaxyco.retention.processed-events} (PROCESSED_EVENT_RETENTION, default 30 days, far beyond any
 * redelivery or replay window); outbox rows are deleted as they are relayed.
 */
@ApplicationScoped
public class Retention {

    private static final int BATCH = 5_000;

    private final EntityManager em;
    private final ClusterSingleton singleton;
    private final Clock clock;
    private final List<RetentionRule> rules;
    private final Duration interval;

    public Retention(EntityManager em, Clock clock, @All List<RetentionRule> rules,
            @ConfigProperty(name = "galaxyco.retention.interval", defaultValue = "1h") Duration interval,
            ClusterSingleton singleton) {
        this.em = em;
        this.clock = clock;
        this.rules = rules;
        this.interval = interval;
        this.singleton = singleton;
    }

    @Scheduled(every = "${galaxyco.retention.interval:1h}", delayed = "${galaxyco.retention.delay:1m}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void scheduled() {
        for (RetentionRule rule : rules) {
            try {
                singleton.runOncePer(rule.jobName(), interval, () -> purge(rule));
            } catch (RuntimeException e) {
                Log.warnf("Retention of %s failed, the next pass will retry: %s", rule.rows(), e.getMessage());
            }
        }
    }

    /** Deletes what {@code rule} keeps no longer, in transactions of {@value #BATCH} rows; returns how many. */
    public int purge(RetentionRule rule) {
        Timestamp cutoff = Timestamp.from(clock.instant().minus(rule.keptFor()));
        int total = 0;
        int deleted;
        do {
            deleted = QuarkusTransaction.requiringNew().call(() -> rule.deleteBatch(em, cutoff, BATCH));
            total += deleted;
        } while (deleted == BATCH);
        if (total > 0) {
            Log.infof("Retention: deleted %d %s older than %s", total, rule.rows(), rule.keptFor());
        }
        return total;
    }

    /** The kit's own rule: processed-event ids past PROCESSED_EVENT_RETENTION. */
    @Singleton
    public static class ProcessedEvents extends TableRetention {

        public ProcessedEvents(@ConfigProperty(name = "galaxyco.retention.processed-events", defaultValue = "P30D") Duration keptFor) {
            super("kit.processed-event-retention", "processed-event ids", keptFor, "processed_event", "processed_at");
        }
    }
}
