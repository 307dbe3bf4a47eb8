package ai.galaxyco.phone.provisioning.domain;

import ai.galaxyco.phone.kit.domain.ClusterSingleton;
import ai.galaxyco.phone.kit.messaging.Retention;
import ai.galaxyco.phone.provisioning.config.ProvisioningConfig;
import io.quarkus.logging.Log;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import java.sql.Timestamp;
import java.time.Clock;

/**
 * Keeps {@code provisioning_attempt} bounded: a finished attempt older than PROVISIONING_ATTEMPT_RETENTION (default
 * 400 days, past a year of billing questions) is deleted unless it is among its workspace's newest
 * {@code provisioning.attempts-kept}, so every workspace keeps its recent history however old. Running attempts are
 * never touched. Hourly, in batches.
 */
@ApplicationScoped
public class AttemptRetention {

    private static final int BATCH = 5_000;

    private final EntityManager em;
    private final ClusterSingleton singleton;
    private final Clock clock;
    private final ProvisioningConfig config;

    public AttemptRetention(EntityManager em, Clock clock, ProvisioningConfig config, ClusterSingleton singleton) {
        this.singleton = singleton;
        this.em = em;
        this.clock = clock;
        this.config = config;
    }

    @Scheduled(every = "1h", delay = 3, delayUnit = java.util.concurrent.TimeUnit.MINUTES,
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void scheduled() {
        try {
            // one instance at a time: two would only repeat each other's deletes
            singleton.runOncePer("provisioning.attempt-retention", java.time.Duration.ofHours(1), () -> { // as scheduled
                int deleted = purge();
                if (deleted > 0) {
                    Log.infof("Retention: deleted %d provisioning attempts older than %s", deleted, config.attemptRetention());
                }
            });
        } catch (RuntimeException e) {
            Log.warnf("Provisioning attempt retention failed, next pass will retry: %s", e.getMessage());
        }
    }

    /** Deletes what is past retention; returns how many. */
    public int purge() {
        Timestamp cutoff = Timestamp.from(clock.instant().minus(config.attemptRetention()));
        return Retention.inBatches(BATCH, () -> em.createNativeQuery("""
                delete from provisioning_attempt where id in (
                  select id from (
                    select id, finished_at, row_number() over (partition by workspace_id order by id desc) as newer
                    from provisioning_attempt) ranked
                  where newer > ?2 and finished_at is not null and finished_at < ?1
                  limit %d)""".formatted(BATCH))
                .setParameter(1, cutoff).setParameter(2, config.attemptsKept()).executeUpdate());
    }
}
