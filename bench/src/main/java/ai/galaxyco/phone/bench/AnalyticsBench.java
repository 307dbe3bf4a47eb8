package ai.galaxyco.phone.bench;

import ai.galaxyco.phone.model.CloudEventHeaders;
import ai.galaxyco.phone.model.EventJson;
import ai.galaxyco.phone.model.Topic;
import ai.galaxyco.phone.model.Topics;
import ai.galaxyco.phone.model.events.OutboundResult;
import ai.galaxyco.phone.model.events.RoutedMessage;
import ai.galaxyco.phone.model.values.Channel;
import ai.galaxyco.phone.model.values.PhoneNumber;
import ai.galaxyco.phone.model.values.WorkspaceId;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.HdrHistogram.Histogram;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The usage ledger's two promises: ingest (events/s into facts, one transaction per poll) and reading a month of a
 * busy workspace (the hourly rollup, not a scan of its facts).
 */
final class AnalyticsBench {

    private static final String DATABASE = "galaxyco_analytics";
    private final Stack stack;
    private final String runId;

    AnalyticsBench(Stack stack, String runId) {
        this.stack = stack;
        this.runId = runId;
    }

    void run() throws Exception {
        // the query first: after the ingest, analytics spends minutes asking the sandbox for prices of the bench's
        // made-up inbound sids (404s), which would share the cores with the queries
        monthQuery();
        ingest();
    }

    /**
     * 40,000 outbound messages (SENT, then DELIVERED with a price: 80,000 events) and 40,000 inbound ones over 500
     * workspaces, queued while analytics is stopped (SIGSTOP), then read as one backlog after SIGCONT.
     */
    void ingest() throws Exception {
        int messages = 40_000;
        int workspaces = 500;
        int events = messages * 3;
        System.out.printf("%n== Analytics ingest: %,d events (%,d outbound x SENT+DELIVERED, %,d inbound) over %d workspaces, "
                + "routing and outbound paused%n", events, messages, messages, workspaces);
        String prefix = "ab-" + runId + "-";
        // routing and outbound consume these topics too and would share the two cores; paused (as the gateway ingest
        // pauses routing) so the ledger is measured alone. -Dbench.pauseOthers=false keeps them running.
        List<String> others = Boolean.parseBoolean(System.getProperty("bench.pauseOthers", "true"))
                ? List.of("routing-service", "outbound-service") : List.of();
        for (String other : others) {
            stack.signal(other, "STOP");
        }
        try {
            ingestAlone(prefix, messages, workspaces, events);
        } finally {
            for (String other : others) {
                stack.signal(other, "CONT");
            }
        }
    }

    private void ingestAlone(String prefix, int messages, int workspaces, int events) throws Exception {
        stack.signal("analytics-service", "STOP");
        long queuedIn;
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.<String, Object>of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.get("KAFKA_BOOTSTRAP_SERVERS"), ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.LINGER_MS_CONFIG, 5, ProducerConfig.BATCH_SIZE_CONFIG, 262_144), new StringSerializer(),
                new StringSerializer())) {
            long started = System.nanoTime();
            PhoneNumber ours = PhoneNumber.parse("+12125550999");
            for (int i = 0; i < messages; i++) {
                String org = "org_bench_" + runId + "_" + (i % workspaces);
                PhoneNumber customer = PhoneNumber.parse("+1415556" + String.format("%04d", i % 10_000));
                Instant now = Instant.now();
                String id = prefix + "o" + i;
                send(producer, Topics.OUTBOUND_RESULTS, customer.e164(), id + ":SENT", new OutboundResult(id, WorkspaceId.of(org),
                        "SM" + id, ours, customer, false, "bench " + i, "SENT", null, 1 + i % 3, null, null, now, now));
                send(producer, Topics.OUTBOUND_RESULTS, customer.e164(), id + ":DELIVERED", new OutboundResult(id,
                        WorkspaceId.of(org), "SM" + id, ours, customer, false, "bench " + i, "DELIVERED", null, 1 + i % 3,
                        new BigDecimal("-0.0083").multiply(BigDecimal.valueOf(1 + i % 3)), "USD", now, now));
                send(producer, Topics.ROUTED_MESSAGES, org, prefix + "i" + i, new RoutedMessage(prefix + "i" + i, WorkspaceId.of(org),
                        "c" + i, ours, "Main", customer, Channel.SMS, "reply " + i, List.of(), now));
            }
            producer.flush();
            queuedIn = (System.nanoTime() - started) / 1_000_000;
        } finally {
            stack.signal("analytics-service", "CONT");
        }
        long resumed = System.nanoTime();
        System.out.printf("queued in %.1f s with analytics stopped; resumed%n", queuedIn / 1000.0);
        String progress = "select count(*) filter (where status = 'DELIVERED') + count(*) filter (where kind = 'MESSAGE_INBOUND') "
                + "from analytics.usage_fact where source_id like '" + prefix + "%'";
        // events done = outbound facts delivered (2 events each) + inbound facts (1 each); sampled until all are in
        long tenPercentAt = 0;
        long ninetyPercentAt = 0;
        int done = 0;
        int last = -1;
        long lastChange = System.nanoTime();
        while (System.nanoTime() - lastChange < 60_000_000_000L) {
            done = Integer.parseInt(Benchmarks.psql(DATABASE, progress).trim());
            long now = System.nanoTime();
            if (done != last) {
                last = done;
                lastChange = now;
            }
            if (tenPercentAt == 0 && done >= messages * 2 / 10) {
                tenPercentAt = now;
            }
            if (ninetyPercentAt == 0 && done >= messages * 2 * 9 / 10) {
                ninetyPercentAt = now;
            }
            if (done >= messages * 2) {
                break;
            }
            Thread.sleep(100);
        }
        double total = (System.nanoTime() - resumed) / 1e9;
        double steady = (ninetyPercentAt - tenPercentAt) / 1e9;
        System.out.printf("%-34s %,d of %,d facts complete in %.1f s after resume: %,.0f events/s overall (incl. rejoining the "
                + "group)%n", "ledger ingest", done, messages * 2, total, events * (done / (double) (messages * 2)) / total);
        if (ninetyPercentAt > 0) {
            System.out.printf("%-34s %,.0f events/s between 10%% and 90%% of the backlog%n", "", events * 0.8 / steady);
        }
        // the bench's inbound sids are made up: spare the sandbox (and the next measurement) 40,000 price lookups that 404
        Benchmarks.psql(DATABASE, "update analytics.usage_fact set price_due_at = null where source_id like '" + prefix + "%' "
                + "and price_due_at is not null");
        String check = Benchmarks.psql(DATABASE, "select count(*), sum(quantity), count(*) filter (where actual_cost is null) "
                + "from analytics.usage_fact where source_id like '" + prefix + "o%'").trim();
        long segments = 0;
        for (int i = 0; i < messages; i++) {
            segments += 1 + i % 3;
        }
        System.out.printf("%-34s outbound facts | segments | without actual price: %s (expected %d|%d|0)%n", "", check, messages,
                segments);
    }

    /** A workspace with 100,000 facts this month: its month by day and by hour through the usage API. */
    void monthQuery() throws Exception {
        String org = "org_benchq_" + runId;
        LocalDate first = LocalDate.now(ZoneOffset.UTC).withDayOfMonth(1);
        System.out.printf("%n== Usage of a month with 100,000 facts (%s, %s)%n", org, first.getMonth());
        long started = System.nanoTime();
        Benchmarks.psql(DATABASE, "insert into analytics.usage_fact (source_id, kind, workspace_id, channel, quantity, status, "
                + "estimated_cost, occurred_at, updated_at) select 'aq-" + runId + "-' || g, case when g % 3 = 0 then 'MESSAGE_INBOUND' "
                + "else 'MESSAGE_OUTBOUND' end, '" + org + "', case when g % 10 = 0 then 'MMS' else 'SMS' end, 1 + g % 3, 'DELIVERED', "
                + "0.0079 * (1 + g % 3), timestamptz '" + first + " 00:00:00+00' + (g % (86400 * 27)) * interval '1 second', now() "
                + "from generate_series(1, 100000) g");
        System.out.printf("inserted 100,000 facts in %.1f s (the trigger keeps the hourly rollup)%n", (System.nanoTime() - started) / 1e9);
        // a service token: the per-workspace rate limit (10 reads/s) applies to users, and this measures the query
        String token = stack.token(null);
        HttpClient http = HttpClient.newHttpClient();
        for (String granularity : List.of("day", "hour")) {
            URI uri = URI.create(stack.get("ANALYTICS_URL") + "/api/workspaces/" + org + "/usage?from=" + first + "&to="
                    + first.plusMonths(1) + "&granularity=" + granularity);
            HttpRequest request = HttpRequest.newBuilder(uri).header("Authorization", "Bearer " + token).build();
            for (int i = 0; i < 100; i++) { // warm-up
                http.send(request, HttpResponse.BodyHandlers.discarding());
            }
            Histogram latency = new Histogram(60_000_000L, 3);
            int requests = 1000;
            long body = 0;
            for (int i = 0; i < requests; i++) {
                long t = System.nanoTime();
                HttpResponse<byte[]> response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
                latency.recordValue(Math.max(1, (System.nanoTime() - t) / 1000));
                if (response.statusCode() != 200) {
                    throw new IllegalStateException("usage answered " + response.statusCode() + ": "
                            + new String(response.body(), StandardCharsets.UTF_8));
                }
                body = response.body().length;
            }
            System.out.printf("%-34s %d requests, one at a time: p50 %6.2f ms  p99 %6.2f ms  max %6.2f ms  (%,d bytes)%n",
                    "GET usage, month by " + granularity, requests, latency.getValueAtPercentile(50) / 1000.0,
                    latency.getValueAtPercentile(99) / 1000.0, latency.getMaxValue() / 1000.0, body);
        }
        String range = "workspace_id = '" + org + "' and %s >= '" + first + "' and %s < '" + first.plusMonths(1) + "'";
        System.out.printf("%-34s rollup %s ms, a scan of the facts %s ms (PostgreSQL's execution time, EXPLAIN ANALYZE)%n",
                "the month's query in the database", executionTime("select date_trunc('day', hour, 'UTC'), kind, channel, sum(facts), "
                        + "sum(quantity), sum(cost) from analytics.usage_hourly where " + range.formatted("hour", "hour")
                        + " group by 1, 2, 3"),
                executionTime("select date_trunc('day', occurred_at, 'UTC'), kind, channel, count(*), sum(quantity), "
                        + "sum(coalesce(actual_cost, estimated_cost)) from analytics.usage_fact where "
                        + range.formatted("occurred_at", "occurred_at") + " group by 1, 2, 3"));
    }

    private static String executionTime(String sql) throws Exception {
        String plan = Benchmarks.psql(DATABASE, "explain analyze " + sql);
        return plan.lines().filter(l -> l.startsWith("Execution Time")).map(l -> l.replaceAll("[^0-9.]", "")).findFirst().orElse("?");
    }

    private static void send(KafkaProducer<String, String> producer, Topic<?> topic, String key, String eventId, Object event) {
        ProducerRecord<String, String> record = new ProducerRecord<>(topic.name(), key, EventJson.write(event));
        CloudEventHeaders.binary(eventId, topic.eventType(), "/galaxyco-phone/bench", Instant.now())
                .forEach((name, value) -> record.headers().add(name, value.getBytes(StandardCharsets.UTF_8)));
        producer.send(record);
    }
}
