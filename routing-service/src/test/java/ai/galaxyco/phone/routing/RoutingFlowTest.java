package ai.galaxyco.phone.routing;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.galaxyco.phone.model.EventJson;
import ai.galaxyco.phone.model.Topics;
import ai.galaxyco.phone.model.events.ConsentChanged;
import ai.galaxyco.phone.model.events.InboundMessage;
import ai.galaxyco.phone.model.events.MediaItem;
import ai.galaxyco.phone.model.events.NumberAssignment;
import ai.galaxyco.phone.model.events.OutboundResult;
import ai.galaxyco.phone.model.events.RoutedMessage;
import ai.galaxyco.phone.model.values.Channel;
import ai.galaxyco.phone.model.values.PhoneNumber;
import ai.galaxyco.phone.model.values.WorkspaceId;
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
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

@QuarkusTest
@QuarkusTestResource(KafkaKRaftResource.class)
@QuarkusTestResource(PostgresResource.class)
@QuarkusTestResource(JwtResource.class)
class RoutingFlowTest {

    /** The management interface's /q/: the OpenAPI document is served there. */
    @io.quarkus.test.common.http.TestHTTPResource(value = "", management = true)
    java.net.URL operationsForContract;

    @Test
    void theServedOpenApiDocumentIsTheCommittedOne() throws Exception {
        ai.galaxyco.phone.testsupport.OpenApiContract.assertServedEqualsCommitted(operationsForContract);
    }

    /** A parameter that is not what the endpoint takes (?limit=x) is the caller's error: 400, not JAX-RS' 404. */
    @Test
    void aParameterThatCannotBeReadIs400() {
        io.restassured.RestAssured.given().auth().oauth2(ai.galaxyco.phone.testsupport.TestTokens.forWorkspace("org_params"))
                .queryParam("limit", "x").get("/api/workspaces/org_params/conversations").then().statusCode(400)
                .body("code", org.hamcrest.Matchers.equalTo("invalid_request"));
    }

    /** Issue 33: an endpoint that states no guard is refused (deny-unannotated-endpoints), not open to anyone. */
    @Test
    void anEndpointThatStatesNoGuardIsRefused() {
        int status = io.restassured.RestAssured.given().get("/test-only/unguarded").then().extract().statusCode();
        org.junit.jupiter.api.Assertions.assertTrue(status == 401 || status == 403, "answered " + status);
    }

    /** Issue 33: U+0000 in any parameter or JSON body of any documented endpoint is a 400, never a 500. */
    @Test
    void aNulInAnyParameterOrBodyOfEveryDocumentedEndpointIsRefusedWith400() throws Exception {
        ai.galaxyco.phone.testsupport.NulProbe.assertRefusedByTheServiceUnderTest();
    }

    static final Duration WAIT = Duration.ofSeconds(45);
    static final PhoneNumber SHARED = PhoneNumber.parse("+14056940235");
    static TopicProbe routed;
    static TopicProbe consent;

    @BeforeAll
    static void probes() {
        routed = TopicProbe.of(Topics.ROUTED_MESSAGES);
        consent = TopicProbe.of(Topics.CONSENT_CHANGES);
    }

    @AfterAll
    static void close() {
        routed.close();
        consent.close();
    }

    static String newOrg() {
        return "org_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
    }

    static PhoneNumber newNumber() {
        return PhoneNumber.parse(ai.galaxyco.phone.testsupport.TestNumbers.next("+1212555", 4));
    }

    @Inject
    EntityManager em;

    /** Publishes an assignment and waits until routing applied it (topics are not ordered relative to each other). */
    void assign(PhoneNumber number, String org) {
        assignWith(em, number, org);
    }

    void assignWith(EntityManager em, PhoneNumber number, String org) {
        var a = new NumberAssignment(number, WorkspaceId.of(org), "Sales", false, "sid-" + number, null, Instant.now());
        TopicProbe.publish(Topics.NUMBER_ASSIGNMENTS, a.key(), a, UUID.randomUUID().toString());
        await().atMost(WAIT).until(() -> QuarkusTransaction.requiringNew().call(() -> em.createNativeQuery(
                "select workspace_id from number_assignment where assignment_key = ?1").setParameter(1, number.e164())
                .getResultList().contains(org)));
    }

    /** Publishes an inbound message under a fresh event id, as a redelivery of the same webhook would not be. */
    static String inbound(PhoneNumber from, PhoneNumber to, String body, String sid) {
        var m = new InboundMessage(sid, "AC1", from, to, body, Channel.SMS, List.of(), 1, Instant.now());
        TopicProbe.publish(Topics.INBOUND_MESSAGES, to.e164(), m, "signalwire:" + sid + ":" + UUID.randomUUID());
        return sid;
    }

    static void sentFromShared(String org, PhoneNumber to, String messageId) {
        sentFromShared(org, to, messageId, "SENT");
    }

    /**
     * The workspace uses the shared number, as provisioning publishes it for a Starter workspace: routing learns
     * which number is shared from these assignments only.
     */
    static void onSharedNumber(String org) {
        var a = new NumberAssignment(SHARED, WorkspaceId.of(org), "Main", true, null, null, Instant.now());
        TopicProbe.publish(Topics.NUMBER_ASSIGNMENTS, a.key(), a, UUID.randomUUID().toString());
        await().atMost(WAIT).until(() -> QuarkusTransaction.requiringNew().call(() -> io.quarkus.hibernate.orm.panache.Panache
                .getEntityManager().createNativeQuery("select 1 from number_assignment where assignment_key = ?1")
                .setParameter(1, a.key()).getResultList().size() == 1));
    }

    static void sentFromShared(String org, PhoneNumber to, String messageId, String status) {
        onSharedNumber(org);
        var r = new OutboundResult(messageId, WorkspaceId.of(org), "SMx" + messageId, SHARED, to, true, "Hi from " + org,
                status, null, 1, null, null, Instant.now(), Instant.now());
        TopicProbe.publish(Topics.OUTBOUND_RESULTS, to.e164(), r, UUID.randomUUID().toString());
    }

    static List<RoutedMessage> routedTo(String org) {
        return routed.records(r -> org.equals(r.key())).stream().map(r -> EventJson.read(r.value(), RoutedMessage.class)).toList();
    }

    static JsonPath conversations(String org) {
        return given().auth().oauth2(TestTokens.forWorkspace(org)).get("/api/workspaces/" + org + "/conversations")
                .then().statusCode(200).extract().jsonPath();
    }

    @Test
    void messageToADedicatedNumberReachesItsOwnerOnceEvenIfDeliveredThreeTimes() {
        String org = newOrg();
        PhoneNumber ours = newNumber();
        PhoneNumber person = PhoneNumber.parse("+14155550101");
        assign(ours, org);
        String sid = "SM" + UUID.randomUUID();
        var message = new InboundMessage(sid, "AC1", person, ours, "Hello there", Channel.SMS, List.of(), 1, Instant.now());
        TopicProbe.publish(Topics.INBOUND_MESSAGES, ours.e164(), message, "signalwire:sms:" + sid);
        TopicProbe.publish(Topics.INBOUND_MESSAGES, ours.e164(), message, "signalwire:sms:" + sid); // the same delivery again
        inbound(person, ours, "Hello there", sid); // the fallback URL's copy: same sid, another event id
        // a marker behind them on the same key (so the same partition): once it is routed, so were the three
        String marker = inbound(person, ours, "marker", "SM" + UUID.randomUUID());
        await().atMost(WAIT).until(() -> routedTo(org).stream().anyMatch(m -> m.messageSid().equals(marker)));
        List<RoutedMessage> forSid = routedTo(org).stream().filter(m -> m.messageSid().equals(sid)).toList();
        assertEquals(1, forSid.size(), "one routed event per message");
        assertEquals("Sales", forSid.get(0).label());
        String conversationId = forSid.get(0).conversationId();
        await().atMost(WAIT).untilAsserted(() -> given().auth().oauth2(TestTokens.forWorkspace(org))
                .get("/api/workspaces/" + org + "/conversations/" + conversationId + "/messages").then().statusCode(200)
                .body("items.findAll { it.providerSid == '" + sid + "' }", hasSize(1)));
        // another tenant sees neither the list entry nor the thread
        given().auth().oauth2(TestTokens.forWorkspace("org_other")).get("/api/workspaces/" + org + "/conversations").then().statusCode(403);
        given().auth().oauth2(TestTokens.forWorkspace("org_other")).get("/api/workspaces/org_other/conversations/" + conversationId + "/messages")
                .then().statusCode(404);
    }

    @Test
    void replyToTheSharedNumberGoesToTheWorkspaceThatWroteLast() {
        String first = newOrg();
        String second = newOrg();
        PhoneNumber person = PhoneNumber.parse(ai.galaxyco.phone.testsupport.TestNumbers.next("+1415557", 4));
        sentFromShared(first, person, "m-" + first);
        sentFromShared(second, person, "m-" + second);
        await().atMost(WAIT).until(() -> conversations(second).getList("items").size() == 1);
        String sid = inbound(person, SHARED, "Who is this?", "SM" + UUID.randomUUID());
        await().atMost(WAIT).until(() -> routedTo(second).stream().anyMatch(m -> m.messageSid().equals(sid)));
        assertEquals(0, routedTo(first).size());
        // the thread holds the outbound message and the reply, in order
        String conversationId = conversations(second).getString("items[0].id");
        JsonPath thread = given().auth().oauth2(TestTokens.forWorkspace(second))
                .get("/api/workspaces/" + second + "/conversations/" + conversationId + "/messages").then().extract().jsonPath();
        assertEquals(List.of("OUTBOUND", "INBOUND"), thread.getList("items.direction"));
    }

    @Test
    void aMessageTheCarrierDidNotAcceptNeverCapturesAnotherWorkspacesContact() {
        String owner = newOrg();
        String intruder = newOrg();
        PhoneNumber person = PhoneNumber.parse(ai.galaxyco.phone.testsupport.TestNumbers.next("+1415557", 4));
        sentFromShared(owner, person, "m-" + owner);
        sentFromShared(intruder, person, "m1-" + intruder, "FAILED");
        sentFromShared(intruder, person, "m2-" + intruder, "SENDING");
        await().atMost(WAIT).until(() -> conversations(intruder).getList("items").size() == 1);
        String sid = inbound(person, SHARED, "Hello?", "SM" + UUID.randomUUID());
        await().atMost(WAIT).until(() -> routedTo(owner).stream().anyMatch(m -> m.messageSid().equals(sid)));
        assertEquals(0, routedTo(intruder).size());
    }

    @Test
    void aContactTalkingToAWorkspaceStaysWithItWhenAnotherWritesToThem() {
        String talking = newOrg();
        String other = newOrg();
        PhoneNumber person = PhoneNumber.parse(ai.galaxyco.phone.testsupport.TestNumbers.next("+1415557", 4));
        sentFromShared(talking, person, "m-" + talking);
        await().atMost(WAIT).until(() -> conversations(talking).getList("items").size() == 1);
        String reply = inbound(person, SHARED, "Yes, Tuesday works", "SM" + UUID.randomUUID());
        await().atMost(WAIT).until(() -> routedTo(talking).stream().anyMatch(m -> m.messageSid().equals(reply)));
        sentFromShared(other, person, "m-" + other); // carrier-accepted, and later
        await().atMost(WAIT).until(() -> conversations(other).getList("items").size() == 1);
        String next = inbound(person, SHARED, "See you then", "SM" + UUID.randomUUID());
        await().atMost(WAIT).until(() -> routedTo(talking).stream().anyMatch(m -> m.messageSid().equals(next)));
        assertEquals(0, routedTo(other).size());
    }

    @Test
    void aThreadIsReadInPagesOfTheNewestMessages() {
        String org = newOrg();
        PhoneNumber ours = newNumber();
        assign(ours, org);
        PhoneNumber person = PhoneNumber.parse(ai.galaxyco.phone.testsupport.TestNumbers.next("+1415557", 4));
        for (int i = 0; i < 3; i++) {
            inbound(person, ours, "page " + i, "SMpage" + i + UUID.randomUUID());
            int sent = i + 1;
            await().atMost(WAIT).until(() -> routedTo(org).size() == sent); // each after the other: a known order
        }
        String conversation = conversations(org).getString("items[0].id");
        String path = "/api/workspaces/" + org + "/conversations/" + conversation + "/messages";
        JsonPath newest = given().auth().oauth2(TestTokens.forWorkspace(org)).queryParam("limit", 2).get(path).then()
                .statusCode(200).extract().jsonPath();
        assertEquals(List.of("page 1", "page 2"), newest.getList("items.body"));
        String cursor = newest.getString("nextCursor");
        JsonPath older = given().auth().oauth2(TestTokens.forWorkspace(org)).queryParam("limit", 2).queryParam("cursor", cursor)
                .get(path).then().statusCode(200).extract().jsonPath();
        assertEquals(List.of("page 0"), older.getList("items.body"));
        assertNull(older.getString("nextCursor"), "the oldest page is the last");
        given().auth().oauth2(TestTokens.forWorkspace(org)).queryParam("cursor", "not-a-cursor").get(path).then().statusCode(400)
                .contentType("application/problem+json").body("code", equalTo("invalid_cursor"));
        given().auth().oauth2(TestTokens.forWorkspace(org)).queryParam("limit", 201).get(path).then().statusCode(400)
                .body("code", equalTo("invalid_request"));
        given().auth().oauth2(TestTokens.forWorkspace(org)).queryParam("limit", 0).get(path).then().statusCode(400);
    }

    @Test
    void oneWorkspaceFloodingTheApiIsAnswered429WithRetryAfterAndNobodyElseIs() {
        String flooder = newOrg();
        String neighbour = newOrg();
        int limited = 0;
        int served = 0;
        String retryAfter = null;
        // the bucket refills at 10 a second while the flood runs, so how many pass depends on this machine's speed:
        // at least the burst of 600, then a 429 as soon as the flood outruns the refill. One token and the JDK's client
        // for the flood: signing a token and RestAssured per request cost this 2-core box a minute of CPU.
        java.net.http.HttpClient client = java.net.http.HttpClient.newHttpClient();
        java.net.http.HttpRequest flood = java.net.http.HttpRequest.newBuilder(java.net.URI.create(io.restassured.RestAssured.baseURI
                + ":" + io.restassured.RestAssured.port + "/api/workspaces/" + flooder + "/conversations"))
                .header("Authorization", "Bearer " + TestTokens.forWorkspace(flooder)).GET().build();
        for (int i = 0; i < 5000 && limited == 0; i++) {
            java.net.http.HttpResponse<String> response;
            try {
                response = client.send(flood, java.net.http.HttpResponse.BodyHandlers.ofString());
            } catch (java.io.IOException | InterruptedException e) {
                throw new AssertionError("the flood request failed", e);
            }
            if (response.statusCode() == 429) {
                limited++;
                retryAfter = response.headers().firstValue("Retry-After").orElse(null);
                assertTrue(response.body().contains("\"code\":\"rate_limited\""), response.body());
            } else {
                assertEquals(200, response.statusCode(), response.body());
                served++;
            }
        }
        assertEquals(1, limited, "600 a minute (plus the refill) and then 429");
        assertTrue(served >= 600, "the whole burst of 600 is served first, got " + served);
        assertTrue(Integer.parseInt(retryAfter) >= 1);
        given().auth().oauth2(TestTokens.forWorkspace(neighbour)).get("/api/workspaces/" + neighbour + "/conversations")
                .then().statusCode(200);
        // the platform's own calls (service role) are not limited
        given().auth().oauth2(TestTokens.forService()).get("/api/workspaces/" + flooder + "/conversations").then().statusCode(200);
    }

    @Test
    void unknownNumbersAreStoredAsUnroutedAndListedForOperators() {
        PhoneNumber nobody = newNumber();
        String sid = inbound(PhoneNumber.parse("+14155550199"), nobody, "anyone?", "SM" + UUID.randomUUID());
        await().atMost(WAIT).untilAsserted(() -> given().auth().oauth2(TestTokens.forService()).get("/api/unrouted-messages")
                .then().statusCode(200).body("items.findAll { it.providerSid == '" + sid + "' }.reason[0]", equalTo("no workspace owns " + nobody)));
        given().auth().oauth2(TestTokens.forWorkspace("org_x")).get("/api/unrouted-messages").then().statusCode(403);
    }

    @Test
    void aMessageThatOvertookItsNumbersAssignmentIsRoutedWhenTheAssignmentArrives() {
        String org = newOrg();
        PhoneNumber bought = newNumber();
        // the first SMS to a number just bought reaches routing before the number's assignment does
        String sid = inbound(PhoneNumber.parse("+14155550198"), bought, "first message", "SM" + UUID.randomUUID());
        await().atMost(WAIT).untilAsserted(() -> given().auth().oauth2(TestTokens.forService()).get("/api/unrouted-messages")
                .then().statusCode(200).body("items.findAll { it.providerSid == '" + sid + "' }.size()", equalTo(1)));
        assign(bought, org);
        await().atMost(WAIT).untilAsserted(() -> given().auth().oauth2(TestTokens.forWorkspace(org))
                .get("/api/workspaces/" + org + "/conversations").then().statusCode(200).body("items.size()", equalTo(1))
                .body("items[0].contact", equalTo("+14155550198")).body("items[0].inbox", equalTo("Sales")));
        given().auth().oauth2(TestTokens.forService()).get("/api/unrouted-messages").then()
                .body("items.findAll { it.providerSid == '" + sid + "' }.size()", equalTo(0));
        // and it went downstream like any routed message
        await().atMost(WAIT).until(() -> !routed.records(r -> r.value() != null && r.value().contains(sid)).isEmpty());
    }

    @Test
    void aPoisonRecordGoesToTheDeadLetterTopicAndTheRestOfItsBatchIsRouted() {
        String org = newOrg();
        PhoneNumber ours = newNumber();
        assign(ours, org);
        String poisonId = "poison-" + UUID.randomUUID();
        TopicProbe.send(Topics.INBOUND_MESSAGES.name(), ours.e164(), "{\"messageSid\": 42, \"to\": \"not a number\"",
                java.util.Map.of("ce_id", poisonId));
        String sid = inbound(PhoneNumber.parse("+14155550150"), ours, "after the poison", "SM" + UUID.randomUUID());
        await().atMost(WAIT).until(() -> routedTo(org).stream().anyMatch(m -> m.messageSid().equals(sid)));
        try (TopicProbe dlq = TopicProbe.of(Topics.INBOUND_MESSAGES.deadLetter())) {
            var dead = await().atMost(WAIT).until(() -> dlq.records(r -> poisonId.equals(TopicProbe.header(r, "ce_id"))),
                    l -> !l.isEmpty()).get(0);
            assertEquals(Topics.INBOUND_MESSAGES.name(), TopicProbe.header(dead, "dead-letter-topic"));
        }
    }

    @Test
    void operatorEndpointsAdmitOnlyServiceTokensForThisService() {
        for (String[] endpoint : new String[][] {{"GET", "/api/unrouted-messages"}, {"GET", "/api/admin/dead-letters"},
                {"POST", "/api/admin/dead-letters/no-such-topic/replay"}}) {
            assertEquals(List.of(), ai.galaxyco.phone.testsupport.Tenancy.serviceRoleRefusalsOf(endpoint[0], endpoint[1],
                    "routing-service"));
        }
    }

    @Test
    void everyWorkspaceEndpointRefusesOtherCallers() {
        String org = newOrg();
        assertEquals(List.of(), ai.galaxyco.phone.testsupport.Tenancy.refusalsOf("GET", "/api/workspaces/" + org + "/conversations", org));
        assertEquals(List.of(), ai.galaxyco.phone.testsupport.Tenancy.refusalsOf("GET",
                "/api/workspaces/" + org + "/conversations/" + UUID.randomUUID() + "/messages", org));
    }

    @Test
    void workspaceApisRefuseMissingExpiredUnsignedAndForeignTokens() {
        String org = newOrg();
        given().get("/api/workspaces/" + org + "/conversations").then().statusCode(401);
        given().auth().oauth2(TestTokens.expiredForWorkspace(org)).get("/api/workspaces/" + org + "/conversations").then().statusCode(401);
        given().auth().oauth2(TestTokens.unsigned(org)).get("/api/workspaces/" + org + "/conversations").then().statusCode(401);
        given().auth().oauth2(TestTokens.forWorkspace("org_other")).get("/api/workspaces/" + org + "/conversations").then().statusCode(403);
        given().auth().oauth2(TestTokens.forWorkspaceV2(org)).get("/api/workspaces/" + org + "/conversations").then().statusCode(200);
        given().get("/api/unrouted-messages").then().statusCode(401);
    }

    @Test
    void stopStartAndHelpArePublishedAsConsentChanges() {
        String org = newOrg();
        PhoneNumber ours = newNumber();
        PhoneNumber person = PhoneNumber.parse("+14155550123");
        assign(ours, org);
        inbound(person, ours, "  stop ", "SM" + UUID.randomUUID());
        inbound(person, ours, "Unstop", "SM" + UUID.randomUUID());
        inbound(person, ours, "HELP", "SM" + UUID.randomUUID());
        String notAKeyword = inbound(person, ours, "please stop texting me at night", "SM" + UUID.randomUUID());
        // judged once the last message is routed (same key, same partition, behind the others; the outbox relays in
        // order): had it been taken for a keyword, its consent change would be out by then
        await().atMost(WAIT).until(() -> routedTo(org).stream().anyMatch(m -> m.messageSid().equals(notAKeyword)));
        // the consent probe reads its topic to the end first: it may have to rejoin, and other tests' events come first
        List<ConsentChanged> changes = consent.recordsToEnd(WAIT).stream().filter(r -> ours.e164().equals(r.key()))
                .map(r -> EventJson.read(r.value(), ConsentChanged.class)).toList();
        assertEquals(List.of(ConsentChanged.Kind.OPT_OUT, ConsentChanged.Kind.OPT_IN, ConsentChanged.Kind.HELP),
                changes.stream().map(ConsentChanged::kind).toList());
        assertEquals(org, changes.get(0).workspaceId().value());
        assertEquals(person, changes.get(0).contact());
    }

    @Test
    void mmsMediaTravelsWithTheRoutedMessage() {
        String org = newOrg();
        PhoneNumber ours = newNumber();
        assign(ours, org);
        String sid = "SM" + UUID.randomUUID();
        var media = List.of(new MediaItem("https://files.example/1.jpg", "image/jpeg"));
        TopicProbe.publish(Topics.INBOUND_MESSAGES, ours.e164(), new InboundMessage(sid, "AC1",
                PhoneNumber.parse("+14155550111"), ours, "", Channel.MMS, media, 1, Instant.now()), UUID.randomUUID().toString());
        await().atMost(WAIT).until(() -> !routedTo(org).isEmpty());
        RoutedMessage m = routedTo(org).get(0);
        assertEquals(media, m.media());
        assertEquals(Channel.MMS, m.channel());
    }
}
