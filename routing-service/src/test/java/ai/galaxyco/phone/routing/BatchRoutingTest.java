package ai.galaxyco.phone.routing;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.galaxyco.phone.model.EventJson;
import ai.galaxyco.phone.model.Topics;
import ai.galaxyco.phone.model.events.InboundMessage;
import ai.galaxyco.phone.model.events.MediaItem;
import ai.galaxyco.phone.model.events.NumberAssignment;
import ai.galaxyco.phone.model.events.RoutedMessage;
import ai.galaxyco.phone.model.values.Channel;
import ai.galaxyco.phone.model.values.PhoneNumber;
import ai.galaxyco.phone.model.values.WorkspaceId;
import ai.galaxyco.phone.routing.domain.BatchRouting;
import ai.galaxyco.phone.routing.domain.RoutingService;
import ai.galaxyco.phone.testsupport.JwtResource;
import ai.galaxyco.phone.testsupport.KafkaKRaftResource;
import ai.galaxyco.phone.testsupport.PostgresResource;
import ai.galaxyco.phone.testsupport.TopicProbe;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The poll-at-a-time routing path against PostgreSQL, and its race with a number's assignment. */
@QuarkusTest
@QuarkusTestResource(KafkaKRaftResource.class)
@QuarkusTestResource(PostgresResource.class)
@QuarkusTestResource(JwtResource.class)
class BatchRoutingTest {

    static final Duration WAIT = Duration.ofSeconds(45);

    @Inject
    BatchRouting batchRouting;

    @Inject
    RoutingService routing;

    @Inject
    EntityManager em;

    static PhoneNumber newNumber() {
        return PhoneNumber.parse(ai.galaxyco.phone.testsupport.TestNumbers.next("+1646555", 4));
    }

    static String org() {
        return "org_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
    }

    void assignNow(PhoneNumber number, String org) {
        QuarkusTransaction.requiringNew().run(() -> routing.applyAssignment(number.e164(),
                new NumberAssignment(number, WorkspaceId.of(org), "Support", false, "PN" + number.e164(), null, Instant.now())));
    }

    static InboundMessage sms(String sid, PhoneNumber from, PhoneNumber to, String body, Instant at) {
        return new InboundMessage(sid, "AC1", from, to, body, Channel.SMS, List.of(), 1, at);
    }

    @Test
    void aPollOfMixedMessagesIsStoredAndPublishedAsEachAloneWouldBe() {
        String org = org();
        PhoneNumber ours = newNumber();
        PhoneNumber nobodys = newNumber();
        PhoneNumber alice = PhoneNumber.parse("+14155550301");
        PhoneNumber bob = PhoneNumber.parse("+14155550302");
        assignNow(ours, org);
        Instant t0 = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        String p = "SMb" + UUID.randomUUID().toString().substring(0, 8);
        var media = List.of(new MediaItem("https://files.example/cat.jpg", "image/jpeg"));
        List<InboundMessage> poll = List.of(
                sms(p + "1", alice, ours, "hello", t0),
                new InboundMessage(p + "2", "AC1", alice, ours, "a picture", Channel.MMS, media, 1, t0.plusSeconds(2)),
                sms(p + "3", bob, ours, "hi", t0.plusSeconds(1)),
                sms(p + "1", alice, ours, "hello", t0), // the same webhook again (another event id): one message
                sms(p + "4", alice, ours, "STOP", t0.plusSeconds(3)), // a consent keyword: routed and recorded
                sms(p + "5", alice, nobodys, "anyone?", t0), // nobody owns the number: unrouted
                sms(p + "6", alice, ours, "nul \u0000 inside", t0.plusSeconds(4)));
        try (TopicProbe routed = TopicProbe.of(Topics.ROUTED_MESSAGES)) {
            QuarkusTransaction.requiringNew().run(() -> batchRouting.routeMessages(poll));

            List<Object[]> stored = rows("select m.provider_sid, c.contact, c.inbox, m.body, m.body_original, m.media, c.id::text "
                    + "from conversation_message m join conversation c on c.id = m.conversation_id where m.provider_sid like ?1 "
                    + "order by m.provider_sid", p + "%");
            assertEquals(List.of(p + "1", p + "2", p + "3", p + "4", p + "6"), stored.stream().map(r -> (String) r[0]).toList());
            Map<String, Object[]> bySid = stored.stream().collect(Collectors.toMap(r -> (String) r[0], Function.identity()));
            assertEquals("Support", bySid.get(p + "1")[2]);
            assertEquals(bySid.get(p + "1")[6], bySid.get(p + "2")[6], "SMS and MMS of one contact share a thread");
            assertEquals(bySid.get(p + "1")[6], bySid.get(p + "4")[6], "the keyword message joins the same thread");
            assertEquals("nul \uFFFD inside", bySid.get(p + "6")[3]);
            assertArrayEquals("nul \u0000 inside".getBytes(StandardCharsets.UTF_8), (byte[]) bySid.get(p + "6")[4]);
            assertTrue(((String) bySid.get(p + "2")[5]).contains("cat.jpg"));

            List<Object[]> threads = rows("select contact, (extract(epoch from last_message_at) * 1000)::bigint, "
                    + "(extract(epoch from last_inbound_at) * 1000)::bigint from conversation where workspace_id = ?1 order by contact", org);
            assertEquals(2, threads.size());
            assertEquals(t0.plusSeconds(4).toEpochMilli(), ((Number) threads.get(0)[1]).longValue(), "alice's newest message");
            assertEquals(t0.plusSeconds(4).toEpochMilli(), ((Number) threads.get(0)[2]).longValue());
            assertEquals(t0.plusSeconds(1).toEpochMilli(), ((Number) threads.get(1)[1]).longValue(), "bob's");
            assertEquals(1, rows("select 1 from unrouted_message where provider_sid = ?1", p + "5").size());
            assertEquals(Boolean.TRUE, rows("select opted_out from consent where our_number = ?1 and contact = ?2", ours.e164(),
                    alice.e164()).get(0));

            await().atMost(WAIT).until(() -> routed.records(r -> org.equals(r.key())).size() >= 5);
            List<RoutedMessage> events = routed.records(r -> org.equals(r.key())).stream()
                    .map(r -> EventJson.read(r.value(), RoutedMessage.class)).toList();
            assertEquals(List.of(p + "1", p + "2", p + "3", p + "4", p + "6"),
                    events.stream().map(RoutedMessage::messageSid).sorted().toList(), "one event per message");
            RoutedMessage picture = events.stream().filter(e -> e.messageSid().equals(p + "2")).findFirst().orElseThrow();
            assertEquals(media, picture.media());
            assertEquals(Channel.MMS, picture.channel());
            assertEquals("Support", picture.label());
            assertEquals(bySid.get(p + "2")[6], picture.conversationId());

            // the whole poll delivered again: nothing new
            QuarkusTransaction.requiringNew().run(() -> batchRouting.routeMessages(poll));
            assertEquals(5, rows("select 1 from conversation_message where provider_sid like ?1", p + "%").size());
            assertEquals(1, rows("select 1 from unrouted_message where provider_sid like ?1", p + "%").size());
        }
    }

    /**
     * A message to a number being assigned at the same moment: routing's poll resolves no owner, the assignment
     * commits and looks for unrouted messages before the poll commits. The message must end up routed anyway.
     */
    @Test
    void aMessageStoredUnroutedWhileItsNumbersAssignmentCommitsIsRouted() throws Exception {
        String org = org();
        PhoneNumber bought = newNumber();
        String sid = "SMrace" + UUID.randomUUID();
        CountDownLatch commitThePoll = new CountDownLatch(1);
        CompletableFuture<Void> poll = CompletableFuture.runAsync(() -> QuarkusTransaction.requiringNew().run(() -> {
            batchRouting.routeMessages(List.of(sms(sid, PhoneNumber.parse("+14155550303"), bought, "first!", Instant.now())));
            try {
                commitThePoll.await(60, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }));
        // the poll has stored the message as unrouted and holds the number's lock, uncommitted
        await().atMost(WAIT).until(() -> numberLocks(true) > 0 || poll.isDone());
        assertEquals(false, poll.isDone());
        CompletableFuture<Void> assignment = CompletableFuture.runAsync(() -> assignNow(bought, org));
        // the assignment waits for the poll's lock on the number instead of missing its uncommitted message
        await().atMost(WAIT).until(() -> numberLocks(false) > 0 || assignment.isDone());
        assertEquals(false, assignment.isDone(), "the assignment must wait for the poll storing a message to its number");
        commitThePoll.countDown();
        poll.get(30, TimeUnit.SECONDS);
        assignment.get(30, TimeUnit.SECONDS);
        assertEquals(1, rows("select 1 from conversation_message where provider_sid = ?1", sid).size());
        assertEquals(0, rows("select 1 from unrouted_message where provider_sid = ?1", sid).size());
    }

    /** Routing's per-number advisory locks (class 0x4752) held, or waited for. */
    long numberLocks(boolean granted) {
        return ((Number) QuarkusTransaction.requiringNew().call(() -> em.createNativeQuery(
                "select count(*) from pg_locks where locktype = 'advisory' and classid = 18258 and granted = ?1")
                .setParameter(1, granted).getSingleResult())).longValue();
    }

    @SuppressWarnings("unchecked")
    @Inject
    ai.galaxyco.phone.kit.messaging.Outbox outbox;

    /** A poll publishes one by one (a keyword's consent change) and in bulk in one transaction: the relay's id order is the order written. */
    @Test
    void eventsPublishedOneByOneAndInBulkKeepTheOrderTheyWereWritten() {
        String key = "order-" + UUID.randomUUID();
        PhoneNumber ours = newNumber();
        QuarkusTransaction.requiringNew().run(() -> {
            outbox.publish(Topics.CONSENT_CHANGES, key, new ai.galaxyco.phone.model.events.ConsentChanged(ours,
                    PhoneNumber.parse("+14155550321"), WorkspaceId.of("org_order"),
                    ai.galaxyco.phone.model.events.ConsentChanged.Kind.OPT_OUT, "STOP", "first", Instant.now()));
            outbox.publishAll(Topics.CONSENT_CHANGES, List.of(new ai.galaxyco.phone.kit.messaging.Outbox.Keyed<>(key,
                    new ai.galaxyco.phone.model.events.ConsentChanged(ours, PhoneNumber.parse("+14155550321"),
                            WorkspaceId.of("org_order"), ai.galaxyco.phone.model.events.ConsentChanged.Kind.OPT_IN, "START",
                            "second", Instant.now()))));
        });
        try (TopicProbe probe = TopicProbe.of(Topics.CONSENT_CHANGES)) {
            List<String> relayed = await().atMost(WAIT).until(() -> probe.records(r -> key.equals(r.key())).stream()
                    .map(r -> Topics.CONSENT_CHANGES.read(r.value()).messageSid()).toList(), l -> l.size() >= 2);
            assertEquals(List.of("first", "second"), relayed);
        }
    }

    <T> List<T> rows(String sql, Object... parameters) {
        return QuarkusTransaction.requiringNew().call(() -> {
            var query = em.createNativeQuery(sql);
            for (int i = 0; i < parameters.length; i++) {
                query.setParameter(i + 1, parameters[i]);
            }
            return (List<T>) query.getResultList();
        });
    }
}
