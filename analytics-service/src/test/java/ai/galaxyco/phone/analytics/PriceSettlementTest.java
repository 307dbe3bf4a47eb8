package ai.galaxyco.phone.analytics;

import static ai.galaxyco.phone.analytics.UsageLedgerTest.newOrg;
import static ai.galaxyco.phone.analytics.UsageLedgerTest.usage;
import static ai.galaxyco.phone.analytics.UsageLedgerTest.windowEnd;
import static ai.galaxyco.phone.analytics.UsageLedgerTest.windowStart;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.galaxyco.phone.model.Topics;
import ai.galaxyco.phone.model.events.CallStatusChanged;
import ai.galaxyco.phone.model.events.InboundCall;
import ai.galaxyco.phone.model.events.OutboundResult;
import ai.galaxyco.phone.model.values.Channel;
import ai.galaxyco.phone.model.values.PhoneNumber;
import ai.galaxyco.phone.model.values.WorkspaceId;
import ai.galaxyco.phone.testsupport.JwtResource;
import ai.galaxyco.phone.testsupport.KafkaKRaftResource;
import ai.galaxyco.phone.testsupport.PostgresResource;
import ai.galaxyco.phone.testsupport.SandboxControl;
import ai.galaxyco.phone.testsupport.SandboxResource;
import ai.galaxyco.phone.testsupport.TopicProbe;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import java.net.URL;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * SignalWire's actual prices, fetched from the sandbox's Message and Call resources (the real wire format) after a
 * fact's final status, replace the estimates; an MMS, which never reaches delivered, is settled at sent.
 */
@QuarkusTest
@QuarkusTestResource(KafkaKRaftResource.class)
@QuarkusTestResource(PostgresResource.class)
@QuarkusTestResource(JwtResource.class)
@QuarkusTestResource(SandboxResource.class)
class PriceSettlementTest {

    static final Duration WAIT = Duration.ofSeconds(45);
    static final PhoneNumber OUR = PhoneNumber.parse("+12125550180");
    static final PhoneNumber CUSTOMER = PhoneNumber.parse("+14155550181");
    /** 3 segments: more than 306 GSM-7 characters. */
    static final String LONG_TEXT = "Your order has shipped. ".repeat(14);

    @TestHTTPResource("/")
    URL api;

    @Inject
    EntityManager em;

    @BeforeEach
    void ourNumberAtTheSandbox() {
        if (SandboxControl.ownedNumbers().stream().noneMatch(n -> OUR.e164().equals(n.path("phone_number").asText()))) {
            SandboxControl.addNumber(OUR.e164(), "analytics test");
        }
    }

    /** Sends through the sandbox's Messages resource as outbound would; returns SignalWire's sid. */
    static String sendAtTheSandbox(String body, String mediaUrl) {
        var request = given().baseUri(SandboxControl.baseUrl()).auth().preemptive().basic(SandboxResource.PROJECT, SandboxResource.TOKEN)
                .formParam("From", OUR.e164()).formParam("To", CUSTOMER.e164()).formParam("Body", body);
        if (mediaUrl != null) {
            request.formParam("MediaUrl", mediaUrl);
        }
        return request.post("/api/laml/2010-04-01/Accounts/" + SandboxResource.PROJECT + "/Messages.json").then().statusCode(201)
                .extract().path("sid");
    }

    static OutboundResult result(String org, String id, String sid, String status, int segments, Channel channel, int media) {
        Instant now = Instant.now();
        return new OutboundResult(id, WorkspaceId.of(org), sid, OUR, CUSTOMER, false, "text", status, null, segments, null, null, now,
                now, channel, media);
    }

    @Inject
    ai.galaxyco.phone.analytics.domain.PriceSettlement settlement;

    @Inject
    ai.galaxyco.phone.kit.domain.ClusterSingleton singleton;

    /** A turn works off everything due, not one batch of 200: one batch per 15 s turn settles ~13 facts/s at most. */
    @Test
    void aTurnSettlesEverythingDueNotOneBatch() {
        String org = newOrg();
        QuarkusTransaction.requiringNew().run(() -> em.createNativeQuery("insert into analytics.usage_fact (source_id, kind, "
                + "workspace_id, channel, quantity, status, estimated_cost, occurred_at, updated_at, price_due_at) "
                + "select 'SMturn' || ?1 || g, 'MESSAGE_INBOUND', ?1, 'SMS', 1, 'received', 0.0079, now(), now(), now() - interval '1 second' "
                + "from generate_series(1, 450) g").setParameter(1, org).executeUpdate());
        // holding the job's lock as the scheduled turns do, so this turn alone looks at them (no sid: given up at once)
        await().atMost(WAIT).until(() -> singleton.runAlone("analytics.price-settlement", settlement::settleWhatIsDue));
        assertEquals(0L, ((Number) QuarkusTransaction.requiringNew().call(() -> em.createNativeQuery(
                "select count(*) from analytics.usage_fact where workspace_id = ?1 and price_due_at is not null")
                .setParameter(1, org).getSingleResult())).longValue());
    }

    @Test
    void aDeliveredThreeSegmentSmsIsEstimatedThenCostsWhatSignalWireCharged() {
        String org = newOrg();
        String sid = sendAtTheSandbox(LONG_TEXT, null);
        String id = UUID.randomUUID().toString();
        TopicProbe.publish(Topics.OUTBOUND_RESULTS, CUSTOMER.e164(), result(org, id, sid, "SENT", 3, Channel.SMS, 0),
                UUID.randomUUID().toString());
        // the estimate at once: 3 segments x $0.0079; sent is not final, so nobody asks SignalWire yet
        await().atMost(WAIT).untilAsserted(() -> usage(org, windowStart(), windowEnd()).body("totals.costByChannel.SMS", equalTo("0.0237")));
        assertEquals(0, checks(id));
        TopicProbe.publish(Topics.OUTBOUND_RESULTS, CUSTOMER.e164(), result(org, id, sid, "DELIVERED", 3, Channel.SMS, 0),
                UUID.randomUUID().toString());
        // the sandbox charges $0.0083 a segment: GET Messages/{sid}.json says -0.02490
        await().atMost(WAIT).untilAsserted(() -> usage(org, windowStart(), windowEnd()).body("totals.costByChannel.SMS", equalTo("0.0249"))
                .body("totals.segmentsOutbound", equalTo(3)));
        int looks = SandboxControl.requests("GET", "/Messages/" + sid).size();
        // a redelivered DELIVERED neither re-arms the look nor loses the price
        TopicProbe.publish(Topics.OUTBOUND_RESULTS, CUSTOMER.e164(), result(org, id, sid, "DELIVERED", 3, Channel.SMS, 0),
                UUID.randomUUID().toString());
        String marker = newOrg();
        TopicProbe.publish(Topics.OUTBOUND_RESULTS, CUSTOMER.e164(), result(marker, UUID.randomUUID().toString(), null, "QUEUED", 1,
                Channel.SMS, 0), UUID.randomUUID().toString());
        await().atMost(WAIT).untilAsserted(() -> usage(marker, windowStart(), windowEnd()).body("totals.messagesOutbound", equalTo(1)));
        usage(org, windowStart(), windowEnd()).body("totals.costByChannel.SMS", equalTo("0.0249"));
        assertEquals(looks, SandboxControl.requests("GET", "/Messages/" + sid).size(), "a settled price is not asked for again");
        assertEquals(null, QuarkusTransaction.requiringNew().call(() -> em.createNativeQuery(
                "select price_due_at from usage_fact where source_id = ?1").setParameter(1, id).getSingleResult()));
    }

    @Test
    void anMmsThatStaysAtSentIsSettledAfterTheMmsDelay() {
        String org = newOrg();
        String sid = sendAtTheSandbox("Photo of your parcel", "https://example.com/parcel.jpg");
        String id = UUID.randomUUID().toString();
        TopicProbe.publish(Topics.OUTBOUND_RESULTS, CUSTOMER.e164(), result(org, id, sid, "SENT", 1, Channel.MMS, 1),
                UUID.randomUUID().toString());
        // estimated as an MMS ($0.02), then the sandbox's MMS price ($0.0215) once the message has sat at sent a while
        await().atMost(WAIT).untilAsserted(() -> usage(org, windowStart(), windowEnd()).body("totals.costByChannel.MMS", equalTo("0.0200")));
        await().atMost(WAIT).untilAsserted(() -> usage(org, windowStart(), windowEnd()).body("totals.costByChannel.MMS", equalTo("0.0215"))
                .body("totals.costByChannel.SMS", equalTo("0.0000")));
    }

    @Test
    void aCompletedCallCostsWhatSignalWireChargedForItsMinutes() {
        String org = newOrg();
        SandboxControl.editNumber(OUR.e164(), Map.of("voiceUrl", api + "no-such-webhook"));
        String callSid = SandboxControl.inboundCall(CUSTOMER.e164(), OUR.e164(), 95).path("callSid").asText();
        Instant now = Instant.now();
        TopicProbe.publish(Topics.INBOUND_CALLS, OUR.e164(), new InboundCall(callSid, CUSTOMER, OUR, "ringing",
                InboundCall.Disposition.VOICEMAIL, WorkspaceId.of(org), null, null, null, now), UUID.randomUUID().toString());
        TopicProbe.publish(Topics.CALL_STATUS, callSid, new CallStatusChanged(callSid, "completed", CUSTOMER.e164(), OUR.e164(), 95, 3,
                now.plusSeconds(95)), UUID.randomUUID().toString());
        // 95 s: estimated per second at $0.01 a minute (0.0158), charged by the sandbox per started minute (0.02)
        await().atMost(WAIT).untilAsserted(() -> usage(org, windowStart(), windowEnd()).body("totals.callSeconds", equalTo(95))
                .body("totals.costByChannel.VOICE", equalTo("0.0200")));
    }

    @Test
    void aSidSignalWireDoesNotKnowKeepsItsEstimateAndIsNotAskedAgain() {
        String org = newOrg();
        String id = UUID.randomUUID().toString();
        String unknown = "SM" + UUID.randomUUID().toString().replace("-", "");
        TopicProbe.publish(Topics.OUTBOUND_RESULTS, CUSTOMER.e164(), result(org, id, unknown, "DELIVERED", 1, Channel.SMS, 0),
                UUID.randomUUID().toString());
        await().atMost(WAIT).until(() -> checks(id) == 1);
        usage(org, windowStart(), windowEnd()).body("totals.costByChannel.SMS", equalTo("0.0079"));
        assertEquals(null, QuarkusTransaction.requiringNew().call(() -> em.createNativeQuery(
                "select price_due_at from usage_fact where source_id = ?1").setParameter(1, id).getSingleResult()));
    }

    private int checks(String sourceId) {
        return QuarkusTransaction.requiringNew().call(() -> {
            var rows = em.createNativeQuery("select price_checks from usage_fact where source_id = ?1").setParameter(1, sourceId)
                    .getResultList();
            return rows.isEmpty() ? -1 : ((Number) rows.get(0)).intValue();
        });
    }
}
