package ai.galaxyco.phone.routing;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.galaxyco.phone.model.CloudEventHeaders;
import ai.galaxyco.phone.model.EventJson;
import ai.galaxyco.phone.model.Topics;
import ai.galaxyco.phone.model.events.InboundMessage;
import ai.galaxyco.phone.model.events.RoutedMessage;
import ai.galaxyco.phone.model.values.Channel;
import ai.galaxyco.phone.model.values.PhoneNumber;
import ai.galaxyco.phone.testsupport.JwtResource;
import ai.galaxyco.phone.testsupport.KafkaKRaftResource;
import ai.galaxyco.phone.testsupport.PostgresResource;
import ai.galaxyco.phone.testsupport.TestTokens;
import ai.galaxyco.phone.testsupport.TopicProbe;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Text PostgreSQL cannot hold is stored by MessageText's rule and loses nothing; dead letters can be listed and replayed. */
@QuarkusTest
@QuarkusTestResource(KafkaKRaftResource.class)
@QuarkusTestResource(PostgresResource.class)
@QuarkusTestResource(JwtResource.class)
class OddTextAndDeadLettersTest {

    @Inject
    EntityManager em;

    static TopicProbe routed;

    @BeforeAll
    static void probe() {
        routed = TopicProbe.of(Topics.ROUTED_MESSAGES);
    }

    @AfterAll
    static void close() {
        routed.close();
    }

    static List<RoutedMessage> routedTo(String org) {
        return routed.records(r -> org.equals(r.key())).stream().map(r -> EventJson.read(r.value(), RoutedMessage.class)).toList();
    }

    @Test
    void anInboundSmsWithNulIsStoredWithAReplacementCharacterAndTheExactTextBesideIt() {
        String org = RoutingFlowTest.newOrg();
        PhoneNumber ours = RoutingFlowTest.newNumber();
        new RoutingFlowTest().assignWith(em, ours, org);
        String received = "Meet me \u0000 noon, NUL\u0000\u0000twice";
        RoutingFlowTest.inbound(PhoneNumber.parse("+14155550142"), ours, received, "SMnul" + UUID.randomUUID());

        await().atMost(RoutingFlowTest.WAIT).until(() -> RoutingFlowTest.conversations(org).getList("items").size() == 1);
        String conversation = RoutingFlowTest.conversations(org).getString("items[0].id");
        JsonPath thread = given().auth().oauth2(TestTokens.forWorkspace(org))
                .get("/api/workspaces/" + org + "/conversations/" + conversation + "/messages").then().statusCode(200)
                .extract().jsonPath();
        assertEquals(received.replace('\u0000', '\uFFFD'), thread.getString("items[0].body"));
        assertEquals(received, thread.getString("items[0].originalBody"), "the exact text comes back");
        // the routed event carries the exact text
        await().atMost(RoutingFlowTest.WAIT).until(() -> routedTo(org).size() == 1);
        assertEquals(received, routedTo(org).get(0).body());
    }

    @Test
    void aDeadLetterIsListedWithItsCauseAndComesBackWhenReplayed() {
        String org = RoutingFlowTest.newOrg();
        PhoneNumber ours = RoutingFlowTest.newNumber();
        new RoutingFlowTest().assignWith(em, ours, org);
        // a record an earlier version could not process, dead-lettered with the headers the consumers write
        String sid = "SMdead" + UUID.randomUUID().toString().replace("-", "");
        String eventId = "signalwire:" + sid;
        var message = new InboundMessage(sid, "AC1", PhoneNumber.parse("+14155550143"), ours, "came back", Channel.SMS,
                List.of(), 1, Instant.now());
        Map<String, String> headers = new HashMap<>(CloudEventHeaders.binary(eventId, Topics.INBOUND_MESSAGES.eventType(),
                "/test", Instant.now()));
        headers.put("dead-letter-reason", "ERROR: invalid byte sequence for encoding \"UTF8\": 0x00");
        headers.put("dead-letter-exception-class-name", "org.hibernate.exception.DataException");
        headers.put("dead-letter-topic", Topics.INBOUND_MESSAGES.name());
        TopicProbe.send(Topics.INBOUND_MESSAGES.deadLetter(), ours.e164(), EventJson.write(message), headers);

        JsonPath listed = deadLetters();
        Map<String, Object> letter = find(listed, eventId);
        assertEquals("org.hibernate.exception.DataException", letter.get("cause"));
        assertTrue(String.valueOf(letter.get("reason")).contains("0x00"));
        assertEquals("inbound-messages", letter.get("sourceTopic"));
        assertEquals(false, letter.get("resolved"));
        assertTrue(((Number) letter.get("ageSeconds")).longValue() >= 0);

        given().auth().oauth2(TestTokens.forWorkspace(org)).post("/api/admin/dead-letters/inbound-messages/replay")
                .then().statusCode(403); // tenants cannot
        given().auth().oauth2(TestTokens.forService()).post("/api/admin/dead-letters/no-such-topic/replay").then().statusCode(404);
        int replayed = given().auth().oauth2(TestTokens.forService()).post("/api/admin/dead-letters/inbound-messages/replay")
                .then().statusCode(200).extract().path("replayed");
        assertTrue(replayed >= 1);

        await().atMost(RoutingFlowTest.WAIT).until(() -> routedTo(org).size() == 1);
        assertEquals("came back", routedTo(org).get(0).body());
        await().atMost(RoutingFlowTest.WAIT).until(() -> Boolean.TRUE.equals(find(deadLetters(), eventId).get("resolved")));
        // a second replay of everything leaves the resolved one alone, and a forced one is deduplicated
        given().auth().oauth2(TestTokens.forService()).queryParam("partition", letter.get("partition"))
                .queryParam("offset", letter.get("offset")).post("/api/admin/dead-letters/inbound-messages.dlq/replay")
                .then().statusCode(200);
        // judged behind a marker on the same key (same partition, after the forced replay): routed once, stored once
        String marker = RoutingFlowTest.inbound(PhoneNumber.parse("+14155550143"), ours, "marker", "SMmark" + UUID.randomUUID());
        await().atMost(RoutingFlowTest.WAIT).until(() -> routedTo(org).stream().anyMatch(m -> m.messageSid().equals(marker)));
        assertEquals(1, routedTo(org).stream().filter(m -> m.messageSid().equals(sid)).count(), "the forced replay was routed again");
        long stored = QuarkusTransaction.requiringNew().call(() -> ((Number) em.createNativeQuery(
                "select count(*) from conversation_message where provider_sid = ?1").setParameter(1, sid).getSingleResult()).longValue());
        assertEquals(1, stored);
        assertNull(find(deadLetters(), "no-such-id"));
    }

    @Test
    void theListingHoldsExactlyTheDeadLetterTopicsOfTheConsumedChannels() {
        List<String> topics = given().auth().oauth2(TestTokens.forService()).get("/api/admin/dead-letters").then().statusCode(200)
                .extract().jsonPath().getList("items.topic");
        assertEquals(List.of("call-status.dlq", "inbound-calls.dlq", "inbound-messages.dlq", "number-assignments.dlq", "outbound-results.dlq"),
                topics);
    }

    private static JsonPath deadLetters() {
        return given().auth().oauth2(TestTokens.forService()).queryParam("topic", "inbound-messages")
                .get("/api/admin/dead-letters").then().statusCode(200).extract().jsonPath();
    }

    private static Map<String, Object> find(JsonPath listing, String eventId) {
        List<Map<String, Object>> records = listing.getList("items[0].records");
        return records.stream().filter(r -> eventId.equals(r.get("eventId"))).findFirst().orElse(null);
    }
}
