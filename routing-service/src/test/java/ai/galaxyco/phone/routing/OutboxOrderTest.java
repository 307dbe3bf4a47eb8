package ai.galaxyco.phone.routing;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.galaxyco.phone.kit.messaging.Outbox;
import ai.galaxyco.phone.kit.messaging.OutboxRelay;
import ai.galaxyco.phone.model.EventJson;
import ai.galaxyco.phone.model.Topics;
import ai.galaxyco.phone.model.events.ConsentChanged;
import ai.galaxyco.phone.model.values.PhoneNumber;
import ai.galaxyco.phone.model.values.WorkspaceId;
import ai.galaxyco.phone.testsupport.JwtResource;
import ai.galaxyco.phone.testsupport.KafkaKRaftResource;
import ai.galaxyco.phone.testsupport.PostgresResource;
import ai.galaxyco.phone.testsupport.TopicProbe;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * The service kit's outbox relay with several relays racing (as with two instances of a service): every key's events
 * still reach the broker in the order they were written. Here because routing relays (analytics, which publishes
 * nothing, runs no relay), with this module's test resources so that it shares their application start.
 */
@QuarkusTest
@QuarkusTestResource(KafkaKRaftResource.class)
@QuarkusTestResource(PostgresResource.class)
@QuarkusTestResource(JwtResource.class)
class OutboxOrderTest {

    static final int EVENTS = 1_200;

    @Inject
    Outbox outbox;

    @Inject
    OutboxRelay relay;

    @Test
    void fourRacingRelaysPublishEveryKeyInTheOrderItWasWritten() throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        PhoneNumber ours = PhoneNumber.parse("+12125550190");
        List<String> keys = List.of("+14155550191#" + run, "+14155550192#" + run, "+14155550193#" + run);
        // written in one go, so the relays meet a backlog of several batches rather than one row at a time
        QuarkusTransaction.requiringNew().run(() -> {
            for (int i = 0; i < EVENTS; i++) {
                String key = keys.get(i % keys.size());
                outbox.publish(Topics.CONSENT_CHANGES, key, new ConsentChanged(ours, PhoneNumber.parse(key.substring(0, 12)),
                        WorkspaceId.of("org_outbox_" + run), ConsentChanged.Kind.OPT_OUT, "STOP", "seq-" + i, Instant.now()));
            }
        });
        ExecutorService relays = Executors.newFixedThreadPool(4);
        try {
            List<Future<Integer>> turns = new ArrayList<>();
            for (int r = 0; r < 4; r++) {
                turns.add(relays.submit(() -> {
                    int published = 0;
                    long until = System.nanoTime() + Duration.ofSeconds(30).toNanos();
                    while (System.nanoTime() < until) {
                        int batch = relay.publishBatch();
                        if (batch > 0) {
                            published += batch;
                        } else {
                            Thread.onSpinWait(); // another relay holds the turn, or nothing is left
                        }
                        if (remaining() == 0) {
                            break;
                        }
                    }
                    return published;
                }));
            }
            for (Future<Integer> turn : turns) {
                turn.get();
            }
        } finally {
            relays.shutdownNow();
        }
        try (TopicProbe consent = TopicProbe.of(Topics.CONSENT_CHANGES)) {
            for (String key : keys) {
                List<Integer> order = await().atMost(Duration.ofSeconds(60)).until(() -> sequence(consent, key),
                        l -> l.size() >= EVENTS / keys.size());
                List<String> inversions = new ArrayList<>();
                for (int i = 1; i < order.size() && inversions.size() < 5; i++) {
                    if (order.get(i) < order.get(i - 1)) {
                        inversions.add(order.get(i - 1) + " before " + order.get(i));
                    }
                }
                assertEquals(List.of(), inversions, "events of " + key + " published out of the order they were written");
                assertEquals(EVENTS / keys.size(), order.stream().distinct().count(), "each event once per publish");
            }
        }
    }

    private long remaining() {
        return QuarkusTransaction.requiringNew().call(() -> ((Number) io.quarkus.arc.Arc.container()
                .instance(jakarta.persistence.EntityManager.class).get().createNativeQuery("select count(*) from outbox_event")
                .getSingleResult()).longValue());
    }

    private static List<Integer> sequence(TopicProbe probe, String key) {
        return probe.records(r -> key.equals(r.key()) && r.value() != null).stream()
                .map(r -> Integer.valueOf(EventJson.read(r.value(), ConsentChanged.class).messageSid().substring(4))).toList();
    }
}
