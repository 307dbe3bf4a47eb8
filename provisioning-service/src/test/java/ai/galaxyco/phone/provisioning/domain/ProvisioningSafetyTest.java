package ai.galaxyco.phone.provisioning.domain;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.galaxyco.phone.kit.messaging.Retention;
import ai.galaxyco.phone.model.Topics;
import ai.galaxyco.phone.model.events.WorkspaceLifecycleEvent;
import ai.galaxyco.phone.model.events.WorkspaceLifecycleEvent.Kind;
import ai.galaxyco.phone.model.values.Plan;
import ai.galaxyco.phone.model.values.WorkspaceId;
import ai.galaxyco.phone.provisioning.config.ProvisioningConfig;
import ai.galaxyco.phone.provisioning.signalwire.NumbersApi;
import ai.galaxyco.phone.testsupport.JwtResource;
import ai.galaxyco.phone.testsupport.KafkaKRaftResource;
import ai.galaxyco.phone.testsupport.PostgresResource;
import ai.galaxyco.phone.testsupport.SandboxControl;
import ai.galaxyco.phone.testsupport.SandboxResource;
import ai.galaxyco.phone.testsupport.TestTokens;
import ai.galaxyco.phone.testsupport.TopicProbe;
import com.fasterxml.jackson.databind.JsonNode;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * Issue 9's defects, each as the scenario that cost customers their numbers or bought numbers twice: real broker,
 * real PostgreSQL, the sandbox with fault injection.
 */
@QuarkusTest
@QuarkusTestResource(KafkaKRaftResource.class)
@QuarkusTestResource(PostgresResource.class)
@QuarkusTestResource(SandboxResource.class)
@QuarkusTestResource(JwtResource.class)
class ProvisioningSafetyTest {

    static final Duration WAIT = Duration.ofSeconds(60);
    static final String DEPLOYMENT = "phone.galaxyco.test";

    @Inject
    Reconciler reconciler;
    @Inject
    ProvisioningWorker worker;
    @Inject
    NumbersApi numbersApi;
    @Inject
    LifecycleService lifecycleService;
    @Inject
    AssignmentEvents assignmentEvents;
    @Inject
    ProvisioningConfig config;
    @Inject
    EntityManager em;
    @Inject
    Clock clock;
    @Inject
    MeterRegistry registry;
    @Inject
    NumberTags tags;

    @Inject
    ai.galaxyco.phone.provisioning.signalwire.RegistryApi registryApi;

    static String newOrg() {
        return "org_" + UUID.randomUUID().toString().replace("-", "").substring(0, 20);
    }

    static String tag(String org) {
        return "galaxyco:" + DEPLOYMENT + ":" + org;
    }

    static void lifecycle(String org, Kind kind, Plan plan, long version, String origin) {
        var event = new WorkspaceLifecycleEvent(WorkspaceId.of(org), kind, plan, null, "Acme", version, origin, Instant.now());
        TopicProbe.publish(Topics.WORKSPACE_LIFECYCLE, org, event, "clerk:" + UUID.randomUUID());
    }

    static Workspace workspace(String org) {
        return QuarkusTransaction.requiringNew().call(() -> Workspace.findById(org));
    }

    static boolean active(String org) {
        Workspace w = workspace(org);
        return w != null && w.status == Workspace.Status.ACTIVE;
    }

    static List<JsonNode> ownedBy(String org) {
        return SandboxControl.ownedNumbers().stream().filter(n -> n.path("friendly_name").asText().endsWith(":" + org)).toList();
    }

    static long purchasesFor(String org) {
        return SandboxControl.requests("POST", "/IncomingPhoneNumbers").stream()
                .filter(r -> r.path("form").path("FriendlyName").path(0).asText().equals(tag(org))).count();
    }

    /**
     * A Pro workspace row and its Main slot as the lifecycle would leave them, the slot's next attempt
     * {@code nextAttemptIn} away; persisted. Returns the slot's id.
     */
    static long proWorkspace(String org, Workspace.Status status, String leaseToken, Duration nextAttemptIn) {
        Workspace w = new Workspace();
        w.id = org;
        w.plan = Plan.PRO;
        w.status = status;
        w.lifecycleVersion = 1;
        w.createdAt = Instant.now();
        w.updatedAt = Instant.now();
        w.persist();
        NumberSlot slot = new NumberSlot();
        slot.workspaceId = org;
        slot.label = "Main";
        slot.status = status == Workspace.Status.FAILED ? NumberSlot.Status.FAILED : NumberSlot.Status.PROVISIONING;
        slot.leaseToken = leaseToken;
        slot.nextAttemptAt = Instant.now().plus(nextAttemptIn);
        slot.createdAt = Instant.now();
        slot.updatedAt = Instant.now();
        slot.persistAndFlush();
        return slot.id;
    }

    static String randomNumber() {
        return ai.galaxyco.phone.testsupport.TestNumbers.next("+13122", 6);
    }

    // ------------------------------------------------------------------------ 1: deployments and orphans

    @Test
    void aPassOverAThousandNumbersOfAnotherDeploymentTouchesNothing() {
        Map<String, String> foreign = new java.util.LinkedHashMap<>();
        for (int i = 0; i < 999; i++) {
            foreign.put("+1917" + String.format("%07d", 1000000 + i), "galaxyco:staging.galaxyco.ai:org_prod_customer_" + i);
        }
        SandboxControl.addNumbers(foreign);
        String legacy = "+19175550999";
        SandboxControl.addNumber(legacy, "galaxyco:org_legacy_" + UUID.randomUUID().toString().substring(0, 8));
        try {
            Reconciler.Report report = reconciler.reconcile();
            assertEquals("APPLIED", report.outcome());
            assertTrue(report.othersUntouched() >= 999, report.toString());
            List<String> recorded = QuarkusTransaction.requiringNew().call(() -> em.createNativeQuery(
                    "select e164 from phone_number where e164 like '+1917%'").getResultList());
            assertEquals(List.of(), recorded, "nothing recorded, quarantined or released");
            assertEquals(1000, SandboxControl.ownedNumbers().stream().filter(n -> n.path("phone_number").asText().startsWith("+1917"))
                    .count());
            assertEquals(0, SandboxControl.requests("DELETE", "/IncomingPhoneNumbers").stream()
                    .filter(r -> r.path("path").asText().contains("+1917")).count());
        } finally {
            SandboxControl.removeNumbers(new ArrayList<>(foreign.keySet()));
            SandboxControl.removeNumber(legacy);
        }
    }

    @Test
    void theSafetyBrakeRefusesAPassThatWouldQuarantineTooManyUntilAnOperatorConfirms() {
        List<String> orphans = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            String e164 = ai.galaxyco.phone.testsupport.TestNumbers.next("+1646777", 4);
            orphans.add(e164);
            SandboxControl.addNumber(e164, tag(newOrg()));
        }
        double refusedBefore = registry.find("provisioning.reconcile.refused").counters().stream().mapToDouble(c -> c.count()).sum();
        Reconciler.Report refused = reconciler.reconcile();
        try {
            assertEquals("REFUSED", refused.outcome());
            assertEquals(7, planned(refused.passId(), "QUARANTINE", numbersAmong(orphans)), "the plan is reported");
            assertEquals(0L, orphanRows(orphans), "nothing changed");
            assertEquals("REFUSED", reconciler.reconcile().outcome(), "stays refused until confirmed");
            assertEquals(refusedBefore + 2, registry.find("provisioning.reconcile.refused").counters().stream()
                    .mapToDouble(c -> c.count()).sum());
            given().auth().oauth2(TestTokens.forService()).get("/api/admin/reconciliation").then().statusCode(200);
            given().auth().oauth2(TestTokens.forWorkspace("org_x")).post("/api/admin/reconciliation/" + refused.passId() + "/confirm")
                    .then().statusCode(403);
        } finally {
            String outcome = given().auth().oauth2(TestTokens.forService())
                    .post("/api/admin/reconciliation/" + refused.passId() + "/confirm").then().statusCode(200)
                    .extract().path("outcome");
            assertEquals("APPLIED", outcome);
        }
        assertEquals(7L, orphanRows(orphans), "quarantined after confirmation");
        // the operator's confirmation is in the audit trail, with who did it
        given().auth().oauth2(TestTokens.forService()).queryParam("limit", 200).get("/api/admin/audit").then().statusCode(200)
                .body("items.find { it.subject == '" + refused.passId() + "' }.action", org.hamcrest.Matchers.equalTo("reconciliation.confirm"))
                .body("items.find { it.subject == '" + refused.passId() + "' }.actor", org.hamcrest.Matchers.equalTo("test-service"))
                .body("items.find { it.subject == '" + refused.passId() + "' }.actorRole", org.hamcrest.Matchers.equalTo("service"))
                .body("items.find { it.subject == '" + refused.passId() + "' }.after.outcome", org.hamcrest.Matchers.equalTo("APPLIED"));
        assertEquals(7, SandboxControl.ownedNumbers().stream().filter(n -> orphans.contains(n.path("phone_number").asText())).count(),
                "quarantined, not released");
        given().auth().oauth2(TestTokens.forService()).post("/api/admin/reconciliation/" + refused.passId() + "/confirm")
                .then().statusCode(404);
    }

    /**
     * Issue 33: a confirmation lets through the plan that was confirmed, not whatever the next pass finds. A pass
     * refused for seven quarantines is confirmed after an eighth orphan appeared: the fresh pass differs, so it is
     * refused again and changes nothing; the later refused pass stays unconfirmed until it is confirmed itself.
     */
    @Test
    void aConfirmationAppliesOnlyThePlanItConfirmed() {
        List<String> orphans = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            String e164 = ai.galaxyco.phone.testsupport.TestNumbers.next("+1646778", 4);
            orphans.add(e164);
            SandboxControl.addNumber(e164, tag(newOrg()));
        }
        Reconciler.Report reviewed = reconciler.reconcile();
        assertEquals("REFUSED", reviewed.outcome());
        String unreviewed = ai.galaxyco.phone.testsupport.TestNumbers.next("+1646778", 4);
        orphans.add(unreviewed);
        SandboxControl.addNumber(unreviewed, tag(newOrg()));
        Reconciler.Report later = reconciler.reconcile();
        assertEquals("REFUSED", later.outcome());
        assertEquals(8, planned(later.passId(), "QUARANTINE", numbersAmong(orphans)));

        var answer = given().auth().oauth2(TestTokens.forService()).post("/api/admin/reconciliation/" + reviewed.passId() + "/confirm")
                .then().statusCode(200).extract();
        assertEquals("REFUSED", answer.path("outcome"), "the fresh pass plans a quarantine the confirmed one did not list");
        String reason = QuarkusTransaction.requiringNew().call(() -> ReconciliationPass.<ReconciliationPass>findById(
                answer.<String>path("passId")).reason);
        assertTrue(reason.startsWith("the plan differs from confirmed pass " + reviewed.passId()), reason);
        assertTrue(reason.contains(unreviewed), reason);
        assertEquals(0L, orphanRows(orphans), "nothing changed");
        assertEquals(null, QuarkusTransaction.requiringNew().call(() -> ReconciliationPass.<ReconciliationPass>findById(
                later.passId()).confirmedAt), "confirming the older pass confirms that pass only");

        String outcome = given().auth().oauth2(TestTokens.forService()).post("/api/admin/reconciliation/" + later.passId() + "/confirm")
                .then().statusCode(200).extract().path("outcome");
        assertEquals("APPLIED", outcome);
        assertEquals(8L, orphanRows(orphans), "quarantined once the plan that lists all eight was confirmed");
        // the refusal the first confirmation produced listed nothing beyond what was confirmed now: answered by it too
        assertEquals(java.util.Optional.empty(), QuarkusTransaction.requiringNew().call(ReconciliationPass::unconfirmedRefusal));
    }

    /**
     * The changes of one kind a pass planned that concern this test (its stored plan, one line per change): the
     * module's other tests leave numbers at the sandbox too, so a pass's totals are no measure of one test's numbers.
     */
    static long planned(String passId, String kind, java.util.function.Predicate<String> ours) {
        String plan = QuarkusTransaction.requiringNew().call(() -> ReconciliationPass.<ReconciliationPass>findById(passId).plan);
        return plan == null ? 0 : plan.lines().filter(line -> line.startsWith(kind + " ") && ours.test(line)).count();
    }

    static java.util.function.Predicate<String> numbersAmong(List<String> e164s) {
        return line -> e164s.stream().anyMatch(e164 -> line.contains(" " + e164 + " "));
    }

    private long orphanRows(List<String> e164s) {
        return QuarkusTransaction.requiringNew().call(() -> ((Number) em.createNativeQuery(
                "select count(*) from phone_number where status = 'ORPHANED' and e164 in (:n)").setParameter("n", e164s)
                .getSingleResult()).longValue());
    }

    @Test
    void reportModeOnlyPlans() {
        String e164 = randomNumber();
        SandboxControl.addNumber(e164, tag(newOrg()));
        Reconciler.Report dryRun = reconciler.reconcile(Reconciler.Mode.REPORT);
        assertEquals("REPORTED", dryRun.outcome());
        assertEquals(1, planned(dryRun.passId(), "QUARANTINE", numbersAmong(List.of(e164))));
        assertEquals(0L, orphanRows(List.of(e164)));
        assertEquals(1, planned(reconciler.reconcile().passId(), "QUARANTINE", numbersAmong(List.of(e164))));
        assertEquals(1L, orphanRows(List.of(e164)));
    }

    // ------------------------------------------------------------------------ 2: missing at SignalWire

    @Test
    void aNumberIsGivenUpAsMissingOnlyAfterTwoListingsAndNeverIfBoughtDuringOne() {
        String org = newOrg();
        lifecycle(org, Kind.CREATED, Plan.PRO, 1, "clerk:organization.created");
        await().atMost(WAIT).until(() -> active(org));
        String e164 = ownedBy(org).get(0).path("phone_number").asText();
        // a number recorded after the listing began (as a purchase committing mid-pass would be): never judged by it
        String late = newOrg();
        QuarkusTransaction.requiringNew().run(() -> {
            PhoneNumberRecord n = new PhoneNumberRecord();
            n.workspaceId = late;
            n.e164 = randomNumber();
            n.providerSid = "bought-during-the-listing-" + UUID.randomUUID();
            n.status = PhoneNumberRecord.Status.ACTIVE;
            n.purchasedAt = Instant.now().plus(Duration.ofHours(1));
            n.persist();
        });

        SandboxControl.removeNumber(e164); // released in the dashboard, say
        assertEquals(0, planned(reconciler.reconcile().passId(), "MISSING", line -> line.endsWith(" of " + org)),
                "one listing is not enough");
        assertEquals(Workspace.Status.ACTIVE, workspace(org).status);
        assertEquals(1, planned(reconciler.reconcile().passId(), "MISSING", line -> line.endsWith(" of " + org)), "two are");
        await().atMost(WAIT).until(() -> active(org) && !ownedBy(org).isEmpty()
                && !ownedBy(org).get(0).path("phone_number").asText().equals(e164));
        assertEquals(PhoneNumberRecord.Status.ACTIVE, QuarkusTransaction.requiringNew().call(() -> PhoneNumberRecord
                .<PhoneNumberRecord>find("workspaceId", late).firstResult().status));
    }

    // ------------------------------------------------------------------------ 3: plan sources

    @Test
    void anUpdateWithoutAPlanKeepsTheNumberAndBillingVersionsAreTheirOwnClock() {
        String org = newOrg();
        lifecycle(org, Kind.CREATED, Plan.PRO, 5_000, "clerk:organization.created");
        await().atMost(WAIT).until(() -> active(org));
        String number = ownedBy(org).get(0).path("phone_number").asText();
        lifecycle(org, Kind.UPDATED, null, 6_000, "clerk:organization.updated"); // renamed: no plan in the payload
        await().atMost(WAIT).until(() -> workspace(org).lifecycleVersion == 6_000);
        assertEquals(Workspace.Status.ACTIVE, workspace(org).status);
        assertEquals(Plan.PRO, workspace(org).plan);
        assertEquals(number, ownedBy(org).get(0).path("phone_number").asText());
        // Clerk Billing's subscription clock is not the organization's: an earlier timestamp there is not stale
        lifecycle(org, Kind.UPDATED, Plan.ENTERPRISE, 1_000, "clerk:subscriptionItem.active");
        await().atMost(WAIT).until(() -> workspace(org).plan == Plan.ENTERPRISE);
        assertEquals(1_000, workspace(org).billingVersion);
        lifecycle(org, Kind.UPDATED, Plan.STARTER, 900, "clerk:subscriptionItem.active"); // stale within its own clock
        lifecycle(org, Kind.UPDATED, null, 7_000, "clerk:organization.updated");
        await().atMost(WAIT).until(() -> workspace(org).lifecycleVersion == 7_000);
        assertEquals(Plan.ENTERPRISE, workspace(org).plan);
    }

    // ------------------------------------------------------------------------ 4: ambiguous purchases

    @Test
    void aPurchaseWhoseAnswerWasLostIsAdoptedNotBoughtAgain() {
        String org = newOrg();
        SandboxControl.loseAnswerOfNext("/IncomingPhoneNumbers", "FriendlyName", tag(org), 1, 500); // this purchase's only
        lifecycle(org, Kind.CREATED, Plan.PRO, 1, "clerk:organization.created");
        await().atMost(WAIT).until(() -> active(org));
        assertEquals(1, ownedBy(org).size(), "one number, not two");
        assertEquals(1, purchasesFor(org));
    }

    // ------------------------------------------------------------------------ 5: release versus re-upgrade

    @Test
    void aReleaseClaimedBeforeAReUpgradeGivesTheNumberBackInsteadOfReleasingIt() {
        String org = newOrg();
        String e164 = randomNumber();
        String sid = SandboxControl.addNumber(e164, tag(org)).path("sid").asText();
        // the state after: downgrade, grace over, release claimed (RELEASING) ... and then the re-upgrade arrived
        long[] ids = QuarkusTransaction.requiringNew().call(() -> {
            proWorkspace(org, Workspace.Status.PROVISIONING, null, Duration.ofHours(1));
            PhoneNumberRecord n = new PhoneNumberRecord();
            n.workspaceId = org;
            n.e164 = e164;
            n.providerSid = sid;
            n.status = PhoneNumberRecord.Status.RELEASING;
            n.purchasedAt = Instant.now().minus(Duration.ofDays(1));
            n.releaseAttempts = 1;
            n.persist();
            ProvisioningAttempt a = new ProvisioningAttempt();
            a.workspaceId = org;
            a.kind = "RELEASE";
            a.startedAt = Instant.now();
            a.persistAndFlush();
            return new long[] {n.id, a.id};
        });
        worker.release(new ProvisioningWorker.ReleaseClaim(ids[0], ids[1], sid, 1, null, null, null));
        assertEquals(1, ownedBy(org).size(), "not released at SignalWire");
        assertEquals(0, SandboxControl.requests("DELETE", sid).size());
        assertTrue(active(org));
        assertEquals(PhoneNumberRecord.Status.ACTIVE, QuarkusTransaction.requiringNew()
                .call(() -> PhoneNumberRecord.<PhoneNumberRecord>findById(ids[0]).status));
    }

    // ------------------------------------------------------------------------ 6: leases

    @Test
    void aJobWhoseClaimWasTakenOverDoesNotBuyAndRetryNeverStartsASecondPurchase() {
        String org = newOrg();
        long[] ids = QuarkusTransaction.requiringNew().call(() -> {
            // job B holds the claim now (job A's lease expired while it waited)
            long slot = proWorkspace(org, Workspace.Status.FAILED, "job-B", Duration.ofMinutes(5));
            ProvisioningAttempt a = new ProvisioningAttempt();
            a.workspaceId = org;
            a.kind = "PURCHASE";
            a.startedAt = Instant.now();
            a.persistAndFlush();
            return new long[] {slot, a.id};
        });
        long attempt = ids[1];
        given().auth().oauth2(TestTokens.forWorkspace(org)).post("/api/workspaces/" + org + "/numbers/retry").then().statusCode(409)
                .body("code", equalTo("purchase_in_flight")); // as POST .../phone-numbers answers it
        worker.purchase(new ProvisioningWorker.PurchaseClaim(ids[0], org, "Main", attempt, null, "job-A"));
        assertEquals(0, purchasesFor(org), "job A did not buy");
        assertEquals(0, ownedBy(org).size());
        assertEquals("SUPERSEDED", QuarkusTransaction.requiringNew()
                .call(() -> ProvisioningAttempt.<ProvisioningAttempt>findById(attempt).outcome));
    }

    @Inject
    AttemptRetention attemptRetention;
    @Inject
    Retention retention;

    @Test
    void oldFinishedAttemptsAreDeletedButEachWorkspaceKeepsItsNewestAndRunningOnes() {
        String busy = newOrg();
        String quiet = newOrg();
        Instant old = clock.instant().minus(config.attemptRetention()).minus(Duration.ofDays(1));
        QuarkusTransaction.requiringNew().run(() -> {
            attempt(busy, old, null); // the oldest row, still running (a crashed worker's): never deleted
            for (int i = 0; i < config.attemptsKept() + 5; i++) {
                attempt(busy, old.plusSeconds(i), "FAILED");
            }
            attempt(quiet, old, "SUCCEEDED");
            attempt(busy, clock.instant(), "SUCCEEDED");
        });
        retention.purge(attemptRetention);
        long busyLeft = QuarkusTransaction.requiringNew().call(() -> ProvisioningAttempt.count("workspaceId", busy));
        assertEquals(config.attemptsKept() + 1, busyLeft, "the newest " + config.attemptsKept() + " and the running one stay");
        assertEquals(1, QuarkusTransaction.requiringNew().call(() -> ProvisioningAttempt.count("workspaceId = ?1 and outcome is null", busy)));
        assertEquals(1, QuarkusTransaction.requiringNew().call(() -> ProvisioningAttempt.count("workspaceId", quiet)),
                "a workspace's only attempt stays however old");
    }

    static void attempt(String org, Instant finished, String outcome) {
        ProvisioningAttempt attempt = new ProvisioningAttempt();
        attempt.workspaceId = org;
        attempt.kind = "PURCHASE";
        attempt.startedAt = finished.minusSeconds(1);
        attempt.finishedAt = outcome == null ? null : finished;
        attempt.outcome = outcome;
        attempt.persist();
    }

    @Test
    void aDeploymentThatWantsReplicatedTopicsRefusesToRunOnSingleReplicaOnes() {
        String bootstrap = TopicProbe.bootstrapServers();
        IllegalStateException refused = org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class,
                () -> ai.galaxyco.phone.kit.messaging.TopicBootstrap.requireReplication(bootstrap, (short) 3));
        assertTrue(refused.getMessage().contains("workspace-lifecycle (1)"), refused.getMessage());
        assertTrue(refused.getMessage().contains("KAFKA_REPLICATION_FACTOR"), refused.getMessage());
        ai.galaxyco.phone.kit.messaging.TopicBootstrap.requireReplication(bootstrap, (short) 1); // what this broker has
    }

    @Test
    void twoInstancesAndTwoHundredWorkspacesWithSlowPurchasesBuyExactlyOneNumberEach() throws Exception {
        // a second instance's worker: same database, same sandbox, its own threads
        ProvisioningWorker second = new ProvisioningWorker(numbersApi, lifecycleService, assignmentEvents, config, em, clock,
                registry, tags, registryApi);
        AtomicBoolean running = new AtomicBoolean(true);
        Thread secondInstance = new Thread(() -> {
            while (running.get()) {
                if (second.runDue() == 0) {
                    try {
                        Thread.sleep(100);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }
        }, "second-provisioning-instance");
        SandboxControl.settings(Map.of("purchaseLatencyMs", 2000));
        List<String> orgs = new ArrayList<>();
        try {
            secondInstance.start();
            for (int i = 0; i < 200; i++) {
                String org = newOrg();
                orgs.add(org);
                lifecycle(org, Kind.CREATED, Plan.PRO, 1, "clerk:organization.created");
            }
            await().atMost(Duration.ofMinutes(4)).pollInterval(Duration.ofSeconds(1)).until(() -> QuarkusTransaction.requiringNew()
                    .call(() -> ((Number) em.createNativeQuery("select count(*) from workspace where id in (:ids) and status = 'ACTIVE'")
                            .setParameter("ids", orgs).getSingleResult()).intValue()) == 200);
        } finally {
            running.set(false);
            secondInstance.join(30_000);
            SandboxControl.settings(Map.of("purchaseLatencyMs", 0));
        }
        Map<String, Integer> perWorkspace = new HashMap<>();
        SandboxControl.ownedNumbers().forEach(n -> {
            String name = n.path("friendly_name").asText();
            String workspace = name.substring(name.lastIndexOf(':') + 1);
            if (orgs.contains(workspace)) {
                perWorkspace.merge(workspace, 1, Integer::sum);
            }
        });
        assertEquals(200, perWorkspace.size(), "every workspace has a number");
        assertEquals(0, perWorkspace.values().stream().filter(c -> c > 1).count(), "no workspace has two");
        long unwanted = QuarkusTransaction.requiringNew().call(() -> ((Number) em.createNativeQuery(
                "select count(*) from phone_number where workspace_id in (:ids) and status <> 'ACTIVE'")
                .setParameter("ids", orgs).getSingleResult()).longValue());
        assertEquals(0, unwanted, "no orphan or released extra number");
    }
}
