package ai.galaxyco.phone.outbound.domain;

import ai.galaxyco.phone.kit.messaging.RetentionRule;
import ai.galaxyco.phone.outbound.config.OutboundConfig;
import jakarta.inject.Singleton;
import jakarta.persistence.EntityManager;
import java.sql.Timestamp;
import java.time.Duration;

/**
 * Status reports are kept {@code outbound.status-report-retention} (STATUS_REPORT_RETENTION, default 7 days): long
 * enough for any report that overtook its send's answer to be applied, after which a report for a sid we never
 * learned (a message sent outside this system) will never match anything. Run by the kit's {@code Retention}.
 */
@Singleton
public class StatusReportRetention implements RetentionRule {

    private final Duration keptFor;

    public StatusReportRetention(OutboundConfig config) {
        this.keptFor = config.statusReportRetention();
    }

    @Override
    public String jobName() {
        return "outbound.status-report-retention";
    }

    @Override
    public String rows() {
        return "status reports";
    }

    @Override
    public Duration keptFor() {
        return keptFor;
    }

    @Override
    public int deleteBatch(EntityManager em, Timestamp cutoff, int batch) {
        return RetentionRule.deleteOlderThan(em, "status_report", "reported_at", cutoff, batch);
    }
}
