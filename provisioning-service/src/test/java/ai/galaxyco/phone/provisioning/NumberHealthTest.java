package ai.galaxyco.phone.provisioning;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.galaxyco.phone.model.EventJson;
import ai.galaxyco.phone.model.Topics;
import ai.galaxyco.phone.model.events.NumberAssignment;
import ai.galaxyco.phone.model.events.RegistrationRequested;
import ai.galaxyco.phone.model.events.RegistryStatusChanged;
import ai.galaxyco.phone.model.events.WorkspaceLifecycleEvent.Kind;
import ai.galaxyco.phone.model.values.MessagingState;
import ai.galaxyco.phone.model.values.PhoneNumber;
import ai.galaxyco.phone.model.values.Plan;
import ai.galaxyco.phone.model.values.WorkspaceId;
import ai.galaxyco.phone.provisioning.domain.PhoneNumberRecord;
import ai.galaxyco.phone.provisioning.domain.Workspace;
import ai.galaxyco.phone.testsupport.JwtResource;
import ai.galaxyco.phone.testsupport.KafkaKRaftResource;
import ai.galaxyco.phone.testsupport.PostgresResource;
import ai.galaxyco.phone.testsupport.SandboxControl;
import ai.galaxyco.phone.testsupport.SandboxResource;
import ai.galaxyco.phone.testsupport.TestTokens;
import ai.galaxyco.phone.testsupport.TopicProbe;
import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * 10DLC registration of bought numbers against the sandbox's Campaign Registry (the test profile configures campaign
 * {@code camp-default}, and {@code camp-pro} for Pro), toll-free verification by an operator, and leaving the
 * campaign on release. The sandbox's status callbacks cannot reach this test's public URL, so settling by callback
 * is driven by publishing what the gateway would, and the rest settles by polling (every 2 s here).
 */
@QuarkusTest
@QuarkusTestResource(KafkaKRaftResource.class)
@QuarkusTestResource(PostgresResource.class)
@QuarkusTestResource(SandboxResource.class)
@QuarkusTestResource(JwtResource.class)
class NumberHealthTest {

    static final Duration WAIT = Duration.ofSeconds(45);
    static TopicProbe assignments;

    @BeforeAll
    static void probes() {
        assignments = TopicProbe.of(Topics.NUMBER_ASSIGNMENTS);
    }

    @AfterAll
    static void close() {
        assignments.close();
    }

    @AfterEach
    void sandboxDefaults() {
        SandboxControl.registration(200, false);
    }

    static String newOrg() {
        return "org_" + UUID.randomUUID().toString().replace("-", "").substring(0, 20);
    }

    static String activeNumber(String org, Plan plan) {
        return activeNumber(org, plan, "646");
    }

    /** A workspace of {@code plan} whose number is bought in {@code areaCode} (the sandbox has numbers everywhere). */
    static String activeNumber(String org, Plan plan, String areaCode) {
        var created = new ai.galaxyco.phone.model.events.WorkspaceLifecycleEvent(WorkspaceId.of(org), Kind.CREATED, plan, areaCode,
                "Acme", 1, "test", Instant.now());
        TopicProbe.publish(Topics.WORKSPACE_LIFECYCLE, org, created, "clerk:h_" + org);
        await().atMost(WAIT).until(() -> {
            Workspace w = ProvisioningFlowTest.workspace(org);
            return w != null && w.status == Workspace.Status.ACTIVE;
        });
        return QuarkusTransaction.requiringNew().call(() -> PhoneNumberRecord.activeFor(org).orElseThrow().e164);
    }

    static PhoneNumberRecord record(String e164) {
        return QuarkusTransaction.requiringNew().call(() -> PhoneNumberRecord.<PhoneNumberRecord>find("e164 = ?1 and status <> ?2",
                e164, PhoneNumberRecord.Status.RELEASED).firstResult());
    }

    static JsonPath numbersApi(String org) {
        return given().auth().oauth2(TestTokens.forWorkspace(org)).get("/api/workspaces/" + org + "/phone-numbers")
                .then().statusCode(200).extract().jsonPath();
    }

    static List<MessagingState> publishedStates(String e164) {
        return assignments.records(r -> e164.equals(r.key()) && r.value() != null).stream()
                .map(r -> EventJson.read(r.value(), NumberAssignment.class).messaging()).toList();
    }

    static List<JsonNode> ordersFor(String e164, String campaign) {
        List<JsonNode> orders = new java.util.ArrayList<>();
        SandboxControl.registry().path("assignments").forEach(a -> {
            if (e164.equals(a.path("phone_number").asText()) && campaign.equals(a.path("campaign_id").asText())) {
                orders.add(a);
            }
        });
        return orders;
    }

    @Test
    void aBoughtNumberIsOrderedIntoItsPlansCampaignAndBecomesSendable() {
        String org = newOrg();
        String e164 = activeNumber(org, Plan.PRO);

        // the first assignment already says it may not send yet, so no message leaves before registration
        await().atMost(WAIT).until(() -> !publishedStates(e164).isEmpty());
        assertEquals(MessagingState.PENDING_REGISTRATION, publishedStates(e164).get(0));

        await().atMost(WAIT).until(() -> record(e164).messagingState == MessagingState.SENDABLE);
        assertEquals("camp-pro", record(e164).campaignId, "the Pro campaign overrides SIGNALWIRE_CAMPAIGN_ID");
        List<JsonNode> inCampaign = ordersFor(e164, "camp-pro");
        assertEquals(1, inCampaign.size());
        assertEquals("completed", inCampaign.get(0).path("state").asText());
        assertEquals(inCampaign.get(0).path("id").asText(), record(e164).registryAssignmentId);
        await().atMost(WAIT).until(() -> publishedStates(e164).contains(MessagingState.SENDABLE));

        JsonPath api = numbersApi(org);
        assertEquals("SENDABLE", api.getString("items[0].messaging.state"));
        assertEquals(e164, api.getString("items[0].phoneNumber"));
    }

    @Test
    void aFailedOrderIsShownWithItsReasonAndRetriedUntilTheNumberIsRegistered() {
        // only this test buys in 339, so no other number meets the injected failure
        SandboxControl.failRegistrations(1, "Brand is not verified for this use case", "+1339");
        String org = newOrg();
        String e164 = activeNumber(org, Plan.ENTERPRISE, "339");

        await().atMost(WAIT).until(() -> record(e164).registrationAttempts >= 1);
        PhoneNumberRecord failed = record(e164);
        assertEquals(MessagingState.PENDING_REGISTRATION, failed.messagingState);
        assertTrue(failed.messagingReason.contains("Brand is not verified"), failed.messagingReason);
        assertEquals("camp-default", failed.campaignId, "Enterprise has no campaign of its own here");

        await().atMost(WAIT).until(() -> record(e164).messagingState == MessagingState.SENDABLE);
        assertEquals(2, ordersContaining(e164), "a second order after the failed one");
        assertEquals("SENDABLE", numbersApi(org).getString("items.find { it.phoneNumber == '" + e164 + "' }.messaging.state"));
    }

    @Test
    void aStatusCallbackSettlesTheOrderWithoutWaitingForThePoll() {
        SandboxControl.registration(60_000, false); // the registry itself will not finish within this test
        String org = newOrg();
        String e164 = activeNumber(org, Plan.PRO);
        await().atMost(WAIT).until(() -> record(e164).registryOrderId != null);
        PhoneNumberRecord pending = record(e164);

        // an event about an older order changes nothing
        callback(pending, "9b5e1a44-old-order", "completed");
        // the one about its order does (what the gateway publishes from /api/webhooks/signalwire/registry)
        callback(pending, pending.registryOrderId, "completed");
        await().atMost(Duration.ofSeconds(20)).until(() -> record(e164).messagingState == MessagingState.SENDABLE);
        assertEquals("assignment-of-" + pending.registryOrderId, record(e164).registryAssignmentId);
    }

    private static void callback(PhoneNumberRecord number, String orderId, String state) {
        var event = new RegistryStatusChanged("number_assignment", "number_assignment_activated", state, number.campaignId,
                orderId, "assignment-of-" + orderId, PhoneNumber.parse(number.e164), null, Instant.now(), Instant.now());
        TopicProbe.publish(Topics.REGISTRY_STATUS, event.key(), event, "signalwire:registry:" + orderId + ":" + number.e164 + ":" + state);
    }

    static long ordersContaining(String e164) {
        List<JsonNode> orders = new java.util.ArrayList<>();
        SandboxControl.registry().path("orders").forEach(orders::add);
        return orders.stream().filter(o -> o.path("phone_numbers").toString().contains(e164)).count();
    }

    @Test
    void aRefusalAsUnregisteredSendsTheNumberThroughRegistrationAgain() {
        String org = newOrg();
        String e164 = activeNumber(org, Plan.PRO);
        await().atMost(WAIT).until(() -> record(e164).messagingState == MessagingState.SENDABLE);

        var refused = new RegistrationRequested(PhoneNumber.parse(e164), WorkspaceId.of(org), "21717",
                "From must belong to an active campaign", "msg-1", Instant.now());
        TopicProbe.publish(Topics.REGISTRATION_REQUESTS, e164, refused, "outbound:21717:msg-1");
        TopicProbe.publish(Topics.REGISTRATION_REQUESTS, e164, refused, "outbound:21717:msg-2"); // a second held message

        await().atMost(WAIT).until(() -> publishedStates(e164).stream().filter(s -> s == MessagingState.PENDING_REGISTRATION).count() == 2);
        await().atMost(WAIT).until(() -> record(e164).messagingState == MessagingState.SENDABLE);
        assertEquals(2, ordersContaining(e164), "one new order after the refusals, however many messages met it");
        assertEquals(MessagingState.SENDABLE, publishedStates(e164).get(publishedStates(e164).size() - 1));
    }

    @Test
    void aTollFreeNumberWaitsForAnOperatorToConfirmItsVerification() {
        String org = newOrg();
        // a toll-free number libphonenumber knows as one: its exchange (the next three digits) starts with 2-9
        String e164 = ai.galaxyco.phone.testsupport.TestNumbers.next("+18332", 6);
        // bought as SignalWire knows it (so reconciliation, run by other tests, finds it where it should be)
        String sid = SandboxControl.addNumber(e164, ProvisioningFlowTest.tag(org)).path("sid").asText();
        QuarkusTransaction.requiringNew().run(() -> {
            Workspace workspace = new Workspace();
            workspace.id = org;
            workspace.plan = Plan.PRO;
            workspace.status = Workspace.Status.ACTIVE;
            workspace.createdAt = Instant.now();
            workspace.updatedAt = Instant.now();
            workspace.persist();
            PhoneNumberRecord number = new PhoneNumberRecord();
            number.workspaceId = org;
            number.e164 = e164;
            number.providerSid = sid;
            number.status = PhoneNumberRecord.Status.ACTIVE;
            number.purchasedAt = Instant.now();
            number.persist();
        });
        // what activation does with a toll-free number: verification, never a 10DLC order
        QuarkusTransaction.requiringNew().run(() -> registrationBegins(e164, Plan.PRO));
        assertEquals(MessagingState.VERIFICATION_PENDING, record(e164).messagingState);
        assertTrue(record(e164).messagingReason.contains("verification"));
        assertEquals(0, ordersFor(e164, "camp-pro").size());

        given().auth().oauth2(TestTokens.forWorkspace(org)).post("/api/admin/numbers/" + e164 + "/verification")
                .then().statusCode(403);
        given().auth().oauth2(TestTokens.forService()).post("/api/admin/numbers/" + e164 + "/verification")
                .then().statusCode(200).body("messaging", equalTo("SENDABLE"));
        assertEquals(MessagingState.SENDABLE, record(e164).messagingState);
        await().atMost(WAIT).until(() -> publishedStates(e164).contains(MessagingState.SENDABLE));
        // confirming twice is harmless; an unknown number is a 404, a 10DLC number pending registration a 409
        given().auth().oauth2(TestTokens.forService()).post("/api/admin/numbers/" + e164 + "/verification").then().statusCode(200);
        given().auth().oauth2(TestTokens.forService()).post("/api/admin/numbers/+18339999999/verification").then().statusCode(404)
                .contentType("application/problem+json");
    }

    @jakarta.inject.Inject
    ai.galaxyco.phone.provisioning.domain.NumberRegistration registration;

    private void registrationBegins(String e164, Plan plan) {
        PhoneNumberRecord number = PhoneNumberRecord.<PhoneNumberRecord>find("e164", e164).firstResult();
        registration.begin(number, plan);
    }

    @Test
    void aReleasedNumberLeavesItsCampaignFirst() {
        String org = newOrg();
        String e164 = activeNumber(org, Plan.PRO);
        await().atMost(WAIT).until(() -> record(e164).messagingState == MessagingState.SENDABLE);
        String assignmentId = record(e164).registryAssignmentId;

        ProvisioningFlowTest.lifecycle("clerk:h2_" + org, org, Kind.UPDATED, Plan.STARTER, 2); // grace period 0 here
        await().atMost(WAIT).until(() -> SandboxControl.ownedNumbers().stream()
                .noneMatch(n -> e164.equals(n.path("phone_number").asText())));
        assertEquals(0, ordersFor(e164, "camp-pro").size(), "no longer in the campaign");
        assertEquals(1, SandboxControl.requests("DELETE", "/registry/beta/numbers/" + assignmentId).size());
    }

    @jakarta.inject.Inject
    ai.galaxyco.phone.provisioning.domain.WebhookDriftRepair driftRepair;

    @io.quarkus.test.common.http.TestHTTPResource(value = "", management = true)
    java.net.URL operations;

    static final String SHARED = "+14056940235";

    static JsonNode owned(String e164) {
        return SandboxControl.ownedNumbers().stream().filter(n -> e164.equals(n.path("phone_number").asText())).findFirst().orElseThrow();
    }

    @Test
    void aNumberEditedInTheDashboardIsRepairedAndTheSharedNumberOnlyReported() {
        String org = newOrg();
        String e164 = activeNumber(org, Plan.PRO);
        if (SandboxControl.ownedNumbers().stream().noneMatch(n -> SHARED.equals(n.path("phone_number").asText()))) {
            SandboxControl.addNumber(SHARED, "GalaxyCo platform number");
        }
        SandboxControl.editNumber(e164, java.util.Map.of("smsUrl", "https://someone.example/sms", "voiceFallbackUrl", ""));
        SandboxControl.editNumber(SHARED, java.util.Map.of("smsUrl", "https://hand-made.example/sms"));

        var report = given().auth().oauth2(TestTokens.forService()).post("/api/admin/numbers/webhook-drift/check")
                .then().statusCode(200).extract().jsonPath();
        assertTrue(report.getList("repairedNumbers").contains(e164), report.prettify());
        assertTrue(!report.getList("repairedNumbers").contains(SHARED), "the shared number is never changed");
        assertTrue(report.getList("sharedDrift").toString().contains("SmsUrl: https://hand-made.example/sms"), report.prettify());

        assertEquals("https://phone.galaxyco.test/api/webhooks/signalwire/sms", owned(e164).path("sms_url").asText());
        assertEquals("https://phone.galaxyco.test/api/webhooks/signalwire/fallback/voice", owned(e164).path("voice_fallback_url").asText());
        assertEquals("https://hand-made.example/sms", owned(SHARED).path("sms_url").asText(), "reported, never repaired");

        given().auth().oauth2(TestTokens.forService()).get("/api/admin/numbers/webhook-drift").then().statusCode(200)
                .body("repaired", greaterThanOrEqualTo(1))
                .body("sharedNumberDrift[0]", containsString("SmsUrl"));
        given().auth().oauth2(TestTokens.forWorkspace(org)).get("/api/admin/numbers/webhook-drift").then().statusCode(403);
        String metrics = given().get(operations + "metrics").then().statusCode(200).extract().asString();
        assertTrue(metrics.lines().anyMatch(l -> l.startsWith("numbers_webhook_drift_repaired_total") && !l.endsWith(" 0.0")), metrics
                .lines().filter(l -> l.contains("drift")).toList().toString());

        // a second check finds nothing more to repair on this number
        var again = given().auth().oauth2(TestTokens.forService()).post("/api/admin/numbers/webhook-drift/check")
                .then().statusCode(200).extract().jsonPath();
        assertTrue(!again.getList("repairedNumbers").contains(e164));
    }

    @Test
    void aChangedPublicUrlMakesADriftCheckDueAtOnce() {
        driftRepair.check();
        assertTrue(!driftRepair.due(), "checked just now under this NEXT_PUBLIC_APP_URL");
        QuarkusTransaction.requiringNew().run(() -> PhoneNumberRecord.getEntityManager().createNativeQuery(
                "insert into webhook_drift_check (app_url, started_at, finished_at) values ('https://old.galaxyco.test', now(), now())")
                .executeUpdate());
        assertTrue(driftRepair.due(), "the last check knew another URL: every number may point at the old one");
        driftRepair.check();
        assertTrue(!driftRepair.due());
    }
}
