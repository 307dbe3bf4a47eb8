package ai.galaxyco.phone.analytics;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.galaxyco.phone.model.Topics;
import ai.galaxyco.phone.model.events.CallStatusChanged;
import ai.galaxyco.phone.model.events.InboundCall;
import ai.galaxyco.phone.model.events.NumberAssignment;
import ai.galaxyco.phone.model.events.OutboundResult;
import ai.galaxyco.phone.model.events.ProvisioningResult;
import ai.galaxyco.phone.model.events.RoutedMessage;
import ai.galaxyco.phone.model.values.Channel;
import ai.galaxyco.phone.model.values.PhoneNumber;
import ai.galaxyco.phone.model.values.Plan;
import ai.galaxyco.phone.model.values.WorkspaceId;
import ai.galaxyco.phone.testsupport.JwtResource;
import ai.galaxyco.phone.testsupport.KafkaKRaftResource;
import ai.galaxyco.phone.testsupport.OpenApiContract;
import ai.galaxyco.phone.testsupport.PostgresResource;
import ai.galaxyco.phone.testsupport.SandboxResource;
import ai.galaxyco.phone.testsupport.TestTokens;
import ai.galaxyco.phone.testsupport.TopicProbe;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.ValidatableResponse;
import java.math.BigDecimal;
import java.net.URL;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The usage ledger from real events on a real broker, stored in real PostgreSQL, read through the usage API. */
@QuarkusTest
@QuarkusTestResource(KafkaKRaftResource.class)
@QuarkusTestResource(PostgresResource.class)
@QuarkusTestResource(JwtResource.class)
@QuarkusTestResource(SandboxResource.class)
class UsageLedgerTest {

    static final Duration WAIT = Duration.ofSeconds(45);
    static final PhoneNumber OUR = PhoneNumber.parse("+12125550170");
    static final PhoneNumber CUSTOMER = PhoneNumber.parse("+14155550171");

    @TestHTTPResource(value = "", management = true)
    URL operations;

    static String newOrg() {
        return "org_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
    }

    static ValidatableResponse usage(String org, String from, String to) {
        return given().auth().oauth2(TestTokens.forWorkspace(org)).queryParam("from", from).queryParam("to", to)
                .get("/api/workspaces/" + org + "/usage").then();
    }

    /**
     * The first day of a three-day window around now (UTC), for totals of what a test recorded "now": a test that
     * runs across midnight UTC still finds it (a window of today alone missed facts recorded on the other side).
     */
    static String windowStart() {
        return LocalDate.now(ZoneOffset.UTC).minusDays(1).toString();
    }

    /** The day after the window around now (exclusive end). */
    static String windowEnd() {
        return LocalDate.now(ZoneOffset.UTC).plusDays(2).toString();
    }

    static OutboundResult outbound(String org, String id, String status, int segments, BigDecimal price) {
        Instant now = Instant.now();
        return new OutboundResult(id, WorkspaceId.of(org), "SM" + id, OUR, CUSTOMER, false, "Your order shipped", status, null,
                segments, price, price == null ? null : "USD", now, now);
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
    void aDeliveredThreeSegmentSmsIsOneFactEstimatedThenActualAndReplaysChangeNothing() {
        String org = newOrg();
        String message = UUID.randomUUID().toString();
        String sent = UUID.randomUUID().toString();
        TopicProbe.publish(Topics.OUTBOUND_RESULTS, CUSTOMER.e164(), outbound(org, message, "SENT", 3, null), sent);
        // estimated at once: 3 segments x $0.0079
        await().atMost(WAIT).untilAsserted(() -> usage(org, windowStart(), windowEnd()).statusCode(200)
                .body("totals.messagesOutbound", equalTo(1)).body("totals.segmentsOutbound", equalTo(3))
                .body("totals.costByChannel.SMS", equalTo("0.0237")).body("currency", equalTo("USD")));
        // SignalWire's actual price (reported negative) wins over the estimate
        String delivered = UUID.randomUUID().toString();
        TopicProbe.publish(Topics.OUTBOUND_RESULTS, CUSTOMER.e164(), outbound(org, message, "DELIVERED", 3, new BigDecimal("-0.0249")),
                delivered);
        await().atMost(WAIT).untilAsserted(() -> usage(org, windowStart(), windowEnd()).body("totals.costByChannel.SMS", equalTo("0.0249")));

        // the same events again, and a redelivery under a new event id; then a marker behind them on the same partition
        TopicProbe.publish(Topics.OUTBOUND_RESULTS, CUSTOMER.e164(), outbound(org, message, "SENT", 3, null), sent);
        TopicProbe.publish(Topics.OUTBOUND_RESULTS, CUSTOMER.e164(), outbound(org, message, "DELIVERED", 3, new BigDecimal("-0.0249")),
                delivered);
        TopicProbe.publish(Topics.OUTBOUND_RESULTS, CUSTOMER.e164(), outbound(org, message, "DELIVERED", 3, null),
                UUID.randomUUID().toString());
        String marker = newOrg();
        TopicProbe.publish(Topics.OUTBOUND_RESULTS, CUSTOMER.e164(), outbound(marker, UUID.randomUUID().toString(), "SENT", 1, null),
                UUID.randomUUID().toString());
        await().atMost(WAIT).untilAsserted(() -> usage(marker, windowStart(), windowEnd()).body("totals.messagesOutbound", equalTo(1)));
        usage(org, windowStart(), windowEnd()).body("totals.messagesOutbound", equalTo(1)).body("totals.segmentsOutbound", equalTo(3))
                .body("totals.costByChannel.SMS", equalTo("0.0249")).body("totals.cost", equalTo("0.0249"));
        // the replayed SENT did not take the fact's status back
        assertEquals("DELIVERED", io.quarkus.narayana.jta.QuarkusTransaction.requiringNew().call(
                () -> em.createNativeQuery("select status from usage_fact where source_id = ?1").setParameter(1, message)
                        .getSingleResult()));
    }

    @jakarta.inject.Inject
    jakarta.persistence.EntityManager em;

    /** The usage API reads the hourly rollup: after inserts and updates it must equal a scan of the facts. */
    @Test
    void theHourlyRollupEqualsTheFactsAfterInsertsAndUpdates() {
        String org = newOrg();
        List<String> ids = new java.util.ArrayList<>();
        for (int i = 0; i < 20; i++) {
            String id = UUID.randomUUID().toString();
            ids.add(id);
            TopicProbe.publish(Topics.OUTBOUND_RESULTS, CUSTOMER.e164(), outbound(org, id, "SENT", 1 + i % 3, null),
                    UUID.randomUUID().toString());
        }
        for (int i = 0; i < 20; i += 2) { // half delivered with SignalWire's price, a changed segment count for some
            TopicProbe.publish(Topics.OUTBOUND_RESULTS, CUSTOMER.e164(), outbound(org, ids.get(i), "DELIVERED", 1 + i % 4,
                    new BigDecimal("-0.0111")), UUID.randomUUID().toString());
        }
        TopicProbe.publish(Topics.ROUTED_MESSAGES, org, new RoutedMessage("SM" + UUID.randomUUID(), WorkspaceId.of(org), "c1", OUR,
                "Main", CUSTOMER, Channel.SMS, "Thanks", List.of(), Instant.now()), UUID.randomUUID().toString());
        String scan = "select kind, channel, count(*), sum(quantity), sum(coalesce(actual_cost, estimated_cost)) from usage_fact "
                + "where workspace_id = ?1 group by 1, 2 order by 1, 2";
        String rollup = "select kind, channel, sum(facts), sum(quantity), sum(cost) from usage_hourly where workspace_id = ?1 "
                + "group by 1, 2 order by 1, 2";
        await().atMost(WAIT).untilAsserted(() -> usage(org, windowStart(), windowEnd()).body("totals.messagesOutbound", equalTo(20))
                .body("totals.messagesInbound", equalTo(1)).body("totals.costByChannel.SMS", equalTo(
                        money(io.quarkus.narayana.jta.QuarkusTransaction.requiringNew().call(() -> (BigDecimal) em.createNativeQuery(
                                "select sum(coalesce(actual_cost, estimated_cost)) from usage_fact where workspace_id = ?1")
                                .setParameter(1, org).getSingleResult())))));
        await().atMost(WAIT).until(() -> io.quarkus.narayana.jta.QuarkusTransaction.requiringNew().call(() -> ((Number) em
                .createNativeQuery("select count(*) from usage_fact where workspace_id = ?1 and actual_cost is not null")
                .setParameter(1, org).getSingleResult()).intValue()) == 10);
        List<String> facts = rows(scan, org);
        assertEquals(facts, rows(rollup, org));
        assertEquals(2, facts.size(), facts.toString());
    }

    /** A poll is written as one JDBC batch; a poison record in it is dead-lettered and the rest of the batch still counts. */
    @Test
    void aPoisonRecordIsDeadLetteredAndTheRestOfItsBatchIsWritten() {
        String org = newOrg();
        String poisonId = "poison-" + UUID.randomUUID();
        TopicProbe.publish(Topics.OUTBOUND_RESULTS, CUSTOMER.e164(), outbound(org, UUID.randomUUID().toString(), "SENT", 1, null),
                UUID.randomUUID().toString());
        TopicProbe.send(Topics.OUTBOUND_RESULTS.name(), CUSTOMER.e164(), "{\"messageId\": \"x\", \"segments\": \"many\"",
                java.util.Map.of("ce_id", poisonId));
        TopicProbe.publish(Topics.OUTBOUND_RESULTS, CUSTOMER.e164(), outbound(org, UUID.randomUUID().toString(), "SENT", 2, null),
                UUID.randomUUID().toString());
        await().atMost(WAIT).untilAsserted(() -> usage(org, windowStart(), windowEnd()).body("totals.messagesOutbound", equalTo(2))
                .body("totals.segmentsOutbound", equalTo(3)));
        try (TopicProbe dlq = TopicProbe.of(Topics.OUTBOUND_RESULTS.deadLetter())) {
            var dead = await().atMost(WAIT).until(() -> dlq.records(r -> poisonId.equals(TopicProbe.header(r, "ce_id"))),
                    l -> !l.isEmpty()).get(0);
            assertEquals(Topics.OUTBOUND_RESULTS.name(), TopicProbe.header(dead, "dead-letter-topic"));
        }
    }

    /** An operator's bulk load from psql (another search_path) is rolled up too. */
    @Test
    void aFactWrittenFromAnotherSearchPathIsRolledUp() {
        String org = newOrg();
        io.quarkus.narayana.jta.QuarkusTransaction.requiringNew().run(() -> {
            em.createNativeQuery("set local search_path to public").executeUpdate();
            em.createNativeQuery("insert into analytics.usage_fact (source_id, kind, workspace_id, channel, quantity, status, "
                    + "estimated_cost, occurred_at, updated_at) values (?1, 'MESSAGE_INBOUND', ?2, 'SMS', 1, 'received', 0.0079, "
                    + "now(), now())").setParameter(1, "SMbulk" + org).setParameter(2, org).executeUpdate();
        });
        usage(org, windowStart(), windowEnd()).body("totals.messagesInbound", equalTo(1)).body("totals.costByChannel.SMS", equalTo("0.0079"));
    }

    private List<String> rows(String sql, String org) {
        return io.quarkus.narayana.jta.QuarkusTransaction.requiringNew().call(() -> {
            @SuppressWarnings("unchecked")
            List<Object[]> result = em.createNativeQuery(sql).setParameter(1, org).getResultList();
            return result.stream().map(r -> r[0] + "/" + r[1] + "/" + ((Number) r[2]).longValue() + "/" + ((Number) r[3]).longValue()
                    + "/" + ((BigDecimal) r[4]).stripTrailingZeros().toPlainString()).toList();
        });
    }

    private static String money(BigDecimal amount) {
        return amount.setScale(4, java.math.RoundingMode.HALF_EVEN).toPlainString();
    }

    @Test
    void aNinetyFiveSecondCallIsNinetyFiveCallSecondsWhicheverHalfArrivesFirst() {
        String org = newOrg();
        String callSid = "CA" + UUID.randomUUID().toString().replace("-", "");
        Instant now = Instant.now();
        TopicProbe.publish(Topics.INBOUND_CALLS, OUR.e164(), new InboundCall(callSid, CUSTOMER, OUR, "ringing",
                InboundCall.Disposition.FORWARDED, WorkspaceId.of(org), null, null, null, now), UUID.randomUUID().toString());
        TopicProbe.publish(Topics.CALL_STATUS, callSid, new CallStatusChanged(callSid, "completed", CUSTOMER.e164(), OUR.e164(), 95, 4,
                now.plusSeconds(100)), UUID.randomUUID().toString());
        // the status before the call: the fact waits for its workspace
        String second = "CA" + UUID.randomUUID().toString().replace("-", "");
        TopicProbe.publish(Topics.CALL_STATUS, second, new CallStatusChanged(second, "completed", CUSTOMER.e164(), OUR.e164(), 5, 4,
                now.plusSeconds(10)), UUID.randomUUID().toString());
        TopicProbe.publish(Topics.INBOUND_CALLS, OUR.e164(), new InboundCall(second, CUSTOMER, OUR, "ringing",
                InboundCall.Disposition.VOICEMAIL, WorkspaceId.of(org), null, null, null, now), UUID.randomUUID().toString());
        // 100 s at $0.01 a minute
        await().atMost(WAIT).untilAsserted(() -> usage(org, windowStart(), windowEnd()).body("totals.calls", equalTo(2))
                .body("totals.callSeconds", equalTo(100)).body("totals.costByChannel.VOICE", equalTo("0.0167")));
    }

    @Test
    void aNumberHeldTenDaysOfAThirtyDayMonthCostsAThirdOfItsPrice() {
        String org = newOrg();
        PhoneNumber number = PhoneNumber.parse("+12125550172");
        TopicProbe.publish(Topics.NUMBER_ASSIGNMENTS, number.e164(), new NumberAssignment(number, WorkspaceId.of(org), "Main", false,
                "PN1", null, Instant.parse("2026-09-05T00:00:00Z")), UUID.randomUUID().toString());
        // released: the tombstone says when in its ce_time (it has no body)
        TopicProbe.send(Topics.NUMBER_ASSIGNMENTS.name(), number.e164(), null, java.util.Map.of("ce_id", UUID.randomUUID().toString(),
                "ce_time", "2026-09-15T00:00:00Z"));
        await().atMost(WAIT).untilAsserted(() -> usage(org, "2026-09-01", "2026-10-01").statusCode(200)
                .body("totals.costByChannel.NUMBERS", equalTo("0.3333")).body("series", hasSize(30))
                .body("series[4].start", equalTo("2026-09-05T00:00:00Z")).body("series[4].costByChannel.NUMBERS", equalTo("0.0333"))
                .body("series[3].costByChannel.NUMBERS", equalTo("0.0000")).body("series[15].costByChannel.NUMBERS", equalTo("0.0000")));
    }

    /** Every dedicated number is billed, an Enterprise workspace's extra labelled ones too; the shared number never. */
    @Test
    void extraLabelledNumbersAreBilledAndTheSharedNumberIsNot() {
        String org = newOrg();
        PhoneNumber main = PhoneNumber.parse("+12125550173");
        PhoneNumber sales = PhoneNumber.parse("+12125550174");
        PhoneNumber shared = PhoneNumber.parse("+14056940235");
        Instant october = Instant.parse("2026-10-01T00:00:00Z");
        TopicProbe.publish(Topics.NUMBER_ASSIGNMENTS, main.e164(), new NumberAssignment(main, WorkspaceId.of(org), "Main", false, "PN2",
                null, october), UUID.randomUUID().toString());
        TopicProbe.publish(Topics.NUMBER_ASSIGNMENTS, sales.e164(), new NumberAssignment(sales, WorkspaceId.of(org), "Sales", false,
                "PN3", null, october), UUID.randomUUID().toString());
        TopicProbe.publish(Topics.NUMBER_ASSIGNMENTS, NumberAssignment.keyFor(shared, WorkspaceId.of(org)), new NumberAssignment(shared,
                WorkspaceId.of(org), "Main", true, null, null, october), UUID.randomUUID().toString());
        // a label change re-publishes the assignment: still one interval
        TopicProbe.publish(Topics.NUMBER_ASSIGNMENTS, sales.e164(), new NumberAssignment(sales, WorkspaceId.of(org), "Support", false,
                "PN3", null, october), UUID.randomUUID().toString());
        // two numbers, 10 days of a 31-day month each
        await().atMost(WAIT).untilAsserted(() -> usage(org, "2026-10-01", "2026-10-11").statusCode(200)
                .body("totals.costByChannel.NUMBERS", equalTo("0.6452")));
    }

    static String cents(String fourPlaces) {
        return new BigDecimal(fourPlaces).setScale(2, java.math.RoundingMode.HALF_EVEN).toPlainString();
    }

    /** Issue 38: the usage CSV has a row per bucket and channel, and its columns add up to the JSON report's totals. */
    @Test
    void theUsageCsvHasARowPerBucketAndChannelAndAddsUpToTheJson() {
        String org = newOrg();
        Instant now = Instant.now();
        TopicProbe.publish(Topics.OUTBOUND_RESULTS, CUSTOMER.e164(), outbound(org, UUID.randomUUID().toString(), "SENT", 2, null),
                UUID.randomUUID().toString());
        TopicProbe.publish(Topics.ROUTED_MESSAGES, org, new RoutedMessage("SM" + UUID.randomUUID(), WorkspaceId.of(org), "c1", OUR,
                "Main", CUSTOMER, Channel.SMS, "thanks", List.of(), now), UUID.randomUUID().toString());
        TopicProbe.publish(Topics.ROUTED_MESSAGES, org, new RoutedMessage("WA" + UUID.randomUUID(), WorkspaceId.of(org), "c2", OUR,
                "Main", CUSTOMER, Channel.WHATSAPP, "hola", List.of(), now), UUID.randomUUID().toString());
        await().atMost(WAIT).untilAsserted(() -> usage(org, windowStart(), windowEnd()).body("totals.messagesInbound", equalTo(2))
                .body("totals.messagesOutbound", equalTo(1)));
        var totals = usage(org, windowStart(), windowEnd()).extract().jsonPath();
        String csv = given().auth().oauth2(TestTokens.forWorkspace(org)).queryParam("from", windowStart()).queryParam("to", windowEnd())
                .get("/api/workspaces/" + org + "/usage.csv").then().statusCode(200)
                .contentType(startsWith("text/csv"))
                .header("Content-Disposition", containsString("usage-" + org + "-")).extract().asString();
        List<String[]> rows = csv.lines().skip(1).map(line -> line.split(",", -1)).toList();
        assertEquals("start,channel,messagesOutbound,messagesInbound,segmentsOutbound,calls,callSeconds,cost", csv.lines().findFirst()
                .orElseThrow());
        assertEquals(3 * 5, rows.size(), "three days, five channels each");
        for (int column = 2; column <= 6; column++) {
            int c = column;
            long sum = rows.stream().mapToLong(r -> Long.parseLong(r[c])).sum();
            String field = List.of("messagesOutbound", "messagesInbound", "segmentsOutbound", "calls", "callSeconds").get(column - 2);
            assertEquals(totals.getLong("totals." + field), sum, field);
        }
        for (String channel : List.of("SMS", "MMS", "WHATSAPP", "VOICE", "NUMBERS")) {
            BigDecimal sum = rows.stream().filter(r -> r[1].equals(channel)).map(r -> new BigDecimal(r[7]))
                    .reduce(BigDecimal.ZERO, BigDecimal::add);
            assertEquals(totals.getString("totals.costByChannel." + channel), sum.setScale(4).toPlainString(), channel);
        }
        assertEquals(1, rows.stream().filter(r -> r[1].equals("WHATSAPP")).mapToLong(r -> Long.parseLong(r[3])).sum(),
                "the WhatsApp message is on the WhatsApp rows");
        given().auth().oauth2(TestTokens.forWorkspace("org_someone_else")).queryParam("from", windowStart())
                .queryParam("to", windowEnd()).get("/api/workspaces/" + org + "/usage.csv").then().statusCode(403);
        given().auth().oauth2(TestTokens.forWorkspace(org)).queryParam("from", windowEnd()).queryParam("to", windowStart())
                .get("/api/workspaces/" + org + "/usage.csv").then().statusCode(400);
    }

    @Test
    void inboundMessagesAreCountedPerChannel() {
        String org = newOrg();
        Instant now = Instant.now();
        TopicProbe.publish(Topics.ROUTED_MESSAGES, org, new RoutedMessage("SM" + UUID.randomUUID(), WorkspaceId.of(org), "c1", OUR,
                "Main", CUSTOMER, Channel.SMS, "When will it arrive?", List.of(), now), UUID.randomUUID().toString());
        TopicProbe.publish(Topics.ROUTED_MESSAGES, org, new RoutedMessage("WA" + UUID.randomUUID(), WorkspaceId.of(org), "c2", OUR,
                "Main", CUSTOMER, Channel.WHATSAPP, "Hi", List.of(), now), UUID.randomUUID().toString());
        await().atMost(WAIT).untilAsserted(() -> usage(org, windowStart(), windowEnd()).body("totals.messagesInbound", equalTo(2))
                .body("totals.costByChannel.SMS", equalTo("0.0079")).body("totals.costByChannel.WHATSAPP", equalTo("0.0050"))
                .body("totals.cost", equalTo("0.0129")));
    }

    /**
     * One workspace across April and May 2026 (months no other test uses, both past, so the clock does not cut them):
     * a number held from noon on 20 April to 6 am on 10 May is prorated by the hour on each side of the month boundary;
     * the plan changes mid-May and the plan at the month's end earns; May's revenue is split between two channels in
     * proportion to their cost (SMS 0.0079, WhatsApp 0.0050 of 0.0129). The workspace is deleted in June.
     */
    @Test
    void revenueIsSplitByChannelShareAndNumbersAndPlansAreProratedAcrossTheMonthBoundary() {
        String org = newOrg();
        WorkspaceId workspace = WorkspaceId.of(org);
        PhoneNumber number = PhoneNumber.parse("+12125550181");
        Instant boughtAt = Instant.parse("2026-04-20T12:00:00Z");
        TopicProbe.publish(Topics.PROVISIONING_RESULTS, org, new ProvisioningResult(workspace, ProvisioningResult.Status.ACTIVE,
                Plan.PRO, number, "PNmay", 1, null, null, boughtAt), UUID.randomUUID().toString());
        TopicProbe.publish(Topics.PROVISIONING_RESULTS, org, new ProvisioningResult(workspace, ProvisioningResult.Status.ACTIVE,
                Plan.ENTERPRISE, number, "PNmay", 1, null, null, Instant.parse("2026-05-20T00:00:00Z")), UUID.randomUUID().toString());
        // deleted in June, so it is no workspace of any later month (the generated August counts its own exactly)
        TopicProbe.publish(Topics.PROVISIONING_RESULTS, org, new ProvisioningResult(workspace, ProvisioningResult.Status.REMOVED,
                Plan.ENTERPRISE, null, null, 0, null, null, Instant.parse("2026-06-10T00:00:00Z")), UUID.randomUUID().toString());
        TopicProbe.publish(Topics.NUMBER_ASSIGNMENTS, number.e164(), new NumberAssignment(number, workspace, "Main", false, "PNmay",
                null, boughtAt), UUID.randomUUID().toString());
        TopicProbe.send(Topics.NUMBER_ASSIGNMENTS.name(), number.e164(), null, java.util.Map.of("ce_id", UUID.randomUUID().toString(),
                "ce_time", "2026-05-10T06:00:00Z"));
        Instant may = Instant.parse("2026-05-12T09:00:00Z");
        TopicProbe.publish(Topics.ROUTED_MESSAGES, org, new RoutedMessage("SMmay" + org, workspace, "c1", OUR, "Main", CUSTOMER,
                Channel.SMS, "hello", List.of(), may), UUID.randomUUID().toString());
        TopicProbe.publish(Topics.ROUTED_MESSAGES, org, new RoutedMessage("WAmay" + org, workspace, "c2", OUR, "Main", CUSTOMER,
                Channel.WHATSAPP, "hello", List.of(), may), UUID.randomUUID().toString());

        // 10.5 of April's 30 days, 9.25 of May's 31
        await().atMost(WAIT).untilAsserted(() -> usage(org, "2026-04-01", "2026-05-01").statusCode(200)
                .body("totals.costByChannel.NUMBERS", equalTo("0.3500")));
        await().atMost(WAIT).untilAsserted(() -> usage(org, "2026-05-01", "2026-06-01").statusCode(200)
                .body("totals.costByChannel.NUMBERS", equalTo("0.2984")).body("totals.costByChannel.SMS", equalTo("0.0079"))
                .body("totals.costByChannel.WHATSAPP", equalTo("0.0050")));
        // April: Pro, no usage (the number is not usage) -> all of it under NONE
        await().atMost(WAIT).untilAsserted(() -> given().auth().oauth2(TestTokens.forService()).queryParam("month", "2026-04")
                .get("/api/analytics/overview").then().statusCode(200).body("workspacesByPlan.PRO", equalTo(1))
                .body("revenue.total", equalTo("49.00")).body("revenueByChannel.NONE", equalTo("49.00"))
                .body("cost.numbers", equalTo("0.35")));
        // May: Enterprise at the month's end; 199 x 79/129 and 199 x 50/129
        await().atMost(WAIT).untilAsserted(() -> given().auth().oauth2(TestTokens.forService()).queryParam("month", "2026-05")
                .get("/api/analytics/overview").then().statusCode(200).body("workspacesByPlan.ENTERPRISE", equalTo(1))
                .body("workspacesByPlan.PRO", equalTo(null)).body("revenue.total", equalTo("199.00"))
                .body("revenueByChannel.SMS", equalTo("121.87")).body("revenueByChannel.WHATSAPP", equalTo("77.13"))
                .body("revenueByChannel.NONE", equalTo("0.00")).body("cost.numbers", equalTo("0.30")));
    }

    /** 400 Pro and 100 Enterprise workspaces (and 20 Starter) through a generated August: the seed's revenue table. */
    @Test
    void theOverviewOfAGeneratedMonthReproducesTheSeedsRevenueTable() {
        String run = UUID.randomUUID().toString().substring(0, 6);
        Instant first = Instant.parse("2026-08-01T00:00:00Z");
        List<java.util.Map.Entry<String, Object>> results = new java.util.ArrayList<>();
        List<java.util.Map.Entry<String, Object>> assignments = new java.util.ArrayList<>();
        for (int i = 0; i < 520; i++) {
            Plan plan = i < 400 ? Plan.PRO : i < 500 ? Plan.ENTERPRISE : Plan.STARTER;
            String org = "org_ov" + run + "_" + i;
            WorkspaceId workspace = WorkspaceId.of(org);
            if (plan == Plan.STARTER) {
                results.add(java.util.Map.entry(org, new ProvisioningResult(workspace, ProvisioningResult.Status.SHARED, plan, null,
                        null, 0, null, null, first)));
                continue;
            }
            results.add(java.util.Map.entry(org, new ProvisioningResult(workspace, ProvisioningResult.Status.PROVISIONING, plan,
                    null, null, 0, null, null, first)));
            if (i < 3) { // three purchases failed once before they succeeded
                results.add(java.util.Map.entry(org, new ProvisioningResult(workspace, ProvisioningResult.Status.FAILED, plan, null,
                        null, 1, "20500", "SignalWire had an internal error", first.plusMillis(500))));
            }
            // each number came 1 to 10 s after its purchase began
            PhoneNumber number = PhoneNumber.parse("+1646" + (2000000 + i));
            results.add(java.util.Map.entry(org, new ProvisioningResult(workspace, ProvisioningResult.Status.ACTIVE, plan,
                    number, "PN" + i, i < 3 ? 2 : 1, null, null, first.plusSeconds(i % 10 + 1))));
            assignments.add(java.util.Map.entry(number.e164(), new NumberAssignment(number, workspace, "Main", false, "PN" + i, null,
                    first.plusSeconds(i % 10 + 1))));
        }
        TopicProbe.publishAll(Topics.PROVISIONING_RESULTS, results);
        TopicProbe.publishAll(Topics.NUMBER_ASSIGNMENTS, assignments);
        // one SMS from a Pro workspace, one WhatsApp to an Enterprise one: their revenue is attributed to those channels
        Instant august = Instant.parse("2026-08-10T12:00:00Z");
        TopicProbe.publish(Topics.OUTBOUND_RESULTS, CUSTOMER.e164(), new OutboundResult(UUID.randomUUID().toString(),
                WorkspaceId.of("org_ov" + run + "_0"), "SMov" + run, OUR, CUSTOMER, false, "hi", "DELIVERED", null, 1, null, null,
                august, august), UUID.randomUUID().toString());
        TopicProbe.publish(Topics.ROUTED_MESSAGES, "org_ov" + run + "_400", new RoutedMessage("WAov" + run,
                WorkspaceId.of("org_ov" + run + "_400"), "c", OUR, "Main", CUSTOMER, Channel.WHATSAPP, "hello", List.of(), august),
                UUID.randomUUID().toString());

        await().atMost(Duration.ofSeconds(90)).untilAsserted(() -> given().auth().oauth2(TestTokens.forService())
                .queryParam("month", "2026-08").get("/api/analytics/overview").then().statusCode(200)
                .body("workspacesByPlan.PRO", equalTo(400)).body("workspacesByPlan.ENTERPRISE", equalTo(100))
                .body("workspacesByPlan.STARTER", equalTo(20))
                .body("revenue.total", equalTo("39500.00")).body("revenue.byPlan.PRO", equalTo("19600.00"))
                .body("revenue.byPlan.ENTERPRISE", equalTo("19900.00")).body("revenue.byPlan.STARTER", equalTo("0.00"))
                .body("revenueByChannel.SMS", equalTo("49.00")).body("revenueByChannel.WHATSAPP", equalTo("199.00"))
                .body("revenueByChannel.NONE", equalTo("39252.00"))
                // 500 numbers held the whole month but 1 to 10 s, and 0.0129 of messages
                .body("cost.numbers", equalTo("500.00")).body("cost.usage", equalTo("0.01")).body("cost.total", equalTo("500.01"))
                .body("margin.amount", equalTo("38999.99")).body("margin.percent", equalTo("98.7"))
                .body("provisioning.attempts", equalTo(503)).body("provisioning.succeeded", equalTo(500))
                .body("provisioning.failed", equalTo(3)).body("provisioning.successRatePercent", equalTo("99.4"))
                .body("provisioning.failuresByReason.'20500'", equalTo(3))
                .body("provisioning.timeToNumberP50Seconds", equalTo(5)).body("provisioning.timeToNumberP95Seconds", equalTo(10)));
        // the per-workspace table: most expensive first (a number each, plus the SMS and the WhatsApp), paged
        var firstPage = given().auth().oauth2(TestTokens.forService()).queryParam("month", "2026-08").queryParam("limit", 2)
                .get("/api/analytics/workspaces").then().statusCode(200)
                .body("items[0].workspaceId", equalTo("org_ov" + run + "_0")).body("items[0].costByChannel.SMS", equalTo("0.01"))
                .body("items[0].revenue", equalTo("49.00")).body("items[0].plan", equalTo("PRO"))
                .body("items[1].workspaceId", equalTo("org_ov" + run + "_400")).body("items[1].revenue", equalTo("199.00"))
                .extract().jsonPath();
        given().auth().oauth2(TestTokens.forService()).queryParam("month", "2026-08").queryParam("limit", 200)
                .queryParam("cursor", firstPage.getString("nextCursor")).get("/api/analytics/workspaces").then().statusCode(200)
                .body("items.size()", equalTo(200))
                .body("items.findAll { it.workspaceId == 'org_ov" + run + "_0' || it.workspaceId == 'org_ov" + run + "_400' }.size()",
                        equalTo(0));
        // the same table as CSV (issue 38): every workspace of the month, the same figures, money with four places
        java.util.Map<String, java.util.Map<String, Object>> json = new java.util.HashMap<>();
        String cursor = null;
        do {
            var request = given().auth().oauth2(TestTokens.forService()).queryParam("month", "2026-08").queryParam("limit", 200);
            if (cursor != null) {
                request.queryParam("cursor", cursor);
            }
            var page = request.get("/api/analytics/workspaces").then().statusCode(200).extract().jsonPath();
            List<java.util.Map<String, Object>> items = page.getList("items");
            items.forEach(item -> json.put((String) item.get("workspaceId"), item));
            cursor = page.getString("nextCursor");
        } while (cursor != null);
        var csv = given().auth().oauth2(TestTokens.forService()).queryParam("month", "2026-08").get("/api/analytics/workspaces.csv")
                .then().statusCode(200).contentType(org.hamcrest.Matchers.startsWith("text/csv"))
                .header("Content-Disposition", org.hamcrest.Matchers.containsString("workspaces-2026-08.csv")).extract().asString();
        List<String> lines = csv.lines().toList();
        assertEquals("workspaceId,plan,revenue,cost,costSMS,costMMS,costWHATSAPP,costVOICE,costNUMBERS,margin", lines.get(0));
        assertEquals(json.size(), lines.size() - 1, "one row per workspace, as the JSON pages hold them");
        assertEquals("org_ov" + run + "_0", lines.get(1).split(",")[0], "most expensive first, as the JSON");
        for (String line : lines.subList(1, lines.size())) {
            String[] f = line.split(",", -1);
            var row = json.get(f[0]);
            assertNotNull(row, f[0]);
            @SuppressWarnings("unchecked")
            var byChannel = (java.util.Map<String, Object>) row.get("costByChannel");
            assertEquals(row.get("plan") == null ? "" : row.get("plan"), f[1]);
            assertTrue(f[2].matches("-?\\d+\\.\\d{4}"), "four places: " + f[2]);
            assertEquals(row.get("revenue"), cents(f[2]), f[0]);
            assertEquals(row.get("cost"), cents(f[3]), f[0]);
            assertEquals(byChannel.get("SMS"), cents(f[4]), f[0]);
            assertEquals(byChannel.get("WHATSAPP"), cents(f[6]), f[0]);
            assertEquals(row.get("margin"), cents(f[9]), f[0]);
        }
        given().auth().oauth2(TestTokens.forWorkspace("org_ov" + run + "_0")).queryParam("month", "2026-08")
                .get("/api/analytics/workspaces.csv").then().statusCode(403);
        // least profitable first: the Starter workspaces earn nothing and hold no number
        given().auth().oauth2(TestTokens.forService()).queryParam("month", "2026-08").queryParam("sort", "margin")
                .queryParam("limit", 20).get("/api/analytics/workspaces").then().statusCode(200)
                .body("items.plan.unique()", equalTo(List.of("STARTER"))).body("items[0].margin", equalTo("0.00"));
        given().auth().oauth2(TestTokens.forService()).queryParam("month", "2026-08").queryParam("sort", "name")
                .get("/api/analytics/workspaces").then().statusCode(400);
        // operators only
        given().auth().oauth2(TestTokens.forWorkspace("org_ov" + run + "_0")).queryParam("month", "2026-08")
                .get("/api/analytics/overview").then().statusCode(403);
        given().auth().oauth2(TestTokens.forService()).queryParam("month", "August").get("/api/analytics/overview").then()
                .statusCode(400).body("code", equalTo("invalid_request"));
    }

    @TestHTTPResource("/")
    URL api;

    /**
     * The live stream: a new fact reaches a subscriber, as it is counted. How fast is printed, not asserted: a wall-clock
     * bound on a busy two-core machine is a flaky test (BENCHMARKS.md measures it).
     */
    @Test
    void theLiveStreamDeliversANewFactToItsSubscriber() throws Exception {
        String org = newOrg();
        java.util.concurrent.BlockingQueue<String> events = new java.util.concurrent.LinkedBlockingQueue<>();
        java.net.http.HttpClient client = java.net.http.HttpClient.newHttpClient();
        var stream = client.sendAsync(java.net.http.HttpRequest.newBuilder(java.net.URI.create(api + "api/workspaces/" + org
                + "/usage/live")).header("Authorization", "Bearer " + TestTokens.forWorkspaceUntil(org, Instant.now().plusSeconds(60)))
                .header("Accept", "text/event-stream").build(), java.net.http.HttpResponse.BodyHandlers.ofLines())
                .thenAccept(response -> response.body().filter(line -> line.startsWith("data:")).forEach(events::add));
        try {
            // the subscription is live once a first fact comes through (the stream replays nothing from before it)
            String first = null;
            for (int attempt = 0; attempt < 15 && first == null; attempt++) {
                String sid = "SMlive" + UUID.randomUUID();
                TopicProbe.publish(Topics.ROUTED_MESSAGES, org, new RoutedMessage(sid, WorkspaceId.of(org), "c", OUR, "Main", CUSTOMER,
                        Channel.SMS, "hello", List.of(), Instant.now()), UUID.randomUUID().toString());
                first = events.poll(2, java.util.concurrent.TimeUnit.SECONDS);
            }
            assertNotNull(first, "the live stream never delivered a fact");
            events.clear();
            String message = UUID.randomUUID().toString();
            long sent = System.nanoTime();
            TopicProbe.publish(Topics.OUTBOUND_RESULTS, CUSTOMER.e164(), outbound(org, message, "SENT", 2, null),
                    UUID.randomUUID().toString());
            String event = null;
            while (event == null || !event.contains(message)) {
                event = events.poll(WAIT.toSeconds(), java.util.concurrent.TimeUnit.SECONDS);
                assertNotNull(event, "no fact within " + WAIT);
            }
            long tookMillis = (System.nanoTime() - sent) / 1_000_000;
            System.out.printf("live usage: the fact arrived %d ms after its event was acknowledged by the broker%n", tookMillis);
            assertTrue(event.contains("\"kind\":\"MESSAGE_OUTBOUND\"")
                    && event.contains("\"quantity\":2") && event.contains("\"cost\":\"0.0158\""), event);
        } finally {
            stream.cancel(true);
        }
        given().auth().oauth2(TestTokens.forWorkspace("org_someone_else")).get("/api/workspaces/" + org + "/usage/live").then()
                .statusCode(403);
    }

    @jakarta.inject.Inject
    ai.galaxyco.phone.analytics.domain.LiveFacts liveFacts;

    /** Opens a live stream with a token valid for {@code seconds}; the future completes when the server ends it. */
    private java.util.concurrent.CompletableFuture<Void> liveStream(String org, int seconds) {
        return java.net.http.HttpClient.newHttpClient().sendAsync(java.net.http.HttpRequest.newBuilder(java.net.URI.create(api
                + "api/workspaces/" + org + "/usage/live")).header("Authorization", "Bearer "
                + TestTokens.forWorkspaceUntil(org, Instant.now().plusSeconds(seconds))).header("Accept", "text/event-stream").build(),
                java.net.http.HttpResponse.BodyHandlers.ofLines()).thenAccept(response -> {
                    assertEquals(200, response.statusCode());
                    response.body().forEach(line -> { });
                });
    }

    /** Issue 33: a stream ends with its token (the client reconnects with a fresh one), and streams are bounded. */
    @Test
    void liveStreamsEndWhenTheirTokenExpiresAndAreBoundedPerWorkspaceAndPerInstance() throws Exception {
        // streams of other tests end with their tokens too
        await().atMost(Duration.ofSeconds(90)).until(() -> liveFacts.openStreams() == 0);
        String busy = newOrg();
        String other = newOrg();
        List<java.util.concurrent.CompletableFuture<Void>> streams = new java.util.ArrayList<>();
        for (int i = 0; i < 5; i++) {
            streams.add(liveStream(busy, 12));
        }
        for (int i = 0; i < 3; i++) {
            streams.add(liveStream(other, 12));
        }
        await().atMost(WAIT).until(() -> liveFacts.openStreams() == 8);
        given().auth().oauth2(TestTokens.forWorkspace(busy)).get("/api/workspaces/" + busy + "/usage/live").then().statusCode(429)
                .body("code", org.hamcrest.Matchers.equalTo("live_streams_exhausted"))
                .body("detail", org.hamcrest.Matchers.containsString("LIVE_STREAMS_PER_WORKSPACE"));
        String third = newOrg();
        given().auth().oauth2(TestTokens.forWorkspace(third)).get("/api/workspaces/" + third + "/usage/live").then().statusCode(429)
                .body("detail", org.hamcrest.Matchers.containsString("LIVE_STREAMS_PER_INSTANCE"));
        // every stream ends by itself when its token expires: the server closes it, not the client
        java.util.concurrent.CompletableFuture.allOf(streams.toArray(java.util.concurrent.CompletableFuture[]::new))
                .get(60, java.util.concurrent.TimeUnit.SECONDS);
        await().atMost(WAIT).until(() -> liveFacts.openStreams() == 0);
        liveStream(third, 3).get(60, java.util.concurrent.TimeUnit.SECONDS); // room again
    }

    @jakarta.inject.Inject
    io.micrometer.core.instrument.MeterRegistry registry;

    @Test
    void metersTaggedWithAWorkspaceAreRefusedAndFactsAreCountedByChannel() {
        registry.counter("analytics.test.tenant", "workspace", "org_a").increment();
        assertTrue(registry.find("analytics.test.tenant").meters().isEmpty(), "a per-workspace meter was registered");
        String org = newOrg();
        TopicProbe.publish(Topics.ROUTED_MESSAGES, org, new RoutedMessage("SMm" + UUID.randomUUID(), WorkspaceId.of(org), "c", OUR,
                "Main", CUSTOMER, Channel.SMS, "count me", List.of(), Instant.now()), UUID.randomUUID().toString());
        await().atMost(WAIT).until(() -> registry.find("analytics.facts").tag("kind", "MESSAGE_INBOUND").tag("channel", "SMS")
                .counter() != null);
        given().get("/api/workspaces/" + org + "/usage").then().statusCode(401);
        // request latencies are published as histogram buckets (the dashboard's p99 is computed from them)
        String metrics = given().get(operations + "metrics").then().statusCode(200).extract().asString();
        assertTrue(metrics.contains("http_server_requests_seconds_bucket{"), "no latency buckets in /q/metrics");
        // ready only once every channel's consumer has joined its group (the service kit's ConsumersJoined)
        await().atMost(WAIT).untilAsserted(() -> given().get(operations + "health/ready").then().statusCode(200)
                .body(containsString("kafka consumers joined their groups")));
    }

    @Test
    void theUsageApiRefusesOtherWorkspacesAndBadPeriods() {
        String org = newOrg();
        given().auth().oauth2(TestTokens.forWorkspace("org_someone_else")).queryParam("from", windowStart()).queryParam("to", windowEnd())
                .get("/api/workspaces/" + org + "/usage").then().statusCode(403);
        usage(org, windowEnd(), windowStart()).statusCode(400).body("code", equalTo("invalid_request"));
        usage(org, "2026-11", windowStart()).statusCode(400).body("code", equalTo("invalid_request"));
        given().auth().oauth2(TestTokens.forWorkspace(org)).queryParam("from", "2026-01-01").queryParam("to", "2026-03-01")
                .queryParam("granularity", "hour").get("/api/workspaces/" + org + "/usage").then().statusCode(400);
        given().auth().oauth2(TestTokens.forWorkspace(org)).queryParam("from", "2026-01-01").queryParam("to", "2026-01-02")
                .queryParam("granularity", "week").get("/api/workspaces/" + org + "/usage").then().statusCode(400);
        given().auth().oauth2(TestTokens.forWorkspace(org)).queryParam("from", "2026-01-01").queryParam("to", "2026-01-02")
                .queryParam("granularity", "hour").get("/api/workspaces/" + org + "/usage").then().statusCode(200)
                .body("series", hasSize(24)).body("totals.cost", equalTo("0.0000"));
    }

    @Test
    void analyticsPublishesNothingSoItRunsNoOutboxRelay() {
        assertFalse(io.quarkus.arc.Arc.container().select(ai.galaxyco.phone.kit.messaging.OutboxRelay.class).isResolvable(),
                "galaxyco.outbox.relay=false leaves the relay (and its polling thread) out");
    }
}
