package ai.galaxyco.phone.provisioning;

import static ai.galaxyco.phone.provisioning.ProvisioningFlowTest.WAIT;
import static ai.galaxyco.phone.provisioning.ProvisioningFlowTest.newOrg;
import static ai.galaxyco.phone.provisioning.ProvisioningFlowTest.workspace;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.galaxyco.phone.model.EventJson;
import ai.galaxyco.phone.model.Topics;
import ai.galaxyco.phone.model.events.NumberAssignment;
import ai.galaxyco.phone.model.events.WorkspaceLifecycleEvent;
import ai.galaxyco.phone.model.events.WorkspaceLifecycleEvent.Kind;
import ai.galaxyco.phone.model.values.DestinationPolicy;
import ai.galaxyco.phone.model.values.PhoneNumber;
import ai.galaxyco.phone.model.values.Plan;
import ai.galaxyco.phone.model.values.WorkspaceId;
import ai.galaxyco.phone.provisioning.domain.Workspace;
import ai.galaxyco.phone.testsupport.OpenApiContract;
import ai.galaxyco.phone.testsupport.SandboxControl;
import ai.galaxyco.phone.testsupport.Tenancy;
import ai.galaxyco.phone.testsupport.TestTokens;
import ai.galaxyco.phone.testsupport.TopicProbe;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.ValidatableResponse;
import java.net.URL;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The public numbers API exactly as the front end reads it, and the committed OpenAPI document it is held to. */
@QuarkusTest
class PhoneNumbersApiTest {

    @TestHTTPResource(value = "", management = true)
    URL operations;

    static void created(String org, Plan plan, String areaCode) {
        var event = new WorkspaceLifecycleEvent(WorkspaceId.of(org), Kind.CREATED, plan, areaCode, "Acme", 1, "test", Instant.now());
        TopicProbe.publish(Topics.WORKSPACE_LIFECYCLE, org, event, "clerk:api_" + org);
    }

    static ValidatableResponse numbers(String org) {
        return given().auth().oauth2(TestTokens.forWorkspace(org)).get("/api/workspaces/" + org + "/phone-numbers").then();
    }

    static ValidatableResponse post(String org, Map<String, ?> body) {
        return given().auth().oauth2(TestTokens.forWorkspace(org)).contentType("application/json").body(body)
                .post("/api/workspaces/" + org + "/phone-numbers").then();
    }

    static ValidatableResponse patch(String org, String e164, String json) {
        return given().auth().oauth2(TestTokens.forWorkspace(org)).contentType("application/json").body(json)
                .patch("/api/workspaces/" + org + "/phone-numbers/" + e164).then();
    }

    @Test
    void theServedOpenApiDocumentIsTheCommittedOne() throws Exception {
        OpenApiContract.assertServedEqualsCommitted(operations);
    }

    /** Issue 33: U+0000 in any parameter or JSON body of any documented endpoint is a 400, never a 500. */
    @Test
    void aNulInAnyParameterOrBodyOfEveryDocumentedEndpointIsRefusedWith400() throws Exception {
        ai.galaxyco.phone.testsupport.NulProbe.assertRefusedByTheServiceUnderTest();
    }

    @Test
    void aStarterWorkspaceSeesTheSharedNumberAndCannotBuyOne() {
        String org = newOrg();
        created(org, Plan.STARTER, null);
        await().atMost(WAIT).until(() -> workspace(org) != null);
        numbers(org).statusCode(200).body("plan", equalTo("STARTER")).body("maxNumbers", equalTo(0))
                .body("nextCursor", nullValue()).body("items.size()", equalTo(1))
                .body("items[0].phoneNumber", equalTo("+14056940235")).body("items[0].dedicated", equalTo(false))
                .body("items[0].status", equalTo("ACTIVE")).body("items[0].label", equalTo("Main"))
                .body("items[0].inbox", equalTo("Main"));
        post(org, Map.of()).statusCode(403).contentType("application/problem+json").body("code", equalTo("plan_required"))
                .body("status", equalTo(403)).body("type", equalTo("urn:galaxyco:phone:problem:plan_required"));
    }

    @Test
    void operatorsListTheWorkspacesByStatus() {
        String org = newOrg();
        created(org, Plan.STARTER, null);
        await().atMost(WAIT).until(() -> workspace(org) != null && workspace(org).status == Workspace.Status.SHARED);
        // every page, following nextCursor, holds the new workspace exactly once
        List<String> ids = new java.util.ArrayList<>();
        String cursor = null;
        do {
            var page = given().auth().oauth2(TestTokens.forService()).queryParam("limit", 2)
                    .queryParam("cursor", cursor == null ? "" : cursor).get("/api/admin/workspaces").then().statusCode(200)
                    .extract().jsonPath();
            ids.addAll(page.getList("items.workspaceId"));
            cursor = page.getString("nextCursor");
        } while (cursor != null);
        assertEquals(1, ids.stream().filter(org::equals).count());
        given().auth().oauth2(TestTokens.forService()).queryParam("status", "shared").queryParam("limit", 200)
                .get("/api/admin/workspaces").then().statusCode(200)
                .body("items.find { it.workspaceId == '" + org + "' }.plan", equalTo("STARTER"))
                .body("items.find { it.workspaceId == '" + org + "' }.status", equalTo("SHARED"));
        given().auth().oauth2(TestTokens.forService()).queryParam("status", "FAILED").queryParam("limit", 200)
                .get("/api/admin/workspaces").then().statusCode(200)
                .body("items.findAll { it.workspaceId == '" + org + "' }.size()", equalTo(0));
        given().auth().oauth2(TestTokens.forService()).queryParam("status", "broken").get("/api/admin/workspaces").then()
                .statusCode(400).body("code", equalTo("invalid_request"));
        given().auth().oauth2(TestTokens.forWorkspace(org)).get("/api/admin/workspaces").then().statusCode(403);
    }

    @Test
    void aProWorkspaceSeesItsNumberRelabelsItAndForwardsItsCalls() {
        String org = newOrg();
        created(org, Plan.PRO, "646");
        await().atMost(WAIT).until(() -> workspace(org) != null && workspace(org).status == Workspace.Status.ACTIVE);
        String e164 = numbers(org).statusCode(200).body("plan", equalTo("PRO")).body("maxNumbers", equalTo(1))
                .body("items.size()", equalTo(1)).body("items[0].dedicated", equalTo(true))
                .body("items[0].status", equalTo("ACTIVE")).body("items[0].label", equalTo("Main"))
                .body("items[0].forwardTo", nullValue()).body("items[0].failureReason", nullValue())
                .body("items[0].phoneNumber", startsWith("+1646")).extract().path("items[0].phoneNumber");
        numbers(org).body("items[0].provisionedAt", startsWith("20"));

        // a second number is beyond the plan; the only number cannot be released
        post(org, Map.of("label", "Sales")).statusCode(409).body("code", equalTo("number_limit_reached"));
        post(org, Map.of("label", "Main")).statusCode(409).body("code", equalTo("label_taken"));
        given().auth().oauth2(TestTokens.forWorkspace(org)).delete("/api/workspaces/" + org + "/phone-numbers/" + e164).then()
                .statusCode(409).body("code", equalTo("last_number"));

        TopicProbe assignments = TopicProbe.of(Topics.NUMBER_ASSIGNMENTS);
        try {
            patch(org, e164, "{\"label\":\"support\",\"forwardTo\":\"+12125550100\"}").statusCode(200)
                    .body("label", equalTo("Support")).body("inbox", equalTo("Support")).body("forwardTo", equalTo("+12125550100"));
            // the assignment tells routing and the gateway: calls to the number are dialled on
            NumberAssignment changed = await().atMost(WAIT).until(() -> assignments.records(r -> e164.equals(r.key())).stream()
                    .map(r -> EventJson.read(r.value(), NumberAssignment.class))
                    .filter(a -> a.forwardTo() != null).toList(), l -> !l.isEmpty()).get(0);
            assertEquals("+12125550100", changed.forwardTo().e164());
            assertEquals("Support", changed.label());
            assertEquals(Plan.PRO, changed.plan(), "the owner's plan, which bounds its forwarded minutes at the gateway");
        } finally {
            assignments.close();
        }
        // the admin's change is in the workspace's audit trail with who made it and what it was before and after
        String audit = "/api/workspaces/" + org + "/audit";
        given().auth().oauth2(TestTokens.forWorkspace(org)).get(audit).then().statusCode(200)
                .body("items[0].action", equalTo("number.change")).body("items[0].subject", equalTo(e164))
                .body("items[0].actor", equalTo("user_test")).body("items[0].actorRole", equalTo("org:admin"))
                .body("items[0].before.label", equalTo("Main")).body("items[0].before.forwardTo", nullValue())
                .body("items[0].after.label", equalTo("Support")).body("items[0].after.forwardTo", equalTo("+12125550100"));
        // members may not read it
        given().auth().oauth2(TestTokens.forMember(org)).get(audit).then().statusCode(403).body("code", equalTo("admin_role_required"));
        patch(org, e164, "{\"forwardTo\":null}").statusCode(200).body("forwardTo", nullValue()).body("label", equalTo("Support"));
        numbers(org).body("items[0].label", equalTo("Support"));

        // the voicemail greeting: at most 500 characters, null brings back the default; it travels on the assignment
        TopicProbe greetings = TopicProbe.of(Topics.NUMBER_ASSIGNMENTS);
        try {
            patch(org, e164, "{\"voicemailGreeting\":\"  You have reached Support. Leave a message.  \"}").statusCode(200)
                    .body("voicemailGreeting", equalTo("You have reached Support. Leave a message.")).body("label", equalTo("Support"));
            NumberAssignment spoken = await().atMost(WAIT).until(() -> greetings.records(r -> e164.equals(r.key())).stream()
                    .map(r -> EventJson.read(r.value(), NumberAssignment.class))
                    .filter(a -> a.voicemailGreeting() != null).toList(), l -> !l.isEmpty()).get(0);
            assertEquals("You have reached Support. Leave a message.", spoken.voicemailGreeting());
        } finally {
            greetings.close();
        }
        numbers(org).body("items[0].voicemailGreeting", equalTo("You have reached Support. Leave a message."));
        patch(org, e164, "{\"voicemailGreeting\":\"" + "x".repeat(501) + "\"}").statusCode(400)
                .body("code", equalTo("invalid_voicemail_greeting"));
        patch(org, e164, "{\"voicemailGreeting\":42}").statusCode(400).body("code", equalTo("invalid_voicemail_greeting"));
        patch(org, e164, "{\"voicemailGreeting\":\"" + "x".repeat(500) + "\"}").statusCode(200);
        patch(org, e164, "{\"voicemailGreeting\":null}").statusCode(200).body("voicemailGreeting", nullValue());
        given().auth().oauth2(TestTokens.forMember(org)).contentType("application/json").body("{\"voicemailGreeting\":\"Hi\"}")
                .patch("/api/workspaces/" + org + "/phone-numbers/" + e164).then().statusCode(403)
                .body("code", equalTo("admin_role_required"));

        patch(org, e164, "{\"label\":\"Sales!\"}").statusCode(400).body("code", equalTo("invalid_label"));
        patch(org, e164, "{\"label\":\"" + "x".repeat(33) + "\"}").statusCode(400).body("code", equalTo("invalid_label"));
        patch(org, e164, "{\"forwardTo\":\"call me\"}").statusCode(400).body("code", equalTo("invalid_forward_to"));
        patch(org, e164, "{\"forwardTo\":\"" + e164 + "\"}").statusCode(400).body("code", equalTo("invalid_forward_to"));
        patch(org, e164, "{\"label\":").statusCode(400).contentType("application/problem+json").body("code", equalTo("malformed_json"));
        patch(org, "+12125550199", "{\"label\":\"Main\"}").statusCode(404).body("code", equalTo("not_found"));
    }

    @Test
    void callsAreForwardedOnlyOutsideThePlatformToAllowedCountriesAndOrdinaryNumbers() {
        String org = newOrg();
        String neighbour = newOrg();
        created(org, Plan.ENTERPRISE, "646");
        created(neighbour, Plan.PRO, "347");
        await().atMost(WAIT).until(() -> workspace(org) != null && workspace(org).status == Workspace.Status.ACTIVE);
        await().atMost(WAIT).until(() -> workspace(neighbour) != null && workspace(neighbour).status == Workspace.Status.ACTIVE);
        String main = numbers(org).extract().path("items[0].phoneNumber");
        String neighboursNumber = numbers(neighbour).extract().path("items[0].phoneNumber");
        post(org, Map.of("label", "Sales")).statusCode(202);
        await().atMost(WAIT).until(() -> "ACTIVE".equals(numbers(org).extract().path("items.find { it.label == 'Sales' }.status")));
        String sales = numbers(org).extract().path("items.find { it.label == 'Sales' }.phoneNumber");

        // two numbers of one workspace forwarding to each other would be a loop billed by the minute
        patch(org, main, "{\"forwardTo\":\"" + sales + "\"}").statusCode(422).body("code", equalTo("forward_loop"));
        patch(org, main, "{\"forwardTo\":\"" + neighboursNumber + "\"}").statusCode(422).body("code", equalTo("forward_loop"));
        patch(org, main, "{\"forwardTo\":\"+14056940235\"}").statusCode(422).body("code", equalTo("forward_loop")); // the shared number
        // the classification asserted, so that a metadata change cannot pass this silently
        assertEquals(com.google.i18n.phonenumbers.PhoneNumberUtil.PhoneNumberType.PREMIUM_RATE,
                DestinationPolicy.typeOf(PhoneNumber.parse("+19002345678")));
        patch(org, main, "{\"forwardTo\":\"+19002345678\"}").statusCode(422)
                .body("code", equalTo("destination_number_type_not_allowed"));
        assertEquals("GB", DestinationPolicy.regionOf(PhoneNumber.parse("+447400123456")));
        patch(org, main, "{\"forwardTo\":\"+447400123456\"}").statusCode(422).body("code", equalTo("destination_country_not_allowed"));
        patch(org, main, "{\"forwardTo\":\"+19995551234\"}").statusCode(400).body("code", equalTo("invalid_forward_to"));
        numbers(org).body("items.find { it.label == 'Main' }.forwardTo", nullValue()); // nothing refused was saved
        patch(org, main, "{\"forwardTo\":\"+16135550123\"}").statusCode(200).body("forwardTo", equalTo("+16135550123"));

        // an operator lets this workspace forward to Britain; its own admin cannot
        String admin = "/api/admin/workspaces/" + org + "/forwarding-destinations";
        given().auth().oauth2(TestTokens.forWorkspace(org)).contentType("application/json")
                .body(Map.of("allowedCountries", List.of("GB"))).put(admin).then().statusCode(403);
        given().auth().oauth2(TestTokens.forService()).contentType("application/json")
                .body(Map.of("allowedCountries", List.of("XX"))).put(admin).then().statusCode(400);
        given().auth().oauth2(TestTokens.forService()).contentType("application/json").body(Map.of()).put(admin).then().statusCode(400);
        TopicProbe assignments = TopicProbe.of(Topics.NUMBER_ASSIGNMENTS);
        try {
            given().auth().oauth2(TestTokens.forService()).contentType("application/json")
                    .body(Map.of("allowedCountries", List.of("US", "CA", "gb"))).put(admin).then().statusCode(200)
                    .body("allowedCountries", equalTo(List.of("CA", "GB", "US"))).body("overridden", equalTo(true));
            given().auth().oauth2(TestTokens.forMember(org)).get("/api/workspaces/" + org + "/forwarding-destinations").then()
                    .statusCode(200).body("overridden", equalTo(true));
            // the gateway learns it with the workspace's assignments
            await().atMost(WAIT).until(() -> assignments.records(r -> main.equals(r.key())).stream()
                    .map(r -> EventJson.read(r.value(), NumberAssignment.class))
                    .anyMatch(a -> List.of("CA", "GB", "US").equals(a.forwardingCountries())));
        } finally {
            assignments.close();
        }
        patch(org, main, "{\"forwardTo\":\"+447400123456\"}").statusCode(200).body("forwardTo", equalTo("+447400123456"));
        // a refused type stays refused in an allowed country
        patch(org, main, "{\"forwardTo\":\"+447640123456\"}").statusCode(422).body("code", equalTo("destination_number_type_not_allowed"));
        given().auth().oauth2(TestTokens.forService()).delete(admin).then().statusCode(200).body("overridden", equalTo(false))
                .body("allowedCountries", equalTo(List.of("CA", "US")));
        given().auth().oauth2(TestTokens.forService()).queryParam("workspaceId", org).get("/api/admin/audit").then().statusCode(200)
                .body("items[0].action", equalTo("destinations.reset")).body("items[1].action", equalTo("number.change"))
                .body("items[2].action", equalTo("destinations.override")).body("items[2].after.allowedCountries",
                        equalTo(List.of("CA", "GB", "US")));
    }

    @Test
    void addReleaseAddLoopsStopAtTheMonthlyPurchaseBudget() {
        String org = newOrg();
        created(org, Plan.ENTERPRISE, "646"); // its Main: this month's first purchase
        await().atMost(WAIT).until(() -> workspace(org) != null && workspace(org).status == Workspace.Status.ACTIVE);
        // what 17 earlier rounds of add and release left this month: numbers bought, then released
        seedNumbers(org, 17, ai.galaxyco.phone.provisioning.domain.PhoneNumberRecord.Status.RELEASED, Instant.now());
        // add, release (gone back to SignalWire, so the next add cannot reclaim it), add...: purchases 19 and 20 of the
        // default budget, 2 x ENTERPRISE_MAX_NUMBERS
        for (int round = 0; round < 2; round++) {
            post(org, Map.of("label", "Sales")).statusCode(202);
            await().atMost(WAIT).until(() -> "ACTIVE".equals(numbers(org).extract().path("items.find { it.label == 'Sales' }.status")));
            String sales = numbers(org).extract().path("items.find { it.label == 'Sales' }.phoneNumber");
            given().auth().oauth2(TestTokens.forWorkspace(org)).delete("/api/workspaces/" + org + "/phone-numbers/" + sales)
                    .then().statusCode(202);
            await().atMost(WAIT).until(() -> "RELEASED".equals(numbers(org).extract()
                    .path("items.find { it.phoneNumber == '" + sales + "' }.status")));
        }
        long bought = purchasesAtSignalWire(org);
        assertEquals(3, bought, "Main and two Sales: with the 17 seeded, this month's 20");
        String nextMonth = java.time.LocalDate.now(java.time.ZoneOffset.UTC).withDayOfMonth(1).plusMonths(1).toString();
        given().auth().oauth2(TestTokens.forWorkspace(org)).contentType("application/json").body(Map.of("label", "Sales"))
                .post("/api/workspaces/" + org + "/phone-numbers").then().statusCode(429)
                .body("code", equalTo("purchase_budget_exhausted")).body("detail", containsString(nextMonth))
                .header("Retry-After", notNullValue());
        assertEquals(bought, purchasesAtSignalWire(org), "nothing more was bought");
    }

    static long purchasesAtSignalWire(String org) {
        return SandboxControl.requests("POST", "/IncomingPhoneNumbers").stream()
                .filter(r -> r.path("form").path("FriendlyName").path(0).asText().equals(ProvisioningFlowTest.tag(org))).count();
    }

    @Test
    void numbersInTheirReleaseGracePeriodCountAgainstThePlansMaximum() {
        String org = newOrg();
        created(org, Plan.ENTERPRISE, "646");
        await().atMost(WAIT).until(() -> workspace(org) != null && workspace(org).status == Workspace.Status.ACTIVE);
        // nine numbers bought last month and now in their grace period (released in a day): with Main, ten of ten
        seedNumbers(org, 9, ai.galaxyco.phone.provisioning.domain.PhoneNumberRecord.Status.RELEASE_PENDING,
                Instant.now().minus(java.time.Duration.ofDays(40)));
        post(org, Map.of("label", "Sales")).statusCode(409).body("code", equalTo("number_limit_reached"))
                .body("detail", containsString("10 of the 10"));
    }

    /** Numbers of the workspace as earlier activity left them, straight into provisioning's table. */
    static void seedNumbers(String org, int count, ai.galaxyco.phone.provisioning.domain.PhoneNumberRecord.Status status,
            Instant purchasedAt) {
        io.quarkus.narayana.jta.QuarkusTransaction.requiringNew().run(() -> {
            for (int i = 0; i < count; i++) {
                var number = new ai.galaxyco.phone.provisioning.domain.PhoneNumberRecord();
                number.workspaceId = org;
                number.e164 = "+1555" + String.format("%07d", java.util.concurrent.ThreadLocalRandom.current().nextInt(10_000_000));
                number.providerSid = "PN" + java.util.UUID.randomUUID().toString().replace("-", "");
                number.label = "Old " + i;
                number.status = status;
                number.purchasedAt = purchasedAt;
                number.releaseAfter = status == ai.galaxyco.phone.provisioning.domain.PhoneNumberRecord.Status.RELEASE_PENDING
                        ? Instant.now().plus(java.time.Duration.ofDays(1)) : null;
                number.releasedAt = status == ai.galaxyco.phone.provisioning.domain.PhoneNumberRecord.Status.RELEASED ? Instant.now() : null;
                number.persist();
            }
        });
    }

    @Test
    void anEnterpriseWorkspaceAddsSalesAndSupportNumbersAndADowngradeToProReleasesThem() {
        String org = newOrg();
        created(org, Plan.ENTERPRISE, "646");
        await().atMost(WAIT).until(() -> workspace(org) != null && workspace(org).status == Workspace.Status.ACTIVE);
        numbers(org).statusCode(200).body("plan", equalTo("ENTERPRISE")).body("maxNumbers", equalTo(10))
                .body("items.size()", equalTo(1)).body("items[0].label", equalTo("Main"));
        TopicProbe assignments = TopicProbe.of(Topics.NUMBER_ASSIGNMENTS);
        try {
            post(org, Map.of("label", "Sales", "areaCode", "212")).statusCode(202).body("label", equalTo("Sales"))
                    .body("status", equalTo("PROVISIONING")).body("phoneNumber", nullValue());
            post(org, Map.of("label", "support")).statusCode(202).body("label", equalTo("Support"));
            post(org, Map.of("label", "SALES")).statusCode(409).body("code", equalTo("label_taken"));
            await().atMost(WAIT).until(() -> numbers(org).extract().jsonPath()
                    .getList("items.findAll { it.status == 'ACTIVE' }.label").size() == 3);
            // two more purchases, each tagged for this workspace, each assigned with its label
            assertEquals(3, ProvisioningFlowTest.ownedBy(org).size());
            String sales = numbers(org).extract().path("items.find { it.label == 'Sales' }.phoneNumber");
            assertEquals(true, sales.startsWith("+1212"), sales);
            NumberAssignment assigned = await().atMost(WAIT).until(() -> assignments.records(r -> sales.equals(r.key())), l -> !l.isEmpty())
                    .stream().map(r -> EventJson.read(r.value(), NumberAssignment.class)).findFirst().orElseThrow();
            assertEquals("Sales", assigned.label());
            assertEquals(org, assigned.workspaceId().value());

            // the owner gives up Support now; Main stays whatever is asked
            String support = numbers(org).extract().path("items.find { it.label == 'Support' }.phoneNumber");
            String main = numbers(org).extract().path("items.find { it.label == 'Main' }.phoneNumber");
            given().auth().oauth2(TestTokens.forWorkspace(org)).delete("/api/workspaces/" + org + "/phone-numbers/" + main).then()
                    .statusCode(409).body("code", equalTo("last_number"));
            given().auth().oauth2(TestTokens.forWorkspace(org)).delete("/api/workspaces/" + org + "/phone-numbers/" + support)
                    .then().statusCode(202).body("status", equalTo("RELEASING"));
            await().atMost(WAIT).until(() -> ProvisioningFlowTest.ownedBy(org).size() == 2);

            // down to Pro: Main stays, Sales is released after the grace period (PT0S in tests)
            var downgrade = new WorkspaceLifecycleEvent(WorkspaceId.of(org), Kind.UPDATED, Plan.PRO, null, "Acme", 2, "test", Instant.now());
            TopicProbe.publish(Topics.WORKSPACE_LIFECYCLE, org, downgrade, "clerk:down_" + org);
            await().atMost(WAIT).until(() -> ProvisioningFlowTest.ownedBy(org).size() == 1);
            // the number kept says its owner is on Pro now (the gateway bounds its forwarded minutes by the plan)
            await().atMost(WAIT).until(() -> assignments.records(r -> main.equals(r.key())).stream()
                    .map(r -> r.value() == null ? null : EventJson.read(r.value(), NumberAssignment.class))
                    .anyMatch(assignment -> assignment != null && assignment.plan() == Plan.PRO));
            numbers(org).body("plan", equalTo("PRO")).body("items.findAll { it.status == 'ACTIVE' }.phoneNumber", equalTo(List.of(main)))
                    .body("items.find { it.phoneNumber == '" + sales + "' }.status", equalTo("RELEASED"));
            post(org, Map.of("label", "Sales")).statusCode(409).body("code", equalTo("number_limit_reached"));
        } finally {
            assignments.close();
        }
    }

    @Test
    void getPhoneNumberRetriesAFailedPurchaseWithTheAreaCodeGiven() {
        String org = newOrg();
        SandboxControl.failNext("/AvailablePhoneNumbers", "AreaCode", "919", 1000, 500, 20500);
        created(org, Plan.PRO, "919");
        await().atMost(WAIT).until(() -> workspace(org) != null && workspace(org).status == Workspace.Status.FAILED);
        numbers(org).statusCode(200).body("items.size()", equalTo(1)).body("items[0].phoneNumber", nullValue())
                .body("items[0].status", equalTo("FAILED"))
                .body("items[0].failureReason", equalTo("SignalWire had an internal error; it will be tried again."));

        post(org, Map.of("areaCode", "21")).statusCode(400).body("code", equalTo("invalid_area_code"));
        post(org, Map.of("label", "")).statusCode(400).body("code", equalTo("invalid_label"));
        await().atMost(WAIT).untilAsserted(() -> post(org, Map.of("areaCode", "212")).statusCode(202)
                .body("phoneNumber", nullValue()).body("label", equalTo("Main")).body("status", equalTo("PROVISIONING"))
                .body("failureReason", nullValue()));
        await().atMost(WAIT).until(() -> workspace(org).status == Workspace.Status.ACTIVE);
        numbers(org).body("items.size()", equalTo(1)).body("items[0].status", equalTo("ACTIVE"))
                .body("items[0].phoneNumber", startsWith("+1212"));
    }

    @Test
    void errorsAreProblemDocumentsEverywhere() {
        String org = newOrg();
        given().get("/api/workspaces/" + org + "/phone-numbers").then().statusCode(401).contentType("application/problem+json")
                .header("WWW-Authenticate", "Bearer").body("code", equalTo("unauthenticated")).body("status", equalTo(401));
        given().auth().oauth2(TestTokens.expiredForWorkspace(org)).get("/api/workspaces/" + org + "/phone-numbers").then()
                .statusCode(401).contentType("application/problem+json").body("code", equalTo("unauthenticated"));
        given().auth().oauth2(TestTokens.forWorkspace("org_someone_else")).get("/api/workspaces/" + org + "/phone-numbers")
                .then().statusCode(403).contentType("application/problem+json").body("code", equalTo("forbidden"));
        given().auth().oauth2(TestTokens.forWorkspace(org)).get("/api/workspaces/" + org + "/phone-numbers").then()
                .statusCode(404).contentType("application/problem+json").body("code", equalTo("not_found"));
        given().auth().oauth2(TestTokens.forWorkspace(org)).get("/api/no-such-endpoint").then().statusCode(404)
                .contentType("application/problem+json").body("code", equalTo("not_found"));
        given().auth().oauth2(TestTokens.forWorkspace(org)).queryParam("limit", 500).get("/api/workspaces/" + org + "/phone-numbers")
                .then().statusCode(400).body("code", equalTo("invalid_request"));
    }

    @Test
    void everyNumbersEndpointRefusesOtherCallersAndOnlyAdminsChangeNumbers() {
        String org = newOrg();
        String base = "/api/workspaces/" + org + "/phone-numbers";
        assertEquals(List.of(), Tenancy.refusalsOf("GET", base, org));
        assertEquals(List.of(), Tenancy.adminRefusalsOf("POST", base, org));
        assertEquals(List.of(), Tenancy.adminRefusalsOf("PATCH", base + "/+12125550100", org));
        assertEquals(List.of(), Tenancy.adminRefusalsOf("DELETE", base + "/+12125550100", org));
        assertEquals(List.of(), Tenancy.adminRefusalsOf("GET", "/api/workspaces/" + org + "/audit", org));
    }
}
