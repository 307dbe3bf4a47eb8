package ai.galaxyco.phone.routing;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;

import ai.galaxyco.phone.testsupport.JwtResource;
import ai.galaxyco.phone.testsupport.KafkaBrokerProcess;
import ai.galaxyco.phone.testsupport.PostgresResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;
import java.net.URL;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The service's only broker is a real Kafka process that this test kills (kill -9) and starts again: readiness
 * must say DOWN, naming the Kafka check, while it is gone, and UP once it is back, so an orchestrator stops sending
 * traffic to an instance that cannot work and returns it afterwards.
 */
@QuarkusTest
@TestProfile(KafkaOutageReadinessTest.OwnBroker.class)
class KafkaOutageReadinessTest {

    public static class OwnBroker implements QuarkusTestProfile {
        @Override
        public boolean disableGlobalTestResources() {
            return true; // the in-process broker of the other tests cannot be stopped
        }

        /**
         * Quarkus' Kafka health check asks the cluster through an admin client whose calls give up after
         * default.api.timeout.ms (60 s unless set): 5 s here, so each probe of the dead broker answers within seconds.
         */
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("kafka.default.api.timeout.ms", "5000");
        }

        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(KafkaBrokerProcess.Resource.class), new TestResourceEntry(PostgresResource.class),
                    new TestResourceEntry(JwtResource.class));
        }
    }

    @TestHTTPResource(value = "", management = true)
    URL operations;

    /** The health check waits for the dead broker up to its admin client's timeout (5 s here): the probe waits longer. */
    Response readiness() {
        return given().config(io.restassured.RestAssured.config().httpClient(io.restassured.config.HttpClientConfig
                .httpClientConfig().setParam("http.socket.timeout", 90_000).setParam("http.connection.timeout", 5_000)))
                .get(operations + "health/ready");
    }

    @Test
    void readinessIsDownWhileKafkaIsGoneAndUpWhenItIsBack() throws Exception {
        await().atMost(Duration.ofSeconds(60)).until(() -> readiness().statusCode() == 200);
        KafkaBrokerProcess.current().kill();
        // while the check waits for the dead broker a probe can time out: that is not an answer, ask again
        await().atMost(Duration.ofSeconds(240)).ignoreExceptions().until(() -> {
            Response r = readiness();
            return r.statusCode() == 503 && r.jsonPath().getList("checks.findAll { it.status == 'DOWN' }.name").stream()
                    .anyMatch(name -> name.toString().contains("Kafka"));
        });
        KafkaBrokerProcess.current().restart();
        await().atMost(Duration.ofSeconds(240)).ignoreExceptions().until(() -> readiness().statusCode() == 200);
    }
}
