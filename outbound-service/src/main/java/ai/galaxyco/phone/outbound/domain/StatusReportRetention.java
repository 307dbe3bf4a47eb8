package ai.galaxyco.phone.outbound.domain;

import ai.galaxyco.phone.kit.messaging.TableRetention;
import ai.galaxyco.phone.outbound.config.OutboundConfig;
import jakarta.inject.Singleton;

/**
 * Status reports are kept {@code outbound.status-report-retention} (STATUS_REPORT_RETENTION, default 7 days): long
 * enough for any report that overtook its send's answer to be applied, after which a report for a sid we never
 * learned (a message sent outside this system) will never match anything. Run by the kit's {@code Retention}.
 */
@Singleton
public class StatusReportRetention extends TableRetention {

    public StatusReportRetention(OutboundConfig config) {
        super("outbound.status-report-retention", "status reports", config.statusReportRetention(), "status_report", "reported_at");
    }
}
