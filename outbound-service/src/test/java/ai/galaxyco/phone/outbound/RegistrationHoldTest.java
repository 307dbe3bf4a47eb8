package ai.galaxyco.phone.outbound;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.galaxyco.phone.model.EventJson;
import ai.galaxyco.phone.model.Topics;
import ai.galaxyco.phone.model.events.NumberAssignment;
import ai.galaxyco.phone.model.events.RegistrationRequested;
import ai.galaxyco.phone.model.values.MessagingState;
import ai.galaxyco.phone.model.values.PhoneNumber;
import ai.galaxyco.phone.model.values.WorkspaceId;
import ai.galaxyco.phone.testsupport.JwtResource;
import ai.galaxyco.phone.testsupport.KafkaKRaftResource;
import ai.galaxyco.phone.testsupport.PostgresResource;
import ai.galaxyco.phone.testsupport.SandboxControl;
import ai.galaxyco.phone.testsupport.SandboxResource;
import ai.galaxyco.phone.testsupport.TestTokens;
import ai.galaxyco.phone.testsupport.TopicProbe;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Messages from a number that may not send yet (10DLC registration pending, toll-free verification pending) wait
 * instead of meeting a carrier's refusal; SignalWire's 21717 sends a number back to registration and holds its queue.
 */
@QuarkusTest
@QuarkusTestResource(KafkaKRaftResource.class)
@QuarkusTestResource(PostgresResource.class)
@QuarkusTestResource(SandboxResource.class)
@QuarkusTestResource(JwtResource.class)
class RegistrationHoldTest {

    static final Duration WAIT = Duration.ofSeconds(45);
    static TopicProbe registrationRequests;

    @Inject
    EntityManager em;

    @BeforeAll
    static void probe() {
        registrationRequests = TopicProbe.of(Topics.REGISTRATION_REQUESTS);
    }

    @AfterAll
    static void close() {
        registrationRequests.close();
    }

    static String newOrg() {
        return "org_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
    }

    static String newNumber() {
        return ai.galaxyco.phone.testsupport.TestNumbers.next("+1718555", 4);
    }

    /** What provisioning publishes; waits until outbound's copy shows that state. */
    void assign(String org, String number, MessagingState state) {
        var a = new NumberAssignment(PhoneNumber.parse(number), WorkspaceId.of(org), "Main", false, "sid", null, Instant.now(), state);
        TopicProbe.publish(Topics.NUMBER_ASSIGNMENTS, a.key(), a, UUID.randomUUID().toString());
        await().atMost(WAIT).until(() -> QuarkusTransaction.requiringNew().call(() -> em.createNativeQuery(
                "select messaging from number_assignment where assignment_key = ?1").setParameter(1, number).getResultList()
                .contains(state.name())));
    }

    static JsonPath send(String org, String text) {
        return given().auth().oauth2(TestTokens.forWorkspace(org)).contentType("application/json")
                .body(Map.of("to", "+14155550100", "body", text)).post("/api/workspaces/" + org + "/messages")
                .then().statusCode(202).extract().jsonPath();
    }

    static JsonPath message(String org, String id) {
        return given().auth().oauth2(TestTokens.forWorkspace(org)).get("/api/workspaces/" + org + "/messages/" + id)
                .then().statusCode(200).extract().jsonPath();
    }

    static long sentFrom(String number) {
        return SandboxControl.requests("POST", "/Messages").stream()
                .filter(r -> number.equals(r.path("form").path("From").path(0).asText())).count();
    }

    @Test
    void aMessageSentWhileTheNumberIsPendingRegistrationWaitsAndLeavesOnceItIsSendable() {
        String org = newOrg();
        String number = newNumber();
        SandboxControl.addNumber(number, "galaxyco:" + org);
        assign(org, number, MessagingState.PENDING_REGISTRATION);

        JsonPath accepted = send(org, "held until registered");
        assertEquals("QUEUED", accepted.getString("status"));
        assertEquals("awaiting_registration", accepted.getString("reason"));
        String id = accepted.getString("id");
        // it stays: nothing reaches SignalWire while the number may not send
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(4)).until(() -> sentFrom(number) == 0);
        assertEquals("QUEUED", message(org, id).getString("status"));

        assign(org, number, MessagingState.SENDABLE);
        await().atMost(WAIT).until(() -> sentFrom(number) >= 1);
        await().during(Duration.ofSeconds(1)).atMost(WAIT).until(() -> sentFrom(number) == 1); // once
        await().atMost(WAIT).until(() -> !"QUEUED".equals(message(org, id).getString("status")));
        assertEquals(null, message(org, id).getString("reason"));
    }

    @Test
    void aHoldThatOutlastsRegistrationHoldFailsWithItsReason() {
        String org = newOrg();
        String number = newNumber();
        SandboxControl.addNumber(number, "galaxyco:" + org);
        assign(org, number, MessagingState.VERIFICATION_PENDING);
        String id = send(org, "never verified").getString("id");
        await().atMost(WAIT).until(() -> "FAILED".equals(message(org, id).getString("status")));
        JsonPath failed = message(org, id);
        assertEquals("awaiting_registration", failed.getString("errorCode"));
        assertEquals(0, sentFrom(number));
    }

    @Test
    void aRefusalAsUnregisteredHoldsTheQueueAndAsksProvisioningToRegisterTheNumberAgain() {
        String org = newOrg();
        String number = newNumber();
        SandboxControl.addNumber(number, "galaxyco:" + org);
        assign(org, number, MessagingState.SENDABLE);
        SandboxControl.failNext("/Messages", "From", number, 1, 400, 21717);

        String first = send(org, "refused by the carrier").getString("id");
        await().atMost(WAIT).until(() -> "awaiting_registration".equals(message(org, first).getString("reason")));
        assertEquals("QUEUED", message(org, first).getString("status"));
        assertEquals("21717", message(org, first).getString("errorCode"));
        String second = send(org, "sent after the refusal").getString("reason");
        assertEquals("awaiting_registration", second, "the number's later messages wait too");

        var request = await().atMost(WAIT).until(() -> registrationRequests.records(r -> number.equals(r.key())), l -> !l.isEmpty());
        RegistrationRequested requested = EventJson.read(request.get(0).value(), RegistrationRequested.class);
        assertEquals(org, requested.workspaceId().value());
        assertEquals("21717", requested.errorCode());

        // provisioning re-registers it: pending, then sendable, and the held messages leave in order
        assign(org, number, MessagingState.PENDING_REGISTRATION);
        assign(org, number, MessagingState.SENDABLE);
        await().atMost(WAIT).until(() -> sentFrom(number) == 3);
        await().during(Duration.ofSeconds(1)).atMost(WAIT).until(() -> sentFrom(number) == 3); // once each
        assertEquals(null, message(org, first).getString("reason"));
    }

    @Test
    void aNumberNeverRegisteredByUsFailsOnRefusalInsteadOfWaitingForARegistrationThatIsNotComing() {
        String org = newOrg();
        String number = newNumber();
        SandboxControl.addNumber(number, "galaxyco:" + org);
        assign(org, number, MessagingState.UNREGISTERED);
        SandboxControl.failNext("/Messages", "From", number, 1, 400, 21717);
        String id = send(org, "no campaign configured").getString("id");
        await().atMost(WAIT).until(() -> "FAILED".equals(message(org, id).getString("status")));
        assertEquals("21717", message(org, id).getString("errorCode"));
        // provisioning still hears of it (it records why, and registers the number if a campaign appears)
        await().atMost(WAIT).until(() -> !registrationRequests.records(r -> number.equals(r.key())).isEmpty());
        assertTrue(given().auth().oauth2(TestTokens.forWorkspace(org)).get("/api/workspaces/" + org + "/messages/" + id)
                .then().extract().path("reason") == null);
    }
}
