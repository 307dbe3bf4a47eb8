package ai.galaxyco.phone.outbound;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.galaxyco.phone.kit.messaging.Retention;
import ai.galaxyco.phone.outbound.domain.StatusReportRetention;
import ai.galaxyco.phone.testsupport.JwtResource;
import ai.galaxyco.phone.testsupport.KafkaKRaftResource;
import ai.galaxyco.phone.testsupport.PostgresResource;
import ai.galaxyco.phone.testsupport.SandboxResource;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Bookkeeping tables are bounded: old processed-event ids, status reports, daily spend and audit records go, recent ones stay. */
@QuarkusTest
@QuarkusTestResource(KafkaKRaftResource.class)
@QuarkusTestResource(PostgresResource.class)
@QuarkusTestResource(SandboxResource.class)
@QuarkusTestResource(JwtResource.class)
class RetentionTest {

    @Inject
    Retention retention;
    @Inject
    Retention.ProcessedEvents processedEvents;
    @Inject
    StatusReportRetention statusReports;
    @Inject
    ai.galaxyco.phone.outbound.domain.SpendRetention spend;
    @Inject
    ai.galaxyco.phone.kit.domain.AuditTrail.Retention audit;
    @Inject
    EntityManager em;

    @Test
    void oldBookkeepingIsDeletedAndRecentIsKept() {
        String old = "old-" + UUID.randomUUID();
        String recent = "recent-" + UUID.randomUUID();
        QuarkusTransaction.requiringNew().run(() -> {
            em.createNativeQuery("insert into processed_event (consumer, event_id, processed_at) values "
                    + "('test', ?1, now() - interval '31 days'), ('test', ?2, now() - interval '29 days')")
                    .setParameter(1, old).setParameter(2, recent).executeUpdate();
            em.createNativeQuery("insert into status_report (provider_sid, status, reported_at) values "
                    + "(?1, 'sent', now() - interval '8 days'), (?2, 'sent', now() - interval '6 days')")
                    .setParameter(1, old).setParameter(2, recent).executeUpdate();
        });
        assertTrue(retention.purge(processedEvents) >= 1);
        assertTrue(retention.purge(statusReports) >= 1);
        assertEquals(0, count("processed_event", "event_id", old));
        assertEquals(1, count("processed_event", "event_id", recent));
        assertEquals(0, count("status_report", "provider_sid", old));
        assertEquals(1, count("status_report", "provider_sid", recent));
    }

    @Test
    void spendPerDayAndAuditRecordsAreKeptFourHundredDays() {
        String old = "org_old_" + UUID.randomUUID().toString().substring(0, 8);
        String recent = "org_recent_" + UUID.randomUUID().toString().substring(0, 8);
        QuarkusTransaction.requiringNew().run(() -> {
            em.createNativeQuery("insert into messaging_spend (workspace_id, day, estimated_usd) values "
                    + "(?1, current_date - 401, 1.0), (?2, current_date - 399, 1.0)")
                    .setParameter(1, old).setParameter(2, recent).executeUpdate();
            em.createNativeQuery("insert into audit_event (workspace_id, actor, actor_role, action, at) values "
                    + "(?1, 'test', 'service', 'test.old', now() - interval '401 days'), "
                    + "(?2, 'test', 'service', 'test.recent', now() - interval '399 days')")
                    .setParameter(1, old).setParameter(2, recent).executeUpdate();
        });
        assertTrue(retention.purge(spend) >= 1);
        assertTrue(retention.purge(audit) >= 1);
        assertEquals(0, count("messaging_spend", "workspace_id", old));
        assertEquals(1, count("messaging_spend", "workspace_id", recent));
        assertEquals(0, count("audit_event", "workspace_id", old));
        assertEquals(1, count("audit_event", "workspace_id", recent));
    }

    private long count(String table, String column, String value) {
        return QuarkusTransaction.requiringNew().call(() -> ((Number) em.createNativeQuery(
                "select count(*) from " + table + " where " + column + " = ?1").setParameter(1, value).getSingleResult()).longValue());
    }
}
