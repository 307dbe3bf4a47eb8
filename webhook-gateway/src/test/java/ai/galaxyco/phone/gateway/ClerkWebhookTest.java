package ai.galaxyco.phone.gateway;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.galaxyco.phone.model.CloudEventHeaders;
import ai.galaxyco.phone.model.EventJson;
import ai.galaxyco.phone.model.Topics;
import ai.galaxyco.phone.model.events.WorkspaceLifecycleEvent;
import ai.galaxyco.phone.model.signature.SvixSignature;
import ai.galaxyco.phone.model.values.Plan;
import ai.galaxyco.phone.testsupport.KafkaKRaftResource;
import ai.galaxyco.phone.testsupport.TopicProbe;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.specification.RequestSpecification;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

@QuarkusTest
@QuarkusTestResource(KafkaKRaftResource.class)
class ClerkWebhookTest {

    /** The management interface's /q/ (with the slash): health, metrics and OpenAPI live there, not on the public port. */
    @io.quarkus.test.common.http.TestHTTPResource(value = "", management = true)
    java.net.URL operations;

    static final String SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    static TopicProbe lifecycle;

    @BeforeAll
    static void probe() {
        lifecycle = TopicProbe.of(Topics.WORKSPACE_LIFECYCLE);
    }

    @AfterAll
    static void close() {
        lifecycle.close();
    }

    static String organizationEvent(String type, String orgId, String plan, long updatedAt) {
        String metadata = plan == null ? "{}" : "{\"plan\":\"" + plan + "\",\"areaCode\":\"646\"}";
        return "{\"object\":\"event\",\"type\":\"" + type + "\",\"instance_id\":\"ins_1\",\"timestamp\":1716883200,"
                + "\"data\":{\"object\":\"organization\",\"id\":\"" + orgId + "\",\"name\":\"Acme Corp\",\"slug\":\"acme\","
                + "\"public_metadata\":" + metadata + ",\"private_metadata\":{},\"created_at\":1716883200000,"
                + "\"updated_at\":" + updatedAt + "}}";
    }

    static RequestSpecification signed(String svixId, String body, Instant at) {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        return given().header("svix-id", svixId).header("svix-timestamp", String.valueOf(at.getEpochSecond()))
                .header("svix-signature", "v1,bm9ldA== " + SvixSignature.sign(SECRET, svixId, at.getEpochSecond(), bytes))
                .contentType("application/json").body(bytes);
    }

    @Test
    void signedOrganizationCreatedIsPublishedWithItsSvixId() {
        String org = "org_" + UUID.randomUUID().toString().replace("-", "");
        String svixId = "msg_" + UUID.randomUUID();
        signed(svixId, organizationEvent("organization.created", org, "Pro", 1716883200123L), Instant.now())
                .post("/api/webhooks/clerk").then().statusCode(204);

        var record = await().atMost(Duration.ofSeconds(30)).until(
                () -> lifecycle.records(r -> org.equals(r.key())), list -> list.size() == 1).get(0);
        assertEquals("clerk:" + svixId, TopicProbe.header(record, CloudEventHeaders.ID));
        assertEquals(Topics.WORKSPACE_LIFECYCLE.eventType(), TopicProbe.header(record, CloudEventHeaders.TYPE));
        assertEquals("1.0", TopicProbe.header(record, CloudEventHeaders.SPEC_VERSION));
        var event = EventJson.read(record.value(), WorkspaceLifecycleEvent.class);
        assertEquals(WorkspaceLifecycleEvent.Kind.CREATED, event.kind());
        assertEquals(Plan.PRO, event.plan());
        assertEquals("646", event.preferredAreaCode());
        assertEquals(1716883200123L, event.version());
    }

    @Test
    void anUpdateWithoutAPlanSaysNoChangeWhileANewOrganizationWithoutOneIsStarter() {
        String org = "org_" + UUID.randomUUID().toString().replace("-", "");
        signed("msg_" + UUID.randomUUID(), organizationEvent("organization.updated", org, null, 1716883200500L), Instant.now())
                .post("/api/webhooks/clerk").then().statusCode(204);
        signed("msg_" + UUID.randomUUID(), organizationEvent("organization.created", org, null, 1716883200400L), Instant.now())
                .post("/api/webhooks/clerk").then().statusCode(204);
        var events = await().atMost(Duration.ofSeconds(30)).until(() -> lifecycle.records(r -> org.equals(r.key())),
                list -> list.size() == 2).stream().map(r -> EventJson.read(r.value(), WorkspaceLifecycleEvent.class)).toList();
        var updated = events.stream().filter(e -> e.kind() == WorkspaceLifecycleEvent.Kind.UPDATED).findFirst().orElseThrow();
        var created = events.stream().filter(e -> e.kind() == WorkspaceLifecycleEvent.Kind.CREATED).findFirst().orElseThrow();
        assertEquals(null, updated.plan(), "a rename of a Clerk Billing workspace must not downgrade it");
        assertEquals(Plan.STARTER, created.plan());
    }

    @Test
    void webhookPrefixedHeadersAreAcceptedToo() {
        String org = "org_" + UUID.randomUUID().toString().replace("-", "");
        String id = "msg_" + UUID.randomUUID();
        String body = organizationEvent("organization.deleted", org, null, 1716883200000L);
        long ts = Instant.now().getEpochSecond();
        given().header("webhook-id", id).header("webhook-timestamp", String.valueOf(ts))
                .header("webhook-signature", SvixSignature.sign(SECRET, id, ts, body.getBytes(StandardCharsets.UTF_8)))
                .body(body).post("/api/webhooks/clerk").then().statusCode(204);
        await().atMost(Duration.ofSeconds(30)).until(() -> lifecycle.records(r -> org.equals(r.key())).size() == 1);
    }

    @Test
    void badStaleOrMissingSignaturesAre401AndPublishNothing() {
        String org = "org_" + UUID.randomUUID().toString().replace("-", "");
        String body = organizationEvent("organization.created", org, "pro", 1L);
        given().header("svix-id", "msg_1").header("svix-timestamp", String.valueOf(Instant.now().getEpochSecond()))
                .header("svix-signature", "v1,AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=").body(body)
                .post("/api/webhooks/clerk").then().statusCode(401).body(containsString("invalid_signature"));
        signed("msg_2", body, Instant.now().minusSeconds(600)).post("/api/webhooks/clerk").then().statusCode(401)
                .body(containsString("TOO_OLD"));
        given().body(body).post("/api/webhooks/clerk").then().statusCode(401);
        // the valid one afterwards is the only one that reaches the topic
        signed("msg_3", body, Instant.now()).post("/api/webhooks/clerk").then().statusCode(204);
        await().atMost(Duration.ofSeconds(30)).until(() -> lifecycle.records(r -> org.equals(r.key())).size() == 1);
        assertEquals("clerk:msg_3", TopicProbe.header(lifecycle.records(r -> org.equals(r.key())).get(0), CloudEventHeaders.ID));
    }

    @Test
    void malformedJsonAndUnknownPlansAre400WithAReason() {
        signed("msg_bad", "{\"type\": \"organization.created\", ", Instant.now()).post("/api/webhooks/clerk")
                .then().statusCode(400).body(containsString("malformed_json"));
        signed("msg_plan", organizationEvent("organization.created", "org_platinum", "platinum", 1L), Instant.now())
                .post("/api/webhooks/clerk").then().statusCode(400).body(containsString("platinum"));
        signed("msg_nodata", "{\"type\":\"organization.created\"}", Instant.now()).post("/api/webhooks/clerk")
                .then().statusCode(400).body(containsString("data"));
    }

    @Test
    void unknownEventTypesAreAcknowledgedButNotPublished() {
        String marker = "user_" + UUID.randomUUID().toString().replace("-", "");
        signed("msg_" + marker, "{\"type\":\"user.created\",\"data\":{\"id\":\"" + marker + "\"}}", Instant.now())
                .post("/api/webhooks/clerk").then().statusCode(204);
        given().get(operations + "metrics").then().statusCode(200).body(containsString("webhooks_clerk_ignored_total{type=\"user.created\"}"));
        // a later, published event arrives while the ignored one never does
        String org = "org_" + UUID.randomUUID().toString().replace("-", "");
        signed("msg_after_" + marker, organizationEvent("organization.created", org, "pro", 1L), Instant.now())
                .post("/api/webhooks/clerk").then().statusCode(204);
        await().atMost(Duration.ofSeconds(30)).until(() -> !lifecycle.records(r -> org.equals(r.key())).isEmpty());
        assertTrue(lifecycle.records(r -> r.value() != null && r.value().contains(marker)).isEmpty());
    }

    @Test
    void billingActivationOfAnOrganizationPlanIsAPlanChange() {
        String org = "org_" + UUID.randomUUID().toString().replace("-", "");
        String body = "{\"type\":\"subscriptionItem.active\",\"timestamp\":1716883300000,\"data\":{\"object\":\"commerce_subscription_item\","
                + "\"status\":\"active\",\"plan\":{\"slug\":\"enterprise-annual\"},\"payer\":{\"organization_id\":\"" + org + "\"}}}";
        signed("msg_bill_" + org, body, Instant.now()).post("/api/webhooks/clerk").then().statusCode(204);
        var record = await().atMost(Duration.ofSeconds(30)).until(
                () -> lifecycle.records(r -> org.equals(r.key())), list -> list.size() == 1).get(0);
        var event = EventJson.read(record.value(), WorkspaceLifecycleEvent.class);
        assertEquals(Plan.ENTERPRISE, event.plan());
        assertEquals(WorkspaceLifecycleEvent.Kind.UPDATED, event.kind());
        assertTrue(event.version() == 1716883300000L);
    }

    @Test
    void healthIsUpWithKafka() {
        given().get(operations + "health/ready").then().statusCode(200).body(containsString("UP"));
    }
}
