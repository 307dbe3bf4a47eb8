package ai.galaxyco.phone.provisioning;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.galaxyco.phone.model.EventJson;
import ai.galaxyco.phone.model.Topics;
import ai.galaxyco.phone.model.events.NumberAssignment;
import ai.galaxyco.phone.model.events.ProvisioningResult;
import ai.galaxyco.phone.model.events.WorkspaceLifecycleEvent;
import ai.galaxyco.phone.model.events.WorkspaceLifecycleEvent.Kind;
import ai.galaxyco.phone.model.values.Plan;
import ai.galaxyco.phone.model.values.WorkspaceId;
import ai.galaxyco.phone.provisioning.domain.PhoneNumberRecord;
import ai.galaxyco.phone.provisioning.domain.ProvisioningAttempt;
import ai.galaxyco.phone.provisioning.domain.ProvisioningWorker;
import ai.galaxyco.phone.provisioning.domain.Reconciler;
import ai.galaxyco.phone.provisioning.domain.Workspace;
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
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

@QuarkusTest
@QuarkusTestResource(KafkaKRaftResource.class)
@QuarkusTestResource(PostgresResource.class)
@QuarkusTestResource(SandboxResource.class)
@QuarkusTestResource(JwtResource.class)
class ProvisioningFlowTest {

    /** The management interface's /q/ (with the slash): health, metrics and OpenAPI live there, not on the public port. */
    @io.quarkus.test.common.http.TestHTTPResource(value = "", management = true)
    java.net.URL operations;

    static final Duration WAIT = Duration.ofSeconds(45);
    static TopicProbe assignments;
    static TopicProbe results;

    @Inject
    Reconciler reconciler;

    @Inject
    ProvisioningWorker worker;

    @BeforeAll
    static void probes() {
        assignments = TopicProbe.of(Topics.NUMBER_ASSIGNMENTS);
        results = TopicProbe.of(Topics.PROVISIONING_RESULTS);
    }

    @AfterAll
    static void close() {
        assignments.close();
        results.close();
    }

    /** The FriendlyName this deployment (public URL https://phone.galaxyco.test) gives a workspace's number. */
    static String tag(String org) {
        return "galaxyco:phone.galaxyco.test:" + org;
    }

    static String newOrg() {
        return "org_" + UUID.randomUUID().toString().replace("-", "").substring(0, 20);
    }

    static void lifecycle(String eventId, String org, Kind kind, Plan plan, long version) {
        lifecycle(eventId, org, kind, plan, version, "646");
    }

    static void lifecycle(String eventId, String org, Kind kind, Plan plan, long version, String areaCode) {
        var event = new WorkspaceLifecycleEvent(WorkspaceId.of(org), kind, plan, areaCode, "Acme", version, "test", Instant.now());
        TopicProbe.publish(Topics.WORKSPACE_LIFECYCLE, org, event, eventId);
    }

    static List<JsonNode> ownedBy(String org) {
        return SandboxControl.ownedNumbers().stream()
                .filter(n -> tag(org).equals(n.path("friendly_name").asText())).toList();
    }

    static long purchaseAttempts(String org) {
        return QuarkusTransaction.requiringNew().call(() -> ProvisioningAttempt.count("workspaceId = ?1 and kind = 'PURCHASE'", org));
    }

    static Workspace workspace(String org) {
        return QuarkusTransaction.requiringNew().call(() -> Workspace.findById(org));
    }

    static List<ConsumerRecord<String, String>> resultsFor(String org, ProvisioningResult.Status status) {
        return results.records(r -> org.equals(r.key())).stream()
                .filter(r -> EventJson.read(r.value(), ProvisioningResult.class).status() == status).toList();
    }

    @Test
    void proWorkspaceGetsOneTaggedNumberEvenWhenTheEventArrivesThreeTimes() {
        String org = newOrg();
        lifecycle("clerk:msg_a_" + org, org, Kind.CREATED, Plan.PRO, 100);
        lifecycle("clerk:msg_a_" + org, org, Kind.CREATED, Plan.PRO, 100); // Svix redelivery, same id
        lifecycle("clerk:msg_b_" + org, org, Kind.UPDATED, Plan.PRO, 100); // replay with another id

        await().atMost(WAIT).until(() -> workspace(org) != null && workspace(org).status == Workspace.Status.ACTIVE);
        List<JsonNode> owned = ownedBy(org);
        assertEquals(1, owned.size(), "exactly one number bought");
        JsonNode number = owned.get(0);
        assertTrue(number.path("phone_number").asText().startsWith("+1646"), "preferred area code first");
        assertEquals("https://phone.galaxyco.test/api/webhooks/signalwire/sms", number.path("sms_url").asText());
        assertEquals("https://phone.galaxyco.test/api/webhooks/signalwire/voice", number.path("voice_url").asText());
        assertEquals("https://phone.galaxyco.test/api/webhooks/signalwire/status", number.path("status_callback").asText());
        assertEquals("POST", number.path("sms_method").asText());
        assertEquals("https://phone.galaxyco.test/api/webhooks/signalwire/fallback/sms", number.path("sms_fallback_url").asText());
        assertEquals("https://phone.galaxyco.test/api/webhooks/signalwire/fallback/voice", number.path("voice_fallback_url").asText());

        String e164 = number.path("phone_number").asText();
        var assignment = await().atMost(WAIT).until(() -> assignments.records(r -> e164.equals(r.key())), l -> !l.isEmpty()).get(0);
        NumberAssignment a = EventJson.read(assignment.value(), NumberAssignment.class);
        assertEquals(org, a.workspaceId().value());
        assertEquals(number.path("sid").asText(), a.providerSid());
        await().atMost(WAIT).until(() -> resultsFor(org, ProvisioningResult.Status.ACTIVE).size() == 1);

        // nothing more is bought later, whatever the worker does: judged after a whole pass of the worker that began once
        // the upgrade was applied (anything the upgrade made due, it claims, records as an attempt and buys)
        long attemptsBefore = purchaseAttempts(org);
        lifecycle("clerk:msg_c_" + org, org, Kind.UPDATED, Plan.ENTERPRISE, 200);
        await().atMost(WAIT).until(() -> workspace(org).plan == Plan.ENTERPRISE);
        worker.runDue();
        assertEquals(attemptsBefore, purchaseAttempts(org), "no purchase attempted after the upgrade");
        assertEquals(1, ownedBy(org).size());
    }

    @Test
    void starterWorkspaceSharesThePlatformNumberAndBuysNothing() {
        String org = newOrg();
        lifecycle("clerk:s_" + org, org, Kind.CREATED, Plan.STARTER, 1);
        String key = "+14056940235#" + org;
        var record = await().atMost(WAIT).until(() -> assignments.records(r -> key.equals(r.key())), l -> !l.isEmpty()).get(0);
        assertTrue(EventJson.read(record.value(), NumberAssignment.class).shared());
        assertEquals(Workspace.Status.SHARED, workspace(org).status);
        assertEquals(0, ownedBy(org).size());
        assertEquals(0, SandboxControl.requests("POST", "/IncomingPhoneNumbers").stream()
                .filter(r -> r.path("form").path("FriendlyName").path(0).asText().equals(tag(org))).count());
    }

    @Test
    void downgradeReleasesTheNumberAndFallsBackToTheSharedNumber() {
        String org = newOrg();
        lifecycle("clerk:d1_" + org, org, Kind.CREATED, Plan.PRO, 1);
        await().atMost(WAIT).until(() -> workspace(org) != null && workspace(org).status == Workspace.Status.ACTIVE);
        String e164 = ownedBy(org).get(0).path("phone_number").asText();

        lifecycle("clerk:d2_" + org, org, Kind.UPDATED, Plan.STARTER, 2);
        await().atMost(WAIT).until(() -> ownedBy(org).isEmpty()); // grace period is 0 in tests
        await().atMost(WAIT).until(() -> assignments.records(r -> e164.equals(r.key()) && r.value() == null).size() == 1);
        await().atMost(WAIT).until(() -> assignments.records(r -> ("+14056940235#" + org).equals(r.key())).size() == 1);
        await().atMost(WAIT).until(() -> resultsFor(org, ProvisioningResult.Status.RELEASED).size() == 1);
        assertEquals(Workspace.Status.SHARED, workspace(org).status);
    }

    @Test
    void deletionReleasesTheNumberAndLaterEventsChangeNothing() {
        String org = newOrg();
        lifecycle("clerk:x1_" + org, org, Kind.CREATED, Plan.ENTERPRISE, 1);
        await().atMost(WAIT).until(() -> workspace(org) != null && workspace(org).status == Workspace.Status.ACTIVE);
        lifecycle("clerk:x2_" + org, org, Kind.DELETED, null, 2);
        await().atMost(WAIT).until(() -> ownedBy(org).isEmpty());
        lifecycle("clerk:x3_" + org, org, Kind.UPDATED, Plan.PRO, 3); // late update after deletion
        await().atMost(WAIT).until(() -> resultsFor(org, ProvisioningResult.Status.REMOVED).size() == 1);
        ProcessedEvents.awaitConsumed(WAIT, "clerk:x3_" + org); // the late update was read ...
        assertEquals(Workspace.Status.REMOVED, workspace(org).status); // ... and changed nothing
        assertEquals(Plan.ENTERPRISE, workspace(org).plan);
        assertTrue(ownedBy(org).isEmpty());
    }

    @Test
    void staleUpdateIsIgnored() {
        String org = newOrg();
        lifecycle("clerk:t1_" + org, org, Kind.CREATED, Plan.PRO, 200);
        lifecycle("clerk:t2_" + org, org, Kind.UPDATED, Plan.STARTER, 100); // older updated_at, arrives later
        lifecycle("clerk:t3_" + org, org, Kind.UPDATED, Plan.PRO, 300);
        ProcessedEvents.awaitConsumed(WAIT, "clerk:t1_" + org, "clerk:t2_" + org, "clerk:t3_" + org);
        await().atMost(WAIT).until(() -> workspace(org) != null && workspace(org).lifecycleVersion == 300
                && workspace(org).status == Workspace.Status.ACTIVE);
        // results leave through the outbox in order: once the purchase's ACTIVE is out, a SHARED before it would be too
        await().atMost(WAIT).until(() -> !resultsFor(org, ProvisioningResult.Status.ACTIVE).isEmpty());
        assertEquals(Plan.PRO, workspace(org).plan);
        assertEquals(1, ownedBy(org).size());
        assertTrue(resultsFor(org, ProvisioningResult.Status.SHARED).isEmpty(), "the stale downgrade never applied");
    }

    @Test
    void failedPurchaseIsRetriedAndVisible() {
        String org = newOrg();
        // the failures are this workspace's only: no other purchase of the module's tests searches area code 628
        SandboxControl.failNext("/AvailablePhoneNumbers", "AreaCode", "628", 2, 500, 20500);
        lifecycle("clerk:f_" + org, org, Kind.CREATED, Plan.PRO, 1, "628");
        await().atMost(WAIT).until(() -> workspace(org) != null && workspace(org).status == Workspace.Status.ACTIVE);
        await().atMost(WAIT).until(() -> resultsFor(org, ProvisioningResult.Status.FAILED).size() >= 1); // failures are published
        assertTrue(workspace(org).attempts >= 2);
        given().auth().oauth2(TestTokens.forWorkspace(org)).get("/api/workspaces/" + org + "/numbers").then()
                .statusCode(200).body("status", equalTo("ACTIVE")).body("numbers.size()", equalTo(1))
                .body("recentAttempts.find { it.outcome == 'FAILED' }.errorCode", equalTo("20500"))
                // tenants never see the provider's text, which names our SignalWire project; operators do
                .body("recentAttempts.find { it.outcome == 'FAILED' }.errorMessage",
                        equalTo("SignalWire had an internal error; it will be tried again."));
        given().auth().oauth2(TestTokens.forService()).get("/api/workspaces/" + org + "/numbers").then().statusCode(200)
                .body("recentAttempts.find { it.outcome == 'FAILED' }.errorMessage", containsString("/Accounts/"));
    }

    @Test
    void releaseRefusedAsTooSoonIsRetriedNeverTreatedAsDone() {
        String org = newOrg();
        lifecycle("clerk:c1_" + org, org, Kind.CREATED, Plan.PRO, 1);
        await().atMost(WAIT).until(() -> workspace(org) != null && workspace(org).status == Workspace.Status.ACTIVE);
        SandboxControl.settings(Map.of("releaseCooldownSeconds", 3600));
        try {
            lifecycle("clerk:c2_" + org, org, Kind.DELETED, null, 2);
            await().atMost(WAIT).until(() -> QuarkusTransaction.requiringNew().call(() -> PhoneNumberRecord
                    .<PhoneNumberRecord>find("workspaceId", org).firstResult().lastError) != null);
            PhoneNumberRecord pending = QuarkusTransaction.requiringNew().call(() -> PhoneNumberRecord.<PhoneNumberRecord>find("workspaceId", org).firstResult());
            assertTrue(pending.lastError.contains("too recently"), pending.lastError);
            assertEquals(1, ownedBy(org).size(), "still owned and still ours to release");
            assertNull(pending.releasedAt);
        } finally {
            SandboxControl.settings(Map.of("releaseCooldownSeconds", 0));
        }
        await().atMost(WAIT).until(() -> ownedBy(org).isEmpty());
    }

    @Test
    void reconciliationAdoptsANumberBoughtButNotRecordedAndReleasesOrphans() {
        String org = newOrg();
        String stranger = newOrg();
        // the state a crash between purchase and commit leaves: a claimed purchase and a tagged number
        QuarkusTransaction.requiringNew().run(() -> {
            Workspace w = new Workspace();
            w.id = org;
            w.plan = Plan.PRO;
            w.status = Workspace.Status.PROVISIONING;
            w.lifecycleVersion = 1;
            w.createdAt = Instant.now();
            w.updatedAt = Instant.now();
            w.persist();
            ai.galaxyco.phone.provisioning.domain.NumberSlot slot = new ai.galaxyco.phone.provisioning.domain.NumberSlot();
            slot.workspaceId = org;
            slot.label = "Main";
            slot.status = ai.galaxyco.phone.provisioning.domain.NumberSlot.Status.PROVISIONING;
            slot.leaseToken = "the crashed job";
            slot.nextAttemptAt = Instant.now().plus(Duration.ofHours(1));
            slot.createdAt = Instant.now();
            slot.updatedAt = Instant.now();
            slot.persist();
        });
        SandboxControl.addNumber("+13125550177", tag(org));
        SandboxControl.addNumber("+13125550178", tag(stranger));

        Reconciler.Report report = reconciler.reconcile();
        assertEquals("APPLIED", report.outcome());
        assertEquals(1, report.adopted());
        assertEquals(1, report.orphansQuarantined());
        assertEquals(Workspace.Status.ACTIVE, workspace(org).status);
        assertEquals(1, ownedBy(org).size());
        await().atMost(WAIT).until(() -> !assignments.records(r -> "+13125550177".equals(r.key())).isEmpty());
        // the orphan is quarantined, not released: still owned, visible to operators, released after the grace period
        assertEquals(1, ownedBy(stranger).size());
        PhoneNumberRecord orphan = QuarkusTransaction.requiringNew().call(() -> PhoneNumberRecord
                .<PhoneNumberRecord>find("workspaceId", stranger).firstResult());
        assertEquals(PhoneNumberRecord.Status.ORPHANED, orphan.status);
        assertTrue(orphan.releaseAfter.isAfter(Instant.now().plus(Duration.ofDays(2))), "kept for ORPHAN_GRACE (P3D)");
        given().auth().oauth2(TestTokens.forService()).get("/api/admin/numbers/orphaned").then().statusCode(200)
                .body("items.find { it.phoneNumber == '+13125550178' }.workspaceId", equalTo(stranger));
        given().auth().oauth2(TestTokens.forWorkspace(stranger)).get("/api/admin/numbers/orphaned").then().statusCode(403);
        Reconciler.Report second = reconciler.reconcile();
        assertEquals(0, second.adopted() + second.orphansQuarantined() + second.rereleased() + second.missingAtProvider(), "a second pass finds nothing");

        // the orphan's workspace turns up (Pro): it gets the quarantined number, nothing is bought
        lifecycle("clerk:late_" + stranger, stranger, Kind.CREATED, Plan.PRO, 1);
        await().atMost(WAIT).until(() -> workspace(stranger) != null && workspace(stranger).status == Workspace.Status.ACTIVE);
        assertEquals(1, ownedBy(stranger).size());
        assertEquals(0, SandboxControl.requests("POST", "/IncomingPhoneNumbers").stream()
                .filter(r -> r.path("form").path("FriendlyName").path(0).asText().equals(tag(stranger))).count());
    }

    @Test
    void numbersApiIsWorkspaceScoped() {
        String org = newOrg();
        lifecycle("clerk:j_" + org, org, Kind.CREATED, Plan.STARTER, 1);
        await().atMost(WAIT).until(() -> workspace(org) != null);
        given().get("/api/workspaces/" + org + "/numbers").then().statusCode(401);
        given().auth().oauth2(TestTokens.forWorkspace("org_someone_else")).get("/api/workspaces/" + org + "/numbers")
                .then().statusCode(403);
        given().auth().oauth2(TestTokens.expiredForWorkspace(org)).get("/api/workspaces/" + org + "/numbers").then().statusCode(401);
        given().auth().oauth2(TestTokens.unsigned(org)).get("/api/workspaces/" + org + "/numbers").then().statusCode(401);
        given().auth().oauth2(TestTokens.forWorkspaceV2(org)).get("/api/workspaces/" + org + "/numbers").then()
                .statusCode(200).body("status", equalTo("SHARED"));
        given().auth().oauth2(TestTokens.forService()).get("/api/workspaces/" + org + "/numbers").then().statusCode(200);
    }

    @Test
    void everyWorkspaceEndpointRefusesOtherCallers() {
        String org = newOrg();
        assertEquals(List.of(), ai.galaxyco.phone.testsupport.Tenancy.refusalsOf("GET", "/api/workspaces/" + org + "/numbers", org));
        assertEquals(List.of(), ai.galaxyco.phone.testsupport.Tenancy.adminRefusalsOf("POST", "/api/workspaces/" + org + "/numbers/retry", org));
    }

    @Test
    void operatorEndpointsAdmitOnlyServiceTokensForThisService() {
        for (String[] endpoint : new String[][] {{"GET", "/api/admin/reconciliation"},
                {"POST", "/api/admin/reconciliation/no-such-pass/confirm"}, {"GET", "/api/admin/numbers/orphaned"},
                {"GET", "/api/admin/workspaces"}, {"GET", "/api/admin/audit"},
                {"GET", "/api/admin/dead-letters"}, {"POST", "/api/admin/dead-letters/no-such-topic/replay"}}) {
            assertEquals(List.of(), ai.galaxyco.phone.testsupport.Tenancy.serviceRoleRefusalsOf(endpoint[0], endpoint[1],
                    "provisioning-service"));
        }
    }

    @Test
    void healthReadyReflectsKafkaAndDatabase() {
        // the checks that make it UP, by name: an empty list of checks would be UP too
        given().get(operations + "health/ready").then().statusCode(200).body("status", equalTo("UP"))
                .body("checks.name", org.hamcrest.Matchers.hasItems("Database connections health check",
                        "Kafka connection health check"))
                .body("checks.status", org.hamcrest.Matchers.everyItem(equalTo("UP")));
        given().get(operations + "metrics").then().statusCode(200);
    }
}
