package ai.galaxyco.phone.gateway;

import static ai.galaxyco.phone.gateway.SignalWireWebhookTest.call;
import static ai.galaxyco.phone.gateway.SignalWireWebhookTest.post;
import static ai.galaxyco.phone.gateway.SignalWireWebhookTest.sms;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.galaxyco.phone.gateway.messaging.Spool;
import ai.galaxyco.phone.gateway.messaging.SpooledEvent;
import ai.galaxyco.phone.model.CloudEventHeaders;
import ai.galaxyco.phone.model.Topics;
import ai.galaxyco.phone.testsupport.KafkaBrokerProcess;
import ai.galaxyco.phone.testsupport.KafkaKRaftResource;
import ai.galaxyco.phone.testsupport.TopicProbe;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The broker the gateway publishes to is a real Kafka process that these tests kill -9 and start again. Webhooks
 * that arrive meanwhile are answered from the local spool and published, in order and with their event ids, once
 * the broker is back; calls never wait for it; only a full spool answers 503; and what an earlier process left in
 * the spool is published after start-up.
 */
@QuarkusTest
@TestProfile(BrokerOutageTest.Outage.class)
@QuarkusTestResource(KafkaKRaftResource.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class BrokerOutageTest {

    static final Path SPOOL = Path.of("target", "gateway-spool-outage");
    static final String LEFT_BEHIND = "signalwire:sms:SMleftbehindbyacrash";
    static final Duration WAIT = Duration.ofSeconds(90);

    public static class Outage implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("gateway.spool-dir", SPOOL.toString(), "gateway.spool-max-size", "48K",
                    "gateway.publish-timeout", "2s");
        }

        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(KafkaBrokerProcess.Resource.class, Map.of("channel", "events-out")),
                    new TestResourceEntry(LeftBehindBySomeEarlierProcess.class));
        }
    }

    /** What a gateway that crashed after answering 200 left in its spool: one SMS the broker never got. */
    public static class LeftBehindBySomeEarlierProcess implements QuarkusTestResourceLifecycleManager {
        @Override
        public Map<String, String> start() {
            try {
                if (Files.exists(SPOOL)) {
                    try (var files = Files.walk(SPOOL)) {
                        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
                    }
                }
                try (Spool spool = Spool.open(SPOOL, 1 << 20)) {
                    spool.append(new SpooledEvent(Topics.INBOUND_MESSAGES.name(), Topics.INBOUND_MESSAGES.eventType(),
                            "+12125550143", LEFT_BEHIND, Instant.now(), "{\"left\":\"behind\"}").encode());
                }
                return Map.of();
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }

        @Override
        public void stop() {
        }
    }

    @TestHTTPResource(value = "", management = true)
    URL operations;

    static TopicProbe messages;
    static TopicProbe calls;

    @BeforeAll
    static void probes() {
        messages = TopicProbe.on(KafkaBrokerProcess.current().bootstrapServers(), Topics.INBOUND_MESSAGES);
        calls = TopicProbe.on(KafkaBrokerProcess.current().bootstrapServers(), Topics.INBOUND_CALLS);
    }

    @AfterAll
    static void close() {
        messages.close();
        calls.close();
    }

    @Test
    @Order(1)
    void whatAnEarlierProcessSpooledIsPublishedAfterStartUp() {
        await().atMost(WAIT).until(() -> messages.records(r -> LEFT_BEHIND.equals(TopicProbe.header(r, CloudEventHeaders.ID))),
                l -> l.size() == 1);
        await().atMost(WAIT).until(() -> spooled() == 0);
    }

    /**
     * One outage (kill -9 of the broker, one restart) for every promise the gateway makes while Kafka is gone: each
     * restart costs a broker start and the clients' reconnection, so the steps share the window.
     */
    @Test
    @Order(2)
    void duringAnOutageSmsAreSpooledCallsAnsweredAtOnceOnlyAFullSpoolAnswers503AndAllReachKafkaOnceItIsBack()
            throws Exception {
        KafkaBrokerProcess.current().kill();

        // SMS are answered from the spool, with their ids
        String run = UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            String sid = "SMout" + run + "n" + i;
            ids.add("signalwire:sms:" + sid);
            post("/sms", sms(sid, "+14155550100", "+12125550143", "during the outage " + i)).statusCode(200)
                    .body(containsString("<Response/>"));
        }
        assertEquals(20, spooled(), "every answered webhook is in the spool while the broker is down");

        // calls never wait for the broker
        String callSid = "CA" + UUID.randomUUID().toString().replace("-", "");
        long started = System.nanoTime();
        post("/voice", call(callSid, "+14056940235")).statusCode(200).body(containsString("<Response>"));
        Duration answeredIn = Duration.ofNanos(System.nanoTime() - started);
        // the publish timeout is 2 s: an answer that waited for the broker would take at least that
        assertTrue(answeredIn.compareTo(Duration.ofMillis(1500)) < 0, "the call waited " + answeredIn);

        // only a full spool answers 503, and takes the gateway out of rotation
        int accepted = 0;
        int status = 200;
        while (status == 200 && accepted < 1000) {
            status = post("/sms", sms("SMfull" + run + "n" + accepted, "+14155550100", "+12125550143", "x".repeat(200)))
                    .extract().statusCode();
            if (status == 200) {
                accepted++;
            }
        }
        assertEquals(503, status, "after " + accepted + " spooled webhooks");
        assertTrue(accepted > 10, "the spool took " + accepted + " before it was full");
        given().get(operations + "health/ready").then().statusCode(503).body(containsString("webhook spool has room"));

        KafkaBrokerProcess.current().restart();

        // everything answered reaches Kafka: the first SMS in the order they were answered (one key, one partition)
        var published = await().atMost(WAIT).until(() -> messages.records(r -> r.value().contains("SMout" + run)),
                l -> l.stream().map(r -> TopicProbe.header(r, CloudEventHeaders.ID)).distinct().count() == 20);
        List<String> order = published.stream().map(r -> TopicProbe.header(r, CloudEventHeaders.ID)).distinct().toList();
        assertEquals(ids, order, "one key, one partition: published in the order they were answered");
        await().atMost(WAIT).until(() -> calls.records(r -> r.value().contains(callSid)), l -> !l.isEmpty());
        int expected = accepted;
        await().atMost(WAIT).until(() -> messages.records(r -> r.value().contains("SMfull" + run)).stream()
                .map(r -> TopicProbe.header(r, CloudEventHeaders.ID)).distinct().count() == expected);
        await().atMost(WAIT).until(() -> spooled() == 0);
        given().get(operations + "health/ready").then().statusCode(200);
    }

    private long spooled() {
        String metrics = given().get(operations + "metrics").then().statusCode(200).extract().asString();
        return metrics.lines().filter(l -> l.startsWith("spool_records")).findFirst()
                .map(l -> (long) Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).orElseThrow();
    }
}
