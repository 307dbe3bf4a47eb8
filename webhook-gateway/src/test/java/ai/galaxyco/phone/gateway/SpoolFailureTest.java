package ai.galaxyco.phone.gateway;

import static ai.galaxyco.phone.gateway.SignalWireWebhookTest.call;
import static ai.galaxyco.phone.gateway.SignalWireWebhookTest.post;
import static ai.galaxyco.phone.gateway.SignalWireWebhookTest.sms;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;

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
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The spool fails closed: its file is {@code /dev/full}, so every write fails with "No space left on device" (a
 * read-only directory would not stop root, and CI runs as root). Calls are still answered, SMS that the broker does
 * not take are refused with 503 (SignalWire then tries the fallback URL), and readiness is down naming the error.
 * (The spool's file lock is then on /dev/full itself, so no other test of this JVM may open a spool there; SpoolTest
 * fails writes through its write gate instead.)
 */
@QuarkusTest
@TestProfile(SpoolFailureTest.FullDisk.class)
@QuarkusTestResource(KafkaKRaftResource.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SpoolFailureTest {

    static final Path SPOOL = Path.of("target", "gateway-spool-dev-full");
    static final Duration WAIT = Duration.ofSeconds(60);

    public static class FullDisk implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("gateway.spool-dir", SPOOL.toString(), "gateway.publish-timeout", "2s");
        }

        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(KafkaBrokerProcess.Resource.class, Map.of("channel", "events-out")),
                    new TestResourceEntry(SpoolOnDevFull.class));
        }
    }

    /** The spool's records file is a link to /dev/full before the gateway opens it. */
    public static class SpoolOnDevFull implements QuarkusTestResourceLifecycleManager {
        @Override
        public Map<String, String> start() {
            try {
                if (Files.exists(SPOOL)) {
                    try (var files = Files.walk(SPOOL)) {
                        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
                    }
                }
                Files.createDirectories(SPOOL);
                Files.createSymbolicLink(SPOOL.resolve("records.spool"), Path.of("/dev/full"));
                return Map.of();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        public void stop() {
        }
    }

    @TestHTTPResource(value = "", management = true)
    URL operations;

    @Test
    @Order(1)
    void withTheBrokerUpCallsAreAnsweredAndPublishedSmsGoStraightToKafkaAndReadinessNamesTheSpool() {
        String callSid = "CA" + UUID.randomUUID().toString().replace("-", "");
        String smsSid = "SM" + UUID.randomUUID().toString().replace("-", "");
        try (TopicProbe calls = TopicProbe.on(KafkaBrokerProcess.current().bootstrapServers(), Topics.INBOUND_CALLS);
                TopicProbe messages = TopicProbe.on(KafkaBrokerProcess.current().bootstrapServers(), Topics.INBOUND_MESSAGES)) {
            post("/voice", call(callSid, "+14056940235")).statusCode(200).body(containsString("<Response>"));
            await().atMost(WAIT).until(() -> calls.records(r -> r.value().contains(callSid)), l -> !l.isEmpty());
            post("/sms", sms(smsSid, "+14155550100", "+12125550143", "no spool needed")).statusCode(200);
            await().atMost(WAIT).until(() -> messages.records(r -> r.value().contains(smsSid)), l -> !l.isEmpty());
        }
        given().get(operations + "health/ready").then().statusCode(503).body(containsString("webhook spool has room"))
                .body(containsString("No space left on device"));
        given().get(operations + "metrics").then().statusCode(200)
                .body(containsString("webhooks_received_total{outcome=\"unavailable\",source=\"signalwire-voice\"}"));
    }

    @Test
    @Order(2)
    void withTheBrokerDownAnSmsIs503AndACallIsStillAnswered() throws Exception {
        KafkaBrokerProcess.current().kill();
        try {
            String run = UUID.randomUUID().toString().replace("-", "");
            post("/sms", sms("SM" + run, "+14155550100", "+12125550143", "nowhere to keep it")).statusCode(503)
                    .body("code", org.hamcrest.Matchers.equalTo("broker_unavailable"));
            post("/voice", call("CA" + run, "+14056940235")).statusCode(200).body(containsString("<Response>"));
        } finally {
            KafkaBrokerProcess.current().restart();
        }
    }
}
