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

/** Bookkeeping tables are bounded: old processed-event ids and status reports go, recent ones stay. */
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

    private long count(String table, String column, String value) {
        return QuarkusTransaction.requiringNew().call(() -> ((Number) em.createNativeQuery(
                "select count(*) from " + table + " where " + column + " = ?1").setParameter(1, value).getSingleResult()).longValue());
    }
}
