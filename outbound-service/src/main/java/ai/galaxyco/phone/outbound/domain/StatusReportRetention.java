package ai.galaxyco.phone.outbound.domain;

import ai.galaxyco.phone.kit.domain.ClusterSingleton;
import io.quarkus.logging.Log;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;

/**
 * Status reports are kept {@code outbound.status-report-retention} (STATUS_REPORT_RETENTION, default 7 days): long
 * enough for any report that overtook its send's answer to be applied, after which a report for a sid we never
 * learned (a message sent outside this system) will never match anything.
 */
@ApplicationScoped
public class StatusReportRetention {

    private final EntityManager em;
    private final ClusterSingleton singleton;
    private final Clock clock;
    private final Duration retention;

    public StatusReportRetention(EntityManager em, Clock clock, ai.galaxyco.phone.outbound.config.OutboundConfig config,
            ClusterSingleton singleton) {
        this.singleton = singleton;
        this.em = em;
        this.clock = clock;
        this.retention = config.statusReportRetention();
    }

    @Scheduled(every = "1h", delay = 2, delayUnit = java.util.concurrent.TimeUnit.MINUTES,
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void scheduled() {
        try {
            // one instance at a time: two would only repeat each other's deletes
            singleton.runOncePer("outbound.status-report-retention", java.time.Duration.ofHours(1), () -> { // as scheduled
                int deleted = purge();
                if (deleted > 0) {
                    Log.infof("Retention: deleted %d status reports older than %s", deleted, retention);
                }
            });
        } catch (RuntimeException e) {
            Log.warnf("Status report retention failed, next pass will retry: %s", e.getMessage());
        }
    }

    public int purge() {
        Timestamp cutoff = Timestamp.from(clock.instant().minus(retention));
        return QuarkusTransaction.requiringNew().call(() -> em.createNativeQuery(
                "delete from status_report where reported_at < ?1").setParameter(1, cutoff).executeUpdate());
    }
}
