package ai.galaxyco.phone.routing;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.galaxyco.phone.model.EventJson;
import ai.galaxyco.phone.model.Topics;
import ai.galaxyco.phone.model.events.CallStatusChanged;
import ai.galaxyco.phone.model.events.ForwardingUsage;
import ai.galaxyco.phone.model.events.InboundCall;
import ai.galaxyco.phone.model.values.PhoneNumber;
import ai.galaxyco.phone.model.values.WorkspaceId;
import ai.galaxyco.phone.testsupport.JwtResource;
import ai.galaxyco.phone.testsupport.KafkaKRaftResource;
import ai.galaxyco.phone.testsupport.PostgresResource;
import ai.galaxyco.phone.testsupport.ProcessedEvents;
import ai.galaxyco.phone.testsupport.TopicProbe;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Forwarded calls' durations become each workspace's forwarded seconds of the day, published on the compacted
 * forwarding-usage topic the gateway bounds the next forwarded call with: whichever of a call's two events comes
 * first, and never twice for one call.
 */
@QuarkusTest
@QuarkusTestResource(KafkaKRaftResource.class)
@QuarkusTestResource(PostgresResource.class)
@QuarkusTestResource(JwtResource.class)
class ForwardedMinutesTest {

    static TopicProbe usage;

    @Inject
    EntityManager em;

    @BeforeAll
    static void probe() {
        usage = TopicProbe.of(Topics.FORWARDING_USAGE);
    }

    @AfterAll
    static void close() {
        usage.close();
    }

    @Test
    void forwardedCallsCountOnceWhateverTheOrderOfTheirEvents() {
        String org = RoutingFlowTest.newOrg();
        PhoneNumber number = RoutingFlowTest.newNumber();
        new RoutingFlowTest().assignWith(em, number, org);
        PhoneNumber caller = PhoneNumber.parse("+14155550166");
        String today = LocalDate.now(ZoneOffset.UTC).toString();

        // the call first, then its final status
        String first = "CA" + UUID.randomUUID().toString().replace("-", "");
        forwarded(first, caller, number, org);
        status(first, "in-progress", null); // no duration yet: nothing counted
        status(first, "completed", 95);
        await().atMost(RoutingFlowTest.WAIT).until(() -> totalOf(org), total -> total == 95);

        // the status first, then the call: counted when the call arrives
        String second = "CA" + UUID.randomUUID().toString().replace("-", "");
        status(second, "completed", 60);
        forwarded(second, caller, number, org);
        await().atMost(RoutingFlowTest.WAIT).until(() -> totalOf(org), total -> total == 155);

        // the same status delivered again (a new event id, as a second callback would have), a later different final
        // status, and a voicemail call's status: nothing more
        String again = status(first, "completed", 95);
        String late = status(second, "failed", 0);
        String voicemail = "CA" + UUID.randomUUID().toString().replace("-", "");
        TopicProbe.publish(Topics.INBOUND_CALLS, number.e164(), new InboundCall(voicemail, caller, number, "ringing",
                InboundCall.Disposition.VOICEMAIL, WorkspaceId.of(org), null, null, null, Instant.now()), "call:" + voicemail);
        String voicemailStatus = status(voicemail, "completed", 40);
        ProcessedEvents.awaitConsumed(RoutingFlowTest.WAIT, again, late, voicemailStatus);
        // a marker behind them: one more forwarded call of 5 s; anything counted wrongly would be published before it
        String marker = "CA" + UUID.randomUUID().toString().replace("-", "");
        forwarded(marker, caller, number, org);
        status(marker, "completed", 5);
        await().atMost(RoutingFlowTest.WAIT).until(() -> totalOf(org), total -> total >= 160);
        List<ForwardingUsage> published = published(org);
        assertEquals(List.of(95L, 155L, 160L), published.stream().map(ForwardingUsage::forwardedSeconds).toList(),
                "one growing total per counted call, each call counted once");
        assertEquals(org + "#" + today, published.get(0).key());
    }

    @Test
    void callsWhoseTwoEventsArriveTogetherAreEachCountedOnce() {
        String org = RoutingFlowTest.newOrg();
        PhoneNumber number = RoutingFlowTest.newNumber();
        new RoutingFlowTest().assignWith(em, number, org);
        PhoneNumber caller = PhoneNumber.parse("+14155550167");
        // both events of each call at once, on their two topics: their consumers commit side by side
        long expected = 0;
        for (int i = 1; i <= 30; i++) {
            String sid = "CA" + UUID.randomUUID().toString().replace("-", "");
            if (i % 2 == 0) {
                status(sid, "completed", i);
                forwarded(sid, caller, number, org);
            } else {
                forwarded(sid, caller, number, org);
                status(sid, "completed", i);
            }
            expected += i;
        }
        long total = expected;
        await().atMost(RoutingFlowTest.WAIT).until(() -> totalOf(org), t -> t >= total);
        assertEquals(expected, totalOf(org), "every call counted, none twice");
        assertEquals(30, published(org).size(), "one total per counted call");
    }

    @Inject
    ai.galaxyco.phone.routing.domain.ForwardedMinutes forwardedMinutes;

    @Inject
    ai.galaxyco.phone.routing.domain.RoutingService routing;

    /**
     * The race the sweep is for, made certain: the call and its status are stored by two transactions that each run
     * their count before either commits, so neither sees the other's row. The sweep counts the call once, seconds later.
     */
    @Test
    void aCallWhoseTwoEventsCommitTogetherIsCountedByTheSweep() throws Exception {
        String org = RoutingFlowTest.newOrg();
        PhoneNumber number = RoutingFlowTest.newNumber();
        new RoutingFlowTest().assignWith(em, number, org);
        String sid = "CA" + UUID.randomUUID().toString().replace("-", "");
        var bothStored = new java.util.concurrent.CyclicBarrier(2);
        var pool = java.util.concurrent.Executors.newFixedThreadPool(2);
        try {
            var call = pool.submit(() -> io.quarkus.narayana.jta.QuarkusTransaction.requiringNew().run(() -> {
                routing.recordCall(new InboundCall(sid, PhoneNumber.parse("+14155550168"), number, "ringing",
                        InboundCall.Disposition.FORWARDED, WorkspaceId.of(org), PhoneNumber.parse("+12125550100"), null, null,
                        Instant.now()));
                meetAt(bothStored);
            }));
            var status = pool.submit(() -> io.quarkus.narayana.jta.QuarkusTransaction.requiringNew().run(() -> {
                forwardedMinutes.recordStatus(new CallStatusChanged(sid, "completed", "+14155550168", "+12125550100", 77, 3,
                        Instant.now()));
                meetAt(bothStored);
            }));
            call.get(1, java.util.concurrent.TimeUnit.MINUTES);
            status.get(1, java.util.concurrent.TimeUnit.MINUTES);
        } finally {
            pool.shutdownNow();
        }
        await().atMost(RoutingFlowTest.WAIT).until(() -> totalOf(org), total -> total == 77);
        assertEquals(List.of(77L), published(org).stream().map(ForwardingUsage::forwardedSeconds).toList());
    }

    @Inject
    ai.galaxyco.phone.kit.messaging.Retention retention;
    @Inject
    ai.galaxyco.phone.routing.domain.ForwardingRetention.CallStatuses callStatuses;
    @Inject
    ai.galaxyco.phone.routing.domain.ForwardingRetention.DailyTotals dailyTotals;

    @Test
    void callStatusesAndDailyTotalsAreKeptThirtyDays() {
        String old = "CAold" + UUID.randomUUID().toString().replace("-", "");
        String recent = "CArecent" + UUID.randomUUID().toString().replace("-", "");
        String org = RoutingFlowTest.newOrg();
        io.quarkus.narayana.jta.QuarkusTransaction.requiringNew().run(() -> {
            em.createNativeQuery("insert into call_status (call_sid, status, duration_seconds, reported_at) values "
                    + "(?1, 'completed', 1, now() - interval '31 days'), (?2, 'completed', 1, now() - interval '29 days')")
                    .setParameter(1, old).setParameter(2, recent).executeUpdate();
            em.createNativeQuery("insert into forwarding_usage (workspace_id, day, forwarded_seconds) values "
                    + "(?1, ?2, 10), (?1, ?3, 20)").setParameter(1, org).setParameter(2, LocalDate.now(ZoneOffset.UTC).minusDays(32))
                    .setParameter(3, LocalDate.now(ZoneOffset.UTC).minusDays(28)).executeUpdate();
        });
        retention.purge(callStatuses);
        retention.purge(dailyTotals);
        List<?> statuses = io.quarkus.narayana.jta.QuarkusTransaction.requiringNew().call(() -> em.createNativeQuery(
                "select call_sid from call_status where call_sid in (?1, ?2)").setParameter(1, old).setParameter(2, recent)
                .getResultList());
        assertEquals(List.of(recent), statuses);
        List<?> totals = io.quarkus.narayana.jta.QuarkusTransaction.requiringNew().call(() -> em.createNativeQuery(
                "select forwarded_seconds from forwarding_usage where workspace_id = ?1").setParameter(1, org).getResultList());
        assertEquals(1, totals.size());
        assertEquals(20L, ((Number) totals.get(0)).longValue());
        // the old day leaves the compacted topic too: a tombstone under its key
        String oldKey = org + "#" + LocalDate.now(ZoneOffset.UTC).minusDays(32);
        await().atMost(RoutingFlowTest.WAIT).until(() -> usage.records(r -> oldKey.equals(r.key()) && r.value() == null).size() == 1);
    }

    private static void meetAt(java.util.concurrent.CyclicBarrier barrier) {
        try {
            barrier.await(30, java.util.concurrent.TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static void forwarded(String callSid, PhoneNumber caller, PhoneNumber number, String org) {
        TopicProbe.publish(Topics.INBOUND_CALLS, number.e164(), new InboundCall(callSid, caller, number, "ringing",
                InboundCall.Disposition.FORWARDED, WorkspaceId.of(org), PhoneNumber.parse("+12125550100"), null, null, Instant.now()),
                "call:" + callSid);
    }

    /** @return the event id */
    private static String status(String callSid, String status, Integer seconds) {
        String eventId = UUID.randomUUID().toString();
        TopicProbe.publish(Topics.CALL_STATUS, callSid, new CallStatusChanged(callSid, status, "+14155550166", "+12125550100",
                seconds, 1, Instant.now()), eventId);
        return eventId;
    }

    private static List<ForwardingUsage> published(String org) {
        return usage.records(r -> r.key().startsWith(org + "#")).stream()
                .map(r -> EventJson.read(r.value(), ForwardingUsage.class)).toList();
    }

    private static long totalOf(String org) {
        List<ForwardingUsage> all = published(org);
        return all.isEmpty() ? 0 : all.get(all.size() - 1).forwardedSeconds();
    }
}
