package ai.galaxyco.phone.outbound;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.galaxyco.phone.model.EventJson;
import ai.galaxyco.phone.model.Topics;
import ai.galaxyco.phone.model.events.ConsentChanged;
import ai.galaxyco.phone.model.events.MessageStatusChanged;
import ai.galaxyco.phone.model.events.NumberAssignment;
import ai.galaxyco.phone.model.events.OutboundResult;
import ai.galaxyco.phone.model.events.ProvisioningResult;
import ai.galaxyco.phone.model.events.RoutedMessage;
import ai.galaxyco.phone.model.values.Channel;
import ai.galaxyco.phone.model.values.MessageStatus;
import ai.galaxyco.phone.model.values.PhoneNumber;
import ai.galaxyco.phone.model.values.Plan;
import ai.galaxyco.phone.model.values.WorkspaceId;
import ai.galaxyco.phone.outbound.domain.OutboundMessage;
import ai.galaxyco.phone.testsupport.JwtResource;
import ai.galaxyco.phone.testsupport.KafkaKRaftResource;
import ai.galaxyco.phone.testsupport.PostgresResource;
import ai.galaxyco.phone.testsupport.ProcessedEvents;
import ai.galaxyco.phone.testsupport.SandboxControl;
import ai.galaxyco.phone.testsupport.SandboxResource;
import ai.galaxyco.phone.testsupport.TestTokens;
import ai.galaxyco.phone.testsupport.TopicProbe;
import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.ValidatableResponse;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

@QuarkusTest
@QuarkusTestResource(KafkaKRaftResource.class)
@QuarkusTestResource(PostgresResource.class)
@QuarkusTestResource(SandboxResource.class)
@QuarkusTestResource(JwtResource.class)
class OutboundFlowTest {

    /** The management interface's /q/: the OpenAPI document is served there. */
    @io.quarkus.test.common.http.TestHTTPResource(value = "", management = true)
    java.net.URL operationsForContract;

    @Test
    void theServedOpenApiDocumentIsTheCommittedOne() throws Exception {
        ai.galaxyco.phone.testsupport.OpenApiContract.assertServedEqualsCommitted(operationsForContract);
    }

    /** Issue 33: U+0000 in any parameter or JSON body of any documented endpoint is a 400, never a 500. */
    @Test
    void aNulInAnyParameterOrBodyOfEveryDocumentedEndpointIsRefusedWith400() throws Exception {
        ai.galaxyco.phone.testsupport.NulProbe.assertRefusedByTheServiceUnderTest();
    }

    static final Duration WAIT = Duration.ofSeconds(45);
    static final String SHARED = "+14056940235";
    static final String PERSON = "+14155550100";
    static TopicProbe results;

    @Inject
    EntityManager em;

    @BeforeAll
    static void probe() {
        results = TopicProbe.of(Topics.OUTBOUND_RESULTS);
    }

    @AfterAll
    static void close() {
        results.close();
    }

    static String newOrg() {
        return "org_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
    }

    static String newNumber() {
        return ai.galaxyco.phone.testsupport.TestNumbers.next("+1646555", 4);
    }

    /** A workspace with a dedicated number, known both to the sandbox (it "bought" it) and to outbound. */
    String proWorkspaceWithNumber(String org, String number) {
        return workspaceWithNumber(org, number, "Main");
    }

    String workspaceWithNumber(String org, String number, String label) {
        SandboxControl.addNumber(number, "galaxyco:" + org);
        var a = new NumberAssignment(PhoneNumber.parse(number), WorkspaceId.of(org), label, false, "sid", null, Instant.now());
        TopicProbe.publish(Topics.NUMBER_ASSIGNMENTS, a.key(), a, UUID.randomUUID().toString());
        awaitSender(org, number);
        return number;
    }

    void awaitSender(String org, String number) {
        await().atMost(WAIT).until(() -> QuarkusTransaction.requiringNew().call(() -> em.createNativeQuery(
                "select e164 from number_assignment where workspace_id = ?1").setParameter(1, org).getResultList().contains(number)));
    }

    static ValidatableResponse send(String org, Map<String, Object> body, String idempotencyKey) {
        var request = given().auth().oauth2(TestTokens.forWorkspace(org)).contentType("application/json").body(body);
        if (idempotencyKey != null) {
            request.header("Idempotency-Key", idempotencyKey);
        }
        return request.post("/api/workspaces/" + org + "/messages").then();
    }

    static List<JsonNode> messagesFrom(String number) {
        return SandboxControl.requests("POST", "/Messages").stream()
                .filter(r -> number.equals(r.path("form").path("From").path(0).asText())).toList();
    }

    static String status(String org, String id) {
        return given().auth().oauth2(TestTokens.forWorkspace(org)).get("/api/workspaces/" + org + "/messages/" + id)
                .then().statusCode(200).extract().path("status");
    }

    /** @return the event id, for {@link ProcessedEvents#awaitConsumed} */
    static String statusCallback(String sid, String status, String errorCode) {
        String eventId = UUID.randomUUID().toString();
        TopicProbe.publish(Topics.MESSAGE_STATUS, sid, new MessageStatusChanged(sid, status, errorCode, null, null, 1, Instant.now()),
                eventId);
        return eventId;
    }

    /**
     * A positive control for "nothing more was sent": sends one more message from the workspace's number and waits
     * until SignalWire has it. A number's messages leave in order, so anything wrongly sent before it is there too.
     */
    static void sendMarkerAndAwaitIt(String org, String number) {
        String marker = "marker " + UUID.randomUUID();
        send(org, Map.of("to", PERSON, "body", marker), null).statusCode(202);
        await().atMost(WAIT).until(() -> messagesFrom(number).stream()
                .anyMatch(r -> r.path("form").path("Body").path(0).asText().equals(marker)));
    }

    @Test
    void proWorkspaceSendsFromItsOwnNumberAndStatusesNeverGoBackwards() {
        String org = newOrg();
        String number = proWorkspaceWithNumber(org, newNumber());
        String id = send(org, Map.of("to", PERSON, "body", "Your table is ready"), null).statusCode(202)
                .body("from", equalTo(number)).body("to", equalTo(PERSON)).body("status", equalTo("QUEUED"))
                .extract().path("id");

        await().atMost(WAIT).until(() -> messagesFrom(number).size() == 1);
        JsonNode request = messagesFrom(number).get(0);
        assertEquals("https://phone.galaxyco.test/api/webhooks/signalwire/status?ref=" + id,
                request.path("form").path("StatusCallback").path(0).asText(), "our message id travels in the callback URL");
        assertEquals("Your table is ready", request.path("form").path("Body").path(0).asText());
        String sid = await().atMost(WAIT).until(() -> QuarkusTransaction.requiringNew().call(
                () -> OutboundMessage.<OutboundMessage>findById(UUID.fromString(id)).providerSid), s -> s != null);

        statusCallback(sid, "delivered", null); // out of order: delivered overtakes sent
        String sent = statusCallback(sid, "sent", null);
        String queued = statusCallback(sid, "queued", null);
        await().atMost(WAIT).until(() -> "DELIVERED".equals(status(org, id)));
        ProcessedEvents.awaitConsumed(WAIT, sent, queued); // the later, older statuses were read and changed nothing
        assertEquals("DELIVERED", status(org, id));
        sendMarkerAndAwaitIt(org, number);
        assertEquals(2, messagesFrom(number).size(), "exactly one SignalWire request for the message (and the marker)");
        var published = await().atMost(WAIT).until(() -> results.records(r -> PERSON.equals(r.key())).stream()
                .map(r -> EventJson.read(r.value(), OutboundResult.class)).filter(r -> r.messageId().equals(id)).toList(),
                list -> !list.isEmpty() && "DELIVERED".equals(list.get(list.size() - 1).status()));
        assertTrue(published.stream().noneMatch(r -> r.status().equals("SENT")), "the late 'sent' published nothing");
    }

    String starterWorkspace() {
        String org = newOrg();
        if (SandboxControl.ownedNumbers().stream().noneMatch(n -> SHARED.equals(n.path("phone_number").asText()))) {
            SandboxControl.addNumber(SHARED, "GalaxyCo platform");
        }
        var a = new NumberAssignment(PhoneNumber.parse(SHARED), WorkspaceId.of(org), "Main", true, null, null, Instant.now());
        TopicProbe.publish(Topics.NUMBER_ASSIGNMENTS, a.key(), a, UUID.randomUUID().toString());
        awaitSender(org, SHARED);
        return org;
    }

    @Test
    void twentyConcurrentSendsRacingTheSharedCapSendExactlyTheCap() throws Exception {
        String org = starterWorkspace();
        String tag = UUID.randomUUID().toString().substring(0, 8);
        var start = new java.util.concurrent.CountDownLatch(1);
        var pool = java.util.concurrent.Executors.newFixedThreadPool(20);
        try {
            List<java.util.concurrent.Future<String>> answers = new java.util.ArrayList<>();
            for (int i = 0; i < 20; i++) {
                int n = i;
                answers.add(pool.submit(() -> {
                    start.await();
                    var answer = send(org, Map.of("to", "+14155550152", "body", tag + " race " + n), null).extract();
                    return answer.statusCode() == 202 ? "202" : answer.statusCode() + " " + answer.path("code");
                }));
            }
            start.countDown();
            List<String> statuses = new java.util.ArrayList<>();
            for (var answer : answers) {
                statuses.add(answer.get(2, java.util.concurrent.TimeUnit.MINUTES));
            }
            assertEquals(5, statuses.stream().filter("202"::equals).count(), "accepted: " + statuses); // the test profile's cap
            assertEquals(15, statuses.stream().filter("429 shared_number_quota"::equals).count(), "refused: " + statuses);
        } finally {
            pool.shutdownNow();
        }
        long stored = QuarkusTransaction.requiringNew().call(() -> OutboundMessage.count("workspaceId = ?1 and fromShared", org));
        assertEquals(5, stored);
    }

    @Test
    void oneWorkspacesBlastOnTheSharedNumberDoesNotHoldUpAnotherAndIsCappedPerDay() {
        String blaster = starterWorkspace();
        String other = starterWorkspace();
        String tag = UUID.randomUUID().toString().substring(0, 8);
        for (int i = 0; i < 5; i++) { // the test profile's daily cap
            send(blaster, Map.of("to", "+14155550150", "body", tag + " blast " + i), null).statusCode(202);
        }
        send(blaster, Map.of("to", "+14155550150", "body", tag + " one too many"), null).statusCode(429)
                .body("code", equalTo("shared_number_quota"));
        send(other, Map.of("to", "+14155550151", "body", tag + " just one"), null).statusCode(202);
        await().atMost(WAIT).until(() -> messagesFrom(SHARED).stream()
                .filter(r -> r.path("form").path("Body").path(0).asText().startsWith(tag)).count() == 6);
        List<String> order = messagesFrom(SHARED).stream().filter(r -> r.path("form").path("Body").path(0).asText().startsWith(tag))
                .sorted(java.util.Comparator.comparingLong(r -> r.path("atMillis").asLong()))
                .map(r -> r.path("form").path("Body").path(0).asText()).toList();
        assertTrue(order.indexOf(tag + " just one") <= 1, "the other workspace had its turn after at most one blast message: "
                + order);
    }

    @Test
    void starterWorkspaceSendsFromTheSharedNumber() {
        String org = starterWorkspace();
        String id = send(org, Map.of("to", "+14155550142", "body", "Hello from a Starter"), null).statusCode(202)
                .body("from", equalTo(SHARED)).extract().path("id");
        await().atMost(WAIT).until(() -> !"QUEUED".equals(status(org, id)) && !"SENDING".equals(status(org, id))
                || QuarkusTransaction.requiringNew().call(() -> OutboundMessage.<OutboundMessage>findById(UUID.fromString(id)).providerSid) != null);
        var result = await().atMost(WAIT).until(() -> results.records(r -> "+14155550142".equals(r.key())), l -> !l.isEmpty()).get(0);
        assertTrue(EventJson.read(result.value(), OutboundResult.class).fromSharedNumber());
    }

    @Test
    void aReplyLeavesFromTheNumberTheContactWroteToElseFromMainOrTheLabelAsked() {
        String org = newOrg();
        String main = proWorkspaceWithNumber(org, newNumber());
        String sales = workspaceWithNumber(org, newNumber(), "Sales");
        String wroteToSales = ai.galaxyco.phone.testsupport.TestNumbers.next("+1415557", 4);
        String eventId = "routing:" + UUID.randomUUID();
        TopicProbe.publish(Topics.ROUTED_MESSAGES, org, new RoutedMessage("SM" + UUID.randomUUID(), WorkspaceId.of(org),
                UUID.randomUUID().toString(), PhoneNumber.parse(sales), "Sales", PhoneNumber.parse(wroteToSales), Channel.SMS,
                "Is the blue one in stock?", List.of(), Instant.now()), eventId);
        ai.galaxyco.phone.testsupport.ProcessedEvents.awaitConsumed(WAIT, eventId);

        send(org, Map.of("to", wroteToSales, "body", "Yes, it is"), null).statusCode(202).body("from", equalTo(sales));
        send(org, Map.of("to", PERSON, "body", "Hello"), null).statusCode(202).body("from", equalTo(main));
        send(org, Map.of("to", wroteToSales, "body", "From support", "label", "main"), null).statusCode(202).body("from", equalTo(main));
    }

    @Test
    void refusalsAreClear() {
        String org = newOrg();
        String other = newOrg();
        proWorkspaceWithNumber(org, newNumber());
        String othersNumber = proWorkspaceWithNumber(other, newNumber());
        send(org, Map.of("to", PERSON, "body", "hi", "from", othersNumber), null).statusCode(403)
                .body("code", equalTo("sender_not_owned"));
        send(org, Map.of("to", "12", "body", "hi"), null).statusCode(400).body("detail", containsString("to"));
        send(org, Map.of("to", "+15555550100", "body", "hi"), null).statusCode(400).body("detail", containsString("valid"));
        send(org, Map.of("to", PERSON, "body", "x".repeat(1601)), null).statusCode(400).body("detail", containsString("1600"));
        send(org, Map.of("to", PERSON), null).statusCode(400).body("detail", containsString("body or mediaUrls"));
        send(org, Map.of("to", PERSON, "mediaUrls", java.util.Collections.nCopies(9, "https://x/y.png")), null).statusCode(400);
        send(org, Map.of("to", PERSON, "body", "hi", "label", "Support"), null).statusCode(409)
                .body("code", equalTo("no_number_for_label")).body("detail", containsString("\"Support\""));
        send(org, Map.of("to", PERSON, "body", "hi", "label", "Sales!"), null).statusCode(400).body("code", equalTo("invalid_label"));
        given().contentType("application/json").body(Map.of("to", PERSON, "body", "hi")).post("/api/workspaces/" + org + "/messages")
                .then().statusCode(401);
        given().auth().oauth2(TestTokens.forWorkspace(other)).contentType("application/json").body(Map.of("to", PERSON, "body", "hi"))
                .post("/api/workspaces/" + org + "/messages").then().statusCode(403);
        given().auth().oauth2(TestTokens.expiredForWorkspace(org)).get("/api/workspaces/" + org + "/messages/x").then().statusCode(401);
        given().auth().oauth2(TestTokens.unsigned(org)).get("/api/workspaces/" + org + "/messages/x").then().statusCode(401);
    }

    @Test
    void premiumRateAndOtherCountriesAreRefusedAndNothingReachesSignalWire() {
        String org = newOrg();
        String number = proWorkspaceWithNumber(org, newNumber());
        // libphonenumber's classification, asserted so that a metadata change cannot pass this silently
        assertEquals(com.google.i18n.phonenumbers.PhoneNumberUtil.PhoneNumberType.PREMIUM_RATE,
                ai.galaxyco.phone.model.values.DestinationPolicy.typeOf(PhoneNumber.parse("+19002345678")));
        assertEquals("GB", ai.galaxyco.phone.model.values.DestinationPolicy.regionOf(PhoneNumber.parse("+447400123456")));
        send(org, Map.of("to", "+19002345678", "body", "win a prize"), null).statusCode(422)
                .body("code", equalTo("destination_number_type_not_allowed")).body("detail", containsString("premium rate"));
        send(org, Map.of("to", "+15002345678", "body", "personal"), null).statusCode(422)
                .body("code", equalTo("destination_number_type_not_allowed"));
        send(org, Map.of("to", "+447400123456", "body", "abroad"), null).statusCode(422)
                .body("code", equalTo("destination_country_not_allowed")).body("detail", containsString("GB"));
        send(org, Map.of("to", "+16135550123", "body", "Canada is allowed by default"), null).statusCode(202);
        sendMarkerAndAwaitIt(org, number);
        assertEquals(List.of(), messagesFrom(number).stream().map(r -> r.path("form").path("To").path(0).asText())
                .filter(to -> !to.equals(PERSON) && !to.equals("+16135550123")).toList(), "only allowed recipients reached SignalWire");

        // an operator lets this workspace write to Britain (its own admin cannot); premium rate stays refused
        String admin = "/api/admin/workspaces/" + org + "/messaging-destinations";
        given().auth().oauth2(TestTokens.forWorkspace(org)).contentType("application/json")
                .body(Map.of("allowedCountries", List.of("GB"))).put(admin).then().statusCode(403);
        given().auth().oauth2(TestTokens.forService()).contentType("application/json")
                .body(Map.of("allowedCountries", List.of("US", "CA", "GB"))).put(admin).then().statusCode(200)
                .body("allowedCountries", equalTo(List.of("CA", "GB", "US"))).body("overridden", equalTo(true));
        given().auth().oauth2(TestTokens.forMember(org)).get("/api/workspaces/" + org + "/messaging-destinations").then()
                .statusCode(200).body("overridden", equalTo(true));
        send(org, Map.of("to", "+447400123456", "body", "abroad, allowed now"), null).statusCode(202);
        send(org, Map.of("to", "+19002345678", "body", "still no"), null).statusCode(422)
                .body("code", equalTo("destination_number_type_not_allowed"));
        given().auth().oauth2(TestTokens.forService()).delete(admin).then().statusCode(200).body("overridden", equalTo(false));
        send(org, Map.of("to", "+447400123456", "body", "abroad again"), null).statusCode(422)
                .body("code", equalTo("destination_country_not_allowed"));
    }

    @Test
    void aBurstToNewRecipientsInOneRangeIsHeldForReviewWhileTheWorkspacesOtherTrafficFlows() {
        String org = newOrg();
        String number = proWorkspaceWithNumber(org, newNumber());
        String tag = UUID.randomUUID().toString().substring(0, 8);
        // the test profile lets 5 new recipients of one range through per window; the 6th and 7th are held
        List<String> burst = new java.util.ArrayList<>();
        for (int i = 0; i < 7; i++) {
            burst.add(ai.galaxyco.phone.testsupport.TestNumbers.next("+1312555", 4));
        }
        for (int i = 0; i < 5; i++) {
            send(org, Map.of("to", burst.get(i), "body", tag + " burst " + i), null).statusCode(202).body("reason", nullValue());
        }
        String held1 = send(org, Map.of("to", burst.get(5), "body", tag + " burst 5"), null).statusCode(202)
                .body("status", equalTo("QUEUED")).body("reason", equalTo("held_for_review")).extract().path("id");
        String held2 = send(org, Map.of("to", burst.get(6), "body", tag + " burst 6"), null).statusCode(202)
                .body("reason", equalTo("held_for_review")).extract().path("id");
        // the same workspace's other traffic flows: a recipient let through before, and another range
        send(org, Map.of("to", burst.get(0), "body", tag + " again"), null).statusCode(202).body("reason", nullValue());
        send(org, Map.of("to", "+14155550188", "body", tag + " elsewhere"), null).statusCode(202).body("reason", nullValue());
        sendMarkerAndAwaitIt(org, number);
        List<String> sentBodies = messagesFrom(number).stream().map(r -> r.path("form").path("Body").path(0).asText())
                .filter(b -> b.startsWith(tag)).toList();
        assertEquals(7, sentBodies.size(), "five of the burst, the repeat and the other range: " + sentBodies);
        assertTrue(sentBodies.stream().noneMatch(b -> b.endsWith("burst 5") || b.endsWith("burst 6")), "a held message was sent");

        // operators see them, with the range
        given().auth().oauth2(TestTokens.forService()).queryParam("workspaceId", org).get("/api/admin/messages/held-for-review")
                .then().statusCode(200).body("items.id", equalTo(List.of(held1, held2)))
                .body("items[0].range", equalTo("1312555")).body("items[0].to", equalTo(burst.get(5)));
        // one is rejected: it fails and is never sent; the other is released and goes
        given().auth().oauth2(TestTokens.forService()).contentType("application/json").body(Map.of("messageIds", List.of(held2)))
                .post("/api/admin/messages/held-for-review/reject").then().statusCode(200).body("rejected", equalTo(1));
        given().auth().oauth2(TestTokens.forService()).contentType("application/json")
                .body(Map.of("workspaceId", org, "range", "1312555")).post("/api/admin/messages/held-for-review/release")
                .then().statusCode(200).body("released", equalTo(1));
        await().atMost(WAIT).until(() -> messagesFrom(number).stream()
                .anyMatch(r -> r.path("form").path("Body").path(0).asText().equals(tag + " burst 5")));
        assertEquals("FAILED", status(org, held2));
        sendMarkerAndAwaitIt(org, number);
        assertTrue(messagesFrom(number).stream().noneMatch(r -> r.path("form").path("Body").path(0).asText().equals(tag + " burst 6")),
                "the rejected message was sent");
        given().auth().oauth2(TestTokens.forService()).contentType("application/json").body(Map.of())
                .post("/api/admin/messages/held-for-review/release").then().statusCode(400);
        given().auth().oauth2(TestTokens.forService()).queryParam("workspaceId", org).get("/api/admin/audit").then().statusCode(200)
                .body("items.action", equalTo(List.of("held_messages.release", "held_messages.reject")))
                .body("items[1].after.messages", equalTo(List.of(held2))).body("items[0].subject", equalTo("1312555"));
    }

    @Test
    void operatorEndpointsAdmitOnlyServiceTokensForThisService() {
        for (String[] endpoint : new String[][] {{"GET", "/api/admin/dead-letters"},
                {"POST", "/api/admin/dead-letters/no-such-topic/replay"},
                {"PUT", "/api/admin/workspaces/org_any/messaging-budget"},
                {"DELETE", "/api/admin/workspaces/org_any/messaging-budget"},
                {"GET", "/api/admin/messages/held-for-review"},
                {"POST", "/api/admin/messages/held-for-review/release"},
                {"POST", "/api/admin/messages/held-for-review/reject"},
                {"GET", "/api/admin/audit"},
                {"PUT", "/api/admin/workspaces/org_any/messaging-destinations"}}) {
            assertEquals(List.of(), ai.galaxyco.phone.testsupport.Tenancy.serviceRoleRefusalsOf(endpoint[0], endpoint[1],
                    "outbound-service"));
        }
    }

    @Test
    void everyWorkspaceEndpointRefusesOtherCallers() {
        String org = newOrg();
        assertEquals(List.of(), ai.galaxyco.phone.testsupport.Tenancy.refusalsOf("POST", "/api/workspaces/" + org + "/messages", org));
        assertEquals(List.of(), ai.galaxyco.phone.testsupport.Tenancy.refusalsOf("GET",
                "/api/workspaces/" + org + "/messages/" + UUID.randomUUID(), org));
        assertEquals(List.of(), ai.galaxyco.phone.testsupport.Tenancy.refusalsOf("GET", "/api/workspaces/" + org + "/messaging-budget", org));
    }

    @Test
    void aSpendBudgetStopsSendingUntilItStartsAgainAndOnlyAnOperatorChangesIt() {
        String org = newOrg();
        String number = proWorkspaceWithNumber(org, newNumber());
        String budget = "/api/workspaces/" + org + "/messaging-budget";
        // a member reads it: Pro's by default (the workspace has a number of its own), nothing spent yet
        given().auth().oauth2(TestTokens.forMember(org)).get(budget).then().statusCode(200).body("plan", equalTo("PRO"))
                .body("dailyBudget", equalTo("50.0000")).body("monthlyBudget", equalTo("500.0000"))
                .body("spentToday", equalTo("0.0000")).body("overridden", equalTo(false));
        // an operator sets two segments' worth a day (PRICE_SMS_OUTBOUND 0.0079)
        String admin = "/api/admin/workspaces/" + org + "/messaging-budget";
        given().auth().oauth2(TestTokens.forService()).contentType("application/json")
                .body(Map.of("dailyBudget", "0.0158", "monthlyBudget", "100")).put(admin).then().statusCode(200)
                .body("dailyBudget", equalTo("0.0158")).body("overridden", equalTo(true));
        String tag = UUID.randomUUID().toString().substring(0, 8);
        send(org, Map.of("to", PERSON, "body", tag + " one"), null).statusCode(202);
        send(org, Map.of("to", PERSON, "body", tag + " two"), null).statusCode(202);
        String tomorrow = java.time.LocalDate.now(java.time.ZoneOffset.UTC).plusDays(1).toString();
        send(org, Map.of("to", PERSON, "body", tag + " three"), null).statusCode(429).body("code", equalTo("budget_exhausted"))
                .body("detail", containsString(tomorrow)).header("Retry-After", notNullValue());
        given().auth().oauth2(TestTokens.forMember(org)).get(budget).then().body("spentToday", equalTo("0.0158"));
        // the workspace's own admin cannot lift it
        given().auth().oauth2(TestTokens.forWorkspace(org)).contentType("application/json")
                .body(Map.of("dailyBudget", "1000", "monthlyBudget", "1000")).put(admin).then().statusCode(403);
        given().auth().oauth2(TestTokens.forService()).contentType("application/json")
                .body(Map.of("dailyBudget", "-1", "monthlyBudget", "1")).put(admin).then().statusCode(400)
                .body("code", equalTo("invalid_budget"));
        // the operator raises it: the next send goes
        given().auth().oauth2(TestTokens.forService()).contentType("application/json")
                .body(Map.of("dailyBudget", "0.0237", "monthlyBudget", "100")).put(admin).then().statusCode(200);
        send(org, Map.of("to", PERSON, "body", tag + " four"), null).statusCode(202);
        send(org, Map.of("to", PERSON, "body", tag + " five"), null).statusCode(429).body("code", equalTo("budget_exhausted"));
        await().atMost(WAIT).until(() -> messagesFrom(number).stream()
                .filter(r -> r.path("form").path("Body").path(0).asText().startsWith(tag)).count() == 3);
        // back to the plan's budget
        given().auth().oauth2(TestTokens.forService()).delete(admin).then().statusCode(200).body("overridden", equalTo(false))
                .body("dailyBudget", equalTo("50.0000"));
        send(org, Map.of("to", PERSON, "body", tag + " six"), null).statusCode(202);
        await().atMost(WAIT).until(() -> messagesFrom(number).stream()
                .filter(r -> r.path("form").path("Body").path(0).asText().startsWith(tag)).count() == 4);
        assertTrue(messagesFrom(number).stream().map(r -> r.path("form").path("Body").path(0).asText())
                .noneMatch(body -> body.equals(tag + " three") || body.equals(tag + " five")), "a refused message was sent");
        // each change of the budget is in the workspace's audit trail, by the operator, with before and after
        given().auth().oauth2(TestTokens.forWorkspace(org)).get("/api/workspaces/" + org + "/audit").then().statusCode(200)
                .body("items.action", equalTo(List.of("budget.reset", "budget.override", "budget.override")))
                .body("items[0].actor", equalTo("test-service")).body("items[0].actorRole", equalTo("service"))
                .body("items[1].before.dailyBudget", equalTo("0.0158")).body("items[1].after.dailyBudget", equalTo("0.0237"));
    }

    @Test
    void workspaceStillProvisioningGets409WithTheReason() {
        String org = newOrg();
        TopicProbe.publish(Topics.PROVISIONING_RESULTS, org, new ProvisioningResult(WorkspaceId.of(org),
                ProvisioningResult.Status.PROVISIONING, Plan.PRO, null, null, 0, null, null, Instant.now()), UUID.randomUUID().toString());
        await().atMost(WAIT).untilAsserted(() -> send(org, Map.of("to", PERSON, "body", "hi"), null).statusCode(409)
                .body("detail", containsString("still being provisioned")));
    }

    @Test
    void optedOutRecipientIsRefusedUntilTheyOptBackIn() {
        String org = newOrg();
        String number = proWorkspaceWithNumber(org, newNumber());
        String person = "+14155550177";
        TopicProbe.publish(Topics.CONSENT_CHANGES, number, new ConsentChanged(PhoneNumber.parse(number), PhoneNumber.parse(person),
                WorkspaceId.of(org), ConsentChanged.Kind.OPT_OUT, "STOP", "SM1" + org, Instant.now()), UUID.randomUUID().toString());
        // waited for without sending: a send tried before the opt-out arrived would be accepted, and sent
        await().atMost(WAIT).untilAsserted(() -> given().auth().oauth2(TestTokens.forWorkspace(org))
                .get("/api/workspaces/" + org + "/contacts/" + person + "/consent").then().statusCode(200)
                .body("numbers.find { it.phoneNumber == '" + number + "' }.optedOut", equalTo(true)));
        send(org, Map.of("to", person, "body", "promo"), null).statusCode(422).body("code", equalTo("recipient_opted_out"));
        // what the console's composer reads: opted out from this number, with the keyword that did it
        given().auth().oauth2(TestTokens.forWorkspace(org)).get("/api/workspaces/" + org + "/contacts/" + person + "/consent")
                .then().statusCode(200).body("contact", equalTo(person))
                .body("numbers.find { it.phoneNumber == '" + number + "' }.optedOut", equalTo(true))
                .body("numbers.find { it.phoneNumber == '" + number + "' }.source", equalTo("keyword:STOP"));
        given().auth().oauth2(TestTokens.forWorkspace(org)).get("/api/workspaces/" + org + "/contacts/not-a-number/consent")
                .then().statusCode(400).body("code", equalTo("invalid_request"));
        given().auth().oauth2(TestTokens.forWorkspace("org_other")).get("/api/workspaces/" + org + "/contacts/" + person + "/consent")
                .then().statusCode(403);
        TopicProbe.publish(Topics.CONSENT_CHANGES, number, new ConsentChanged(PhoneNumber.parse(number), PhoneNumber.parse(person),
                WorkspaceId.of(org), ConsentChanged.Kind.OPT_IN, "START", "SM2" + org, Instant.now()), UUID.randomUUID().toString());
        await().atMost(WAIT).untilAsserted(() -> send(org, Map.of("to", person, "body", "welcome back"), null).statusCode(202));
        given().auth().oauth2(TestTokens.forWorkspace(org)).get("/api/workspaces/" + org + "/contacts/" + person + "/consent")
                .then().statusCode(200).body("numbers.find { it.phoneNumber == '" + number + "' }.optedOut", equalTo(false));
        assertEquals(0, messagesFrom(number).stream().filter(r -> r.path("form").path("Body").path(0).asText().equals("promo")).count());
    }

    @Test
    void messagesQueuedBeforeAStopAreNeverSentAfterIt() {
        String org = newOrg();
        String number = proWorkspaceWithNumber(org, newNumber());
        String person = "+14155550179";
        int n = 8; // 1 segment/s: the backlog takes about 8 s to drain
        List<String> ids = new java.util.ArrayList<>();
        for (int i = 0; i < n; i++) {
            ids.add(send(org, Map.of("to", person, "body", "backlog " + i), null).statusCode(202).extract().path("id"));
        }
        await().atMost(WAIT).until(() -> messagesFrom(number).size() >= 1); // the backlog is draining
        TopicProbe.publish(Topics.CONSENT_CHANGES, number, new ConsentChanged(PhoneNumber.parse(number), PhoneNumber.parse(person),
                WorkspaceId.of(org), ConsentChanged.Kind.OPT_OUT, "Stop.", "SMstop" + org, Instant.now()), UUID.randomUUID().toString());
        await().atMost(WAIT).until(() -> QuarkusTransaction.requiringNew().call(() -> !em.createNativeQuery(
                "select 1 from opt_out where our_number = ?1 and contact = ?2 and opted_out").setParameter(1, number)
                .setParameter(2, person).getResultList().isEmpty()));
        long optedOutAt = System.currentTimeMillis();
        // every message of the backlog either reached SignalWire or was refused
        await().atMost(WAIT).until(() -> messagesFrom(number).size()
                + ids.stream().filter(id -> status(org, id).equals("FAILED")).count() == n);
        // a message claimed in the same instant as the STOP may still leave; nothing claimed later does
        long sentAfter = messagesFrom(number).stream().filter(r -> r.path("atMillis").asLong() > optedOutAt + 200).count();
        assertEquals(0, sentAfter, "sends after the opt-out");
        List<String> refused = ids.stream().filter(id -> status(org, id).equals("FAILED")).toList();
        assertTrue(refused.size() >= n / 2, "most of the backlog was refused: " + refused.size());
        for (String id : refused) {
            given().auth().oauth2(TestTokens.forWorkspace(org)).get("/api/workspaces/" + org + "/messages/" + id).then()
                    .body("errorCode", equalTo("recipient_opted_out"));
        }
        String refusedId = refused.get(0);
        await().atMost(WAIT).until(() -> results.records(r -> r.value() != null && r.value().contains(refusedId)).stream()
                .map(r -> EventJson.read(r.value(), OutboundResult.class))
                .anyMatch(r -> r.status().equals("FAILED") && "recipient_opted_out".equals(r.errorCode())));
    }

    @Test
    void aRequestMadeBeforeTheWorkspaceHasItsNumberWaitsAndIsSentOnceItHasOne() {
        String org = newOrg();
        String requestId = "req-" + UUID.randomUUID();
        var request = new ai.galaxyco.phone.model.events.OutboundRequest(requestId, WorkspaceId.of(org), PERSON,
                "Welcome aboard", List.of(), null, null, Instant.now());
        TopicProbe.publish(Topics.OUTBOUND_REQUESTS, org, request, "request:" + requestId);
        // no number yet (409 no_sender_number): it waits instead of being dead-lettered
        await().atMost(WAIT).until(() -> QuarkusTransaction.requiringNew().call(() -> !em.createNativeQuery(
                "select 1 from parked_request where request_id = ?1").setParameter(1, requestId).getResultList().isEmpty()));
        String number = proWorkspaceWithNumber(org, newNumber());
        await().atMost(WAIT).until(() -> messagesFrom(number).stream()
                .anyMatch(r -> r.path("form").path("Body").path(0).asText().equals("Welcome aboard")));
        await().atMost(WAIT).until(() -> QuarkusTransaction.requiringNew().call(() -> em.createNativeQuery(
                "select 1 from parked_request where request_id = ?1").setParameter(1, requestId).getResultList().isEmpty()));
    }

    @Test
    void aRequestRefusedForGoodIsDeadLetteredWithTheReason() {
        String org = newOrg();
        proWorkspaceWithNumber(org, newNumber());
        String requestId = "req-" + UUID.randomUUID();
        var request = new ai.galaxyco.phone.model.events.OutboundRequest(requestId, WorkspaceId.of(org), "+1 000",
                "never", List.of(), null, null, Instant.now());
        try (TopicProbe dlq = TopicProbe.of(Topics.OUTBOUND_REQUESTS.deadLetter())) {
            TopicProbe.publish(Topics.OUTBOUND_REQUESTS, org, request, "request:" + requestId);
            var dead = await().atMost(WAIT).until(() -> dlq.records(r -> r.value() != null && r.value().contains(requestId)),
                    l -> !l.isEmpty()).get(0);
            assertTrue(TopicProbe.header(dead, "dead-letter-reason").contains("invalid_request"),
                    TopicProbe.header(dead, "dead-letter-reason"));
        }
    }

    @Test
    void aStatusReportThatMissedTheSidCommitIsAppliedBySweeper() {
        String org = newOrg();
        String number = proWorkspaceWithNumber(org, newNumber());
        String id = send(org, Map.of("to", PERSON, "body", "race"), null).statusCode(202).extract().path("id");
        String sid = await().atMost(WAIT).until(() -> QuarkusTransaction.requiringNew().call(
                () -> OutboundMessage.<OutboundMessage>findById(UUID.fromString(id)).providerSid), s -> s != null);
        // the state the race left before the fix: a report parked for a sid the message has, never applied
        QuarkusTransaction.requiringNew().run(() -> em.createNativeQuery("insert into status_report (provider_sid, status, "
                + "reported_at) values (?1, 'delivered', now())").setParameter(1, sid).executeUpdate());
        await().atMost(WAIT).until(() -> "DELIVERED".equals(status(org, id)));
        assertEquals(1, messagesFrom(number).size());
    }

    @Test
    void aSendWhoseAnswerWasLostIsLookedUpAndNeverSentTwice() {
        String org = newOrg();
        String number = proWorkspaceWithNumber(org, newNumber());
        // SignalWire took it; the answer never arrived (only this number's send: other tests' sends may still be leaving)
        SandboxControl.loseAnswerOfNext("/Messages", "From", number, 1, 502);
        String id = send(org, Map.of("to", PERSON, "body", "Exactly once, please"), null).statusCode(202).extract().path("id");
        String sid = await().atMost(WAIT).until(() -> QuarkusTransaction.requiringNew().call(
                () -> OutboundMessage.<OutboundMessage>findById(UUID.fromString(id)).providerSid), s -> s != null);
        assertEquals(1, messagesFrom(number).size(), "one POST: the retry asked SignalWire first and found it");
        assertTrue(SandboxControl.requests("GET", "/Messages").stream()
                .anyMatch(r -> number.equals(r.path("form").path("From").path(0).asText())), "the look-up happened");
        assertTrue(sid.length() > 10);
    }

    @Test
    void helpIsAnsweredOnceFromTheNumberItReached() {
        String org = newOrg();
        String number = proWorkspaceWithNumber(org, newNumber());
        var help = new ConsentChanged(PhoneNumber.parse(number), PhoneNumber.parse("+14155550188"), WorkspaceId.of(org),
                ConsentChanged.Kind.HELP, "HELP", "SMhelp" + org, Instant.now());
        String first = UUID.randomUUID().toString();
        String again = UUID.randomUUID().toString();
        TopicProbe.publish(Topics.CONSENT_CHANGES, number, help, first);
        TopicProbe.publish(Topics.CONSENT_CHANGES, number, help, again); // redelivered under another event id
        await().atMost(WAIT).until(() -> messagesFrom(number).size() == 1);
        assertTrue(messagesFrom(number).get(0).path("form").path("Body").path(0).asText().contains("STOP"));
        ProcessedEvents.awaitConsumed(WAIT, first, again);
        sendMarkerAndAwaitIt(org, number);
        assertEquals(2, messagesFrom(number).size(), "one answer to HELP (and the marker)");
    }

    @Test
    void sameIdempotencyKeyIsTheSameMessageAndOneSend() {
        String org = newOrg();
        String number = proWorkspaceWithNumber(org, newNumber());
        String first = send(org, Map.of("to", PERSON, "body", "once"), "key-1").statusCode(202).extract().path("id");
        String second = send(org, Map.of("to", PERSON, "body", "once"), "key-1").statusCode(202).extract().path("id");
        assertEquals(first, second);
        await().atMost(WAIT).until(() -> messagesFrom(number).size() == 1);
        sendMarkerAndAwaitIt(org, number);
        assertEquals(2, messagesFrom(number).size(), "one send for the key (and the marker)");
    }

    @Test
    void pacingPerNumberWhileNumbersRunInParallel() {
        String org = newOrg();
        String a = proWorkspaceWithNumber(org, newNumber());
        String org2 = newOrg();
        String b = proWorkspaceWithNumber(org2, newNumber());
        int n = 5;
        for (int i = 0; i < n; i++) {
            send(org, Map.of("to", PERSON, "body", "a" + i), null).statusCode(202);
            send(org2, Map.of("to", PERSON, "body", "b" + i), null).statusCode(202);
        }
        await().atMost(WAIT).until(() -> departures(a).size() == n && departures(b).size() == n);
        // outbound's own departure times are the guarantee (the sandbox's receive times carry this JVM's jitter):
        // 1 segment/s (the production default), n messages need at least n-1 s; both numbers drain side by side
        long spanA = span(departures(a));
        long spanB = span(departures(b));
        assertTrue(spanA >= (n - 1) * 1000L, "number A span " + spanA + " ms");
        assertTrue(spanB >= (n - 1) * 1000L, "number B span " + spanB + " ms");
        long firstA = departures(a).get(0);
        long firstB = departures(b).get(0);
        assertTrue(Math.abs(firstA - firstB) < (n - 1) * 1000L, "B did not wait for A to finish");
    }

    @Test
    void noTwoSendsOfANumberAreCloserThanItsLimitEvenWhenSendsAreSlow() {
        double rate = org.eclipse.microprofile.config.ConfigProvider.getConfig()
                .getValue("outbound.pacing.long-code-per-second", Double.class);
        long limitMillis = Math.round(1000 / rate);
        String org = newOrg();
        String number = proWorkspaceWithNumber(org, newNumber());
        int n = 20;
        // every answer takes 300-800 ms, so sends overlap and the dispatcher's threads are held up
        SandboxControl.settings(Map.of("requestLatencyMs", 300, "requestLatencySpreadMs", 500));
        try {
            for (int i = 0; i < n; i++) {
                send(org, Map.of("to", PERSON, "body", "paced " + i), null).statusCode(202);
            }
            // each departure is recorded with SignalWire's answer, a moment after the sandbox saw the request
            await().atMost(WAIT).until(() -> messagesFrom(number).size() == n && departures(number).size() == n);
        } finally {
            SandboxControl.settings(Map.of("requestLatencyMs", 0, "requestLatencySpreadMs", 0));
        }
        // outbound's recorded departures are the guarantee: never closer than the limit
        List<Long> departed = departures(number);
        assertEquals(n, departed.size());
        assertTrue(minimumSpacing(departed) >= limitMillis, "minimum spacing at departure " + minimumSpacing(departed)
                + " ms, limit " + limitMillis + " ms");
        // and slow answers do not serialise the sends: waiting for each answer before the next slot would give
        // 1 / (limit + 550 ms average latency), about 0.65 of the rate; a busy CI JVM has measured 0.949 when paced right
        double achieved = (n - 1) / (span(departed) / 1000.0);
        assertTrue(achieved >= 0.85 * rate, "achieved " + achieved + " msg/s of " + rate + " allowed");
        // what the carrier would see: the sandbox's receive times, in this busy JVM, agree up to a scheduling jitter
        List<Long> received = messagesFrom(number).stream().map(r -> r.path("atMillis").asLong()).sorted().toList();
        assertTrue(minimumSpacing(received) >= limitMillis - RECEIVE_JITTER_MILLIS, "minimum spacing at the sandbox "
                + minimumSpacing(received) + " ms, limit " + limitMillis + " ms less " + RECEIVE_JITTER_MILLIS + " ms of jitter");
    }

    @Test
    void transientErrorsAreRetriedAndPermanentOnesFailWithTheirCode() {
        String org = newOrg();
        String number = proWorkspaceWithNumber(org, newNumber());
        SandboxControl.failNext("/Messages", "From", number, 1, 500, 20500);
        SandboxControl.failNext("/Messages", "From", number, 1, 429, 20429);
        String retried = send(org, Map.of("to", PERSON, "body", "eventually"), null).statusCode(202).extract().path("id");
        await().atMost(WAIT).until(() -> QuarkusTransaction.requiringNew().call(
                () -> OutboundMessage.<OutboundMessage>findById(UUID.fromString(retried)).providerSid) != null);
        assertEquals(3, QuarkusTransaction.requiringNew().call(() -> OutboundMessage.<OutboundMessage>findById(UUID.fromString(retried)).attempts));

        SandboxControl.failNext("/Messages", "From", number, 1, 400, 21610);
        String blocked = send(org, Map.of("to", "+14155550166", "body", "blocked"), null).statusCode(202).extract().path("id");
        await().atMost(WAIT).until(() -> "FAILED".equals(status(org, blocked)));
        given().auth().oauth2(TestTokens.forWorkspace(org)).get("/api/workspaces/" + org + "/messages/" + blocked).then()
                .body("errorCode", equalTo("21610"));
        send(org, Map.of("to", "+14155550166", "body", "again"), null).statusCode(422); // 21610 recorded as an opt-out
    }

    @Test
    void acceptedMessagesSurviveACrashAndAreSentOnce() {
        String org = newOrg();
        String number = proWorkspaceWithNumber(org, newNumber());
        // rows a process left behind: one accepted but never dispatched, one mid-request when it died
        UUID queued = UUID.randomUUID();
        UUID inFlight = UUID.randomUUID();
        QuarkusTransaction.requiringNew().run(() -> {
            insert(queued, org, number, MessageStatus.QUEUED, null);
            insert(inFlight, org, number, MessageStatus.SENDING, Instant.now().minusSeconds(30));
        });
        await().atMost(WAIT).until(() -> messagesFrom(number).size() == 2);
        sendMarkerAndAwaitIt(org, number);
        assertEquals(3, messagesFrom(number).size(), "each left-behind message once (and the marker)");
    }

    private static void insert(UUID id, String org, String number, MessageStatus status, Instant sendingStartedAt) {
        OutboundMessage m = new OutboundMessage();
        m.id = id;
        m.workspaceId = org;
        m.fromNumber = number;
        m.toNumber = PERSON;
        m.body = "left behind " + status;
        m.status = status;
        m.segments = 1;
        m.attempts = status == MessageStatus.SENDING ? 1 : 0;
        m.nextAttemptAt = Instant.now();
        m.createdAt = Instant.now().minusSeconds(60);
        m.updatedAt = m.createdAt;
        m.sendingStartedAt = sendingStartedAt;
        m.persist();
    }

    /** The time between the first and the last of {@code times} (sorted, epoch millis). */
    private static long span(List<Long> times) {
        return times.get(times.size() - 1) - times.get(0);
    }

    private static long minimumSpacing(List<Long> times) {
        long minimum = Long.MAX_VALUE;
        for (int i = 1; i < times.size(); i++) {
            minimum = Math.min(minimum, times.get(i) - times.get(i - 1));
        }
        return minimum;
    }

    /**
     * How far the sandbox's receive stamps may sit closer together than the departures they follow: the sandbox, the
     * dispatcher and the test share this JVM and two cores (the e2e suite, with separate processes, allows 100 ms).
     */
    static final long RECEIVE_JITTER_MILLIS = 150;

    /** When outbound's requests from {@code number} left (its own record, taken once the request was flushed), sorted. */
    List<Long> departures(String number) {
        return QuarkusTransaction.requiringNew().call(() -> {
            @SuppressWarnings("unchecked")
            List<Number> rows = em.createNativeQuery("select (extract(epoch from departed_at) * 1000)::bigint from message "
                    + "where from_number = ?1 and departed_at is not null order by departed_at").setParameter(1, number)
                    .getResultList();
            return rows.stream().map(Number::longValue).toList();
        });
    }

    /** Lets a wrongly scheduled second send (if there were one) happen before the count is asserted. */
}
