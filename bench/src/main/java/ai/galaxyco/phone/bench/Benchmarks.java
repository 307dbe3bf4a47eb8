package ai.galaxyco.phone.bench;

import ai.galaxyco.phone.model.EventJson;
import ai.galaxyco.phone.model.Topics;
import ai.galaxyco.phone.model.events.ProvisioningResult;
import ai.galaxyco.phone.model.events.RoutedMessage;
import ai.galaxyco.phone.model.signature.SignalWireSignature;
import ai.galaxyco.phone.model.signature.SvixSignature;
import com.fasterxml.jackson.databind.JsonNode;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Benchmarks against a running local stack (./stack up --detach). Prints figures; asserts nothing.
 * Usage: ops/bench.sh [ingest|e2e|provisioning|pacing|all|analytics|scale|faults|kafka-outage]
 */
public final class Benchmarks {

    private final Stack stack;
    private final Vertx vertx = Vertx.vertx();
    private final String runId = Long.toString(System.currentTimeMillis(), 36);

    private Benchmarks(Stack stack) {
        this.stack = stack;
    }

    public static void main(String[] args) throws Exception {
        Benchmarks bench = new Benchmarks(new Stack(Path.of(System.getProperty("stack.root", "."))));
        String what = args.length == 0 ? "all" : args[0];
        System.out.printf("GalaxyCo Phone benchmarks, %s, %d cores, Java %s%n", Instant.now(),
                Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"));
        bench.memory("idle");
        try {
            if (what.equals("ingest") || what.equals("all")) {
                bench.ingest();
                bench.memory("after ingest");
            }
            if (what.equals("e2e") || what.equals("all")) {
                bench.endToEnd();
            }
            if (what.equals("provisioning") || what.equals("all")) {
                bench.provisioningBurst();
            }
            if (what.equals("pacing") || what.equals("all")) {
                bench.pacing();
            }
            if (what.equals("analytics")) { // not part of "all": it writes 140,000 facts into the local ledger
                new AnalyticsBench(bench.stack, bench.runId).run();
            }
            if (what.equals("scale")) { // not part of "all": kills an instance of each consumer service
                new ScaleBench(bench, bench.stack, bench.vertx, bench.runId).run();
            }
            if (what.equals("faults")) { // not part of "all": it stops the machine's PostgreSQL for a few seconds
                bench.faults();
            }
            if (what.equals("kafka-outage")) { // not part of "all": a minute without Kafka
                bench.kafkaOutage();
            }
            bench.memory("at the end");
        } finally {
            spareMadeUpPriceLookups();
            bench.vertx.close();
        }
    }

    /**
     * The benchmarks' inbound sids are made up: analytics would ask SignalWire (the sandbox) for each one's price and get
     * 404, one at a time, ahead of every real fact due later (a `./stack demo` after a flood waited behind 600,000 of
     * them). Their price lookups are called off once a run ends.
     */
    private static void spareMadeUpPriceLookups() {
        try {
            psql("galaxyco_analytics", "update analytics.usage_fact set price_due_at = null where price_due_at is not null and ("
                    + "source_id like 'SMbench%' or source_id like 'SMscale%' or source_id like 'SMfault%' or source_id like 'SMkout%')");
        } catch (Exception e) {
            System.out.println("could not call off the price lookups of the benchmark's made-up sids: " + e.getMessage());
        }
    }

    void memory(String when) {
        System.out.printf("%nRSS %s:", when);
        for (String name : List.of("webhook-gateway", "provisioning-service", "routing-service", "outbound-service", "analytics-service",
                "kafka", "sandbox")) {
            System.out.printf(" %s %d MB,", name, stack.rssMegabytes(name));
        }
        System.out.println();
    }

    // ------------------------------------------------------------------------------------ gateway ingest

    private Load.Prepared signedSms(int i, String to) {
        return signedSms("SMbench" + runId + "x" + i, i, to);
    }

    Load.Prepared signedSms(String sid, int i, String to) {
        String path = "/api/webhooks/signalwire/sms";
        List<Map.Entry<String, String>> params = List.of(Map.entry("MessageSid", sid), Map.entry("AccountSid", "bench"),
                Map.entry("From", "+1415555" + String.format("%04d", i % 10000)), Map.entry("To", to),
                Map.entry("Body", "benchmark message " + i), Map.entry("NumMedia", "0"), Map.entry("NumSegments", "1"));
        String signature = SignalWireSignature.formSignature(stack.get("SIGNALWIRE_SIGNING_KEY"),
                stack.get("NEXT_PUBLIC_APP_URL") + path, params);
        String body = params.stream().map(p -> p.getKey() + "=" + URLEncoder.encode(p.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
        return new Load.Prepared(path, "application/x-www-form-urlencoded", List.<String[]>of(new String[] {"X-SignalWire-Signature", signature}),
                Buffer.buffer(body));
    }

    void ingest() throws Exception {
        System.out.println("\n== Gateway ingest: distinct, pre-signed SMS webhooks; each is published with acks=all before the 200");
        int prepared = 400_000;
        List<Load.Prepared> requests = new ArrayList<>(prepared);
        for (int i = 0; i < prepared; i++) {
            requests.add(signedSms(i, "+12125550999")); // a number nobody owns: routed to the unrouted store
        }
        // routing would consume this flood concurrently on the same two cores; pause it so the gateway is measured
        // alone (Kafka keeps the records; routing catches up after SIGCONT). -Dbench.pauseRouting=false to keep it.
        boolean pause = Boolean.parseBoolean(System.getProperty("bench.pauseRouting", "true"));
        if (pause) {
            stack.signal("routing-service", "STOP");
        }
        Load gateway = new Load(vertx, stack.get("GATEWAY_URL"), 128);
        List<Load.Result> results = new ArrayList<>();
        try {
            gateway.closedLoop("warm-up (c=32, 5 s)", 32, 5, i -> requests.get(i % prepared));
            int offset = 50_000;
            for (int c : new int[] {8, 32, 64}) {
                int base = offset;
                results.add(gateway.closedLoop("gateway closed loop c=" + c + " (10 s)", c, 10, i -> requests.get((base + i) % prepared)));
                offset += 120_000;
            }
            for (int rate : new int[] {500, 1000, 2000}) {
                int base = offset;
                results.add(gateway.openLoop("gateway open loop " + rate + "/s (10 s)", rate, 10, i -> requests.get((base + i) % prepared)));
                offset += rate * 10;
            }
        } finally {
            gateway.close();
            if (pause) {
                stack.signal("routing-service", "CONT");
            }
        }
        results.forEach(r -> System.out.println(r.line()));

        // baseline with the same client: a bare Vert.x route answering 200
        HttpServer server = vertx.createHttpServer().requestHandler(r -> r.body().onComplete(b -> r.response().end("ok")))
                .listen(0).toCompletionStage().toCompletableFuture().get();
        Load bare = new Load(vertx, "http://127.0.0.1:" + server.actualPort(), 128);
        Load.Result baseline = bare.closedLoop("bare Vert.x route c=64 (10 s)", 64, 10, i -> requests.get(i % prepared));
        bare.close();
        server.close();
        System.out.println(baseline.line());
        double best = results.stream().filter(r -> r.name().contains("closed")).mapToDouble(Load.Result::throughput).max().orElse(0);
        System.out.printf("gateway best closed-loop / bare route = %.0f / %.0f = %.2f%n", best, baseline.throughput(),
                best / baseline.throughput());
    }

    // ------------------------------------------------------------------------------------ end-to-end inbound

    String proWorkspaceNumber(String org) throws Exception {
        clerk(org, "pro");
        String token = stack.token(null);
        for (int i = 0; i < 240; i++) {
            JsonNode n = stack.getJson(stack.get("PROVISIONING_URL") + "/api/workspaces/" + org + "/numbers", token);
            if (n != null && "ACTIVE".equals(n.path("status").asText())) {
                return n.path("numbers").path(0).path("phoneNumber").asText();
            }
            Thread.sleep(250);
        }
        throw new IllegalStateException("no number for " + org);
    }

    int clerk(String org, String plan) throws Exception {
        String id = "msg_" + UUID.randomUUID();
        long now = System.currentTimeMillis();
        String body = "{\"type\":\"organization.created\",\"timestamp\":" + now + ",\"data\":{\"object\":\"organization\",\"id\":\"" + org
                + "\",\"name\":\"bench\",\"public_metadata\":{\"plan\":\"" + plan + "\"},\"updated_at\":" + now + "}}";
        long ts = now / 1000;
        var request = java.net.http.HttpRequest.newBuilder(java.net.URI.create(stack.get("GATEWAY_URL") + "/api/webhooks/clerk"))
                .header("svix-id", id).header("svix-timestamp", String.valueOf(ts))
                .header("svix-signature", SvixSignature.sign(stack.get("CLERK_WEBHOOK_SECRET"), id, ts, body.getBytes(StandardCharsets.UTF_8)))
                .header("Content-Type", "application/json").POST(java.net.http.HttpRequest.BodyPublishers.ofString(body)).build();
        return stack.http.send(request, java.net.http.HttpResponse.BodyHandlers.ofString()).statusCode();
    }

    void endToEnd() throws Exception {
        System.out.println("\n== End-to-end inbound: signed webhook sent -> routed event seen on routed-messages");
        String org = "org_bench_e2e_" + runId;
        String number = proWorkspaceNumber(org);
        awaitRoutingKnows(number);
        int seconds = Integer.getInteger("bench.seconds", 10);
        // services just (re)started are still compiling their hot paths (JFR: C2 compilations of seconds each): warm up
        int warmUp = Integer.getInteger("bench.warmUpSeconds", 10);
        if (warmUp > 0) {
            System.out.printf("warm-up: 500/s for %d s (not a result)%n", warmUp);
            endToEnd(number, 500, warmUp);
            System.out.println("-- results");
        }
        for (String rate : System.getProperty("bench.rates", "100,1000").split(",")) {
            endToEnd(number, Integer.parseInt(rate.trim()), seconds);
        }
    }

    /**
     * Routing learns a new number from number-assignments; a message that overtakes it is stored unrouted and routed
     * once the assignment arrives, which would count as latency here. The run starts when routing's view has it.
     */
    private void awaitRoutingKnows(String number) throws Exception {
        for (int i = 0; i < 120; i++) {
            if (!psql("select 1 from routing.number_assignment where assignment_key = '" + number + "'").isBlank()) {
                return;
            }
            Thread.sleep(250);
        }
        System.out.println("routing has not applied the assignment of " + number + " after 30 s; measuring anyway");
    }

    /**
     * One open-loop run. Besides the end-to-end latency it splits each routed message's time by the Kafka record
     * timestamps (CreateTime, set by each producer): gateway (sent -> the inbound-messages record), routing (that
     * record -> the routed-messages record, i.e. consume, store, outbox, relay) and delivery (-> seen by this consumer).
     * Every clock is this machine's, at millisecond resolution.
     */
    private void endToEnd(String number, int rate, int seconds) throws Exception {
        Map<String, Long> sentAt = new ConcurrentHashMap<>();
        Map<String, Long> sentWallMillis = new ConcurrentHashMap<>();
        Map<String, Long> inboundRecordMillis = new HashMap<>();
        Map<String, Long> routedRecordMillis = new HashMap<>();
        // up to 10 minutes: a backlog must be measured, not crash the benchmark
        Histogram latency = new ConcurrentHistogram(600_000_000L, 3);
        Histogram gatewayStage = new Histogram(600_000L, 3);
        Histogram routingStage = new Histogram(600_000L, 3);
        Histogram deliveryStage = new Histogram(600_000L, 3);
        Set<String> routedSids = new HashSet<>();
        int duplicatesSeen = 0;
        int base = rate * 1000;
        int intended = rate * seconds;
        int[] statuses = new int[intended];
        String sidPrefix = "SMbench" + runId + "r" + rate + "x"; // a prefix per run: the store is counted by it below
        // signed before the run: the load generator shares the two cores with what it measures
        List<Load.Prepared> requests = new ArrayList<>(intended);
        for (int i = 0; i < intended; i++) {
            requests.add(signedSms(sidPrefix + (base + i), base + i, number));
        }
        List<String> processes = new ArrayList<>(List.of("webhook-gateway", "routing-service", "outbound-service", "analytics-service",
                "kafka"));
        if ("2".equals(stack.env("REPLICAS"))) { // --replicas 2: the second instances share the work
            processes.addAll(List.of("routing-service-2", "outbound-service-2", "analytics-service-2"));
        }
        Map<String, Double> cpuBefore = stack.cpuSeconds(processes);
        long firstSent = System.nanoTime();
        long lastRouted = firstSent;
        try (KafkaConsumer<String, String> consumer = consumer()) {
            List<TopicPartition> partitions = new ArrayList<>();
            for (String topic : List.of(Topics.ROUTED_MESSAGES.name(), Topics.INBOUND_MESSAGES.name())) {
                consumer.partitionsFor(topic).forEach(p -> partitions.add(new TopicPartition(p.topic(), p.partition())));
            }
            consumer.assign(partitions);
            consumer.seekToEnd(partitions);
            partitions.forEach(consumer::position);
            Load load = new Load(vertx, stack.get("GATEWAY_URL"), 64);
            // latency from each request's intended start (coordinated omission: a late send does not shorten it)
            Thread sender = load.openLoopInBackground(rate, seconds, (i, intendedStart) -> {
                String sid = sidPrefix + (base + i);
                sentWallMillis.put(sid, System.currentTimeMillis() - (System.nanoTime() - intendedStart) / 1_000_000);
                sentAt.put(sid, intendedStart);
                return requests.get(i);
            }, statuses);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds + 60);
            // until everything the gateway acknowledged is routed, or the window closes (the sender is done by then)
            while (System.nanoTime() < deadline && (sender.isAlive() || routedSids.size() < acknowledged(statuses))) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(100))) {
                    long now = System.nanoTime();
                    long nowMillis = System.currentTimeMillis();
                    if (r.topic().equals(Topics.INBOUND_MESSAGES.name())) {
                        String sid = Topics.INBOUND_MESSAGES.read(r.value()).messageSid();
                        if (sentAt.containsKey(sid)) {
                            inboundRecordMillis.putIfAbsent(sid, r.timestamp());
                        }
                        continue;
                    }
                    RoutedMessage m = Topics.ROUTED_MESSAGES.read(r.value());
                    Long start = sentAt.get(m.messageSid());
                    if (start == null) {
                        continue;
                    }
                    if (!routedSids.add(m.messageSid())) {
                        duplicatesSeen++; // at-least-once on the topic; the store keeps one (provider_sid is unique)
                        continue;
                    }
                    latency.recordValue(Math.max(1, (now - start) / 1000));
                    lastRouted = now;
                    routedRecordMillis.put(m.messageSid(), r.timestamp());
                    Long inbound = inboundRecordMillis.get(m.messageSid());
                    if (inbound != null) {
                        gatewayStage.recordValue(Math.max(0, inbound - sentWallMillis.get(m.messageSid())));
                        routingStage.recordValue(Math.max(0, r.timestamp() - inbound));
                    }
                    deliveryStage.recordValue(Math.max(0, nowMillis - r.timestamp()));
                }
            }
            sender.join();
            load.close();
        }
        Map<String, Double> cpuAfter = stack.cpuSeconds(processes);
        int seen = routedSids.size();
        // what actually left and was answered, not what was intended; and what routing stored in the end,
        // so a message late for the window is told apart from a lost one
        int answered = (int) java.util.Arrays.stream(statuses).filter(st -> st > 0).count();
        int acknowledged = acknowledged(statuses);
        String thisRun = "provider_sid like '" + sidPrefix + "%'";
        // provider_sid is unique in the table, so a row count is the count of distinct messages: a message routed twice
        // would show as a second routed event, counted on the topic (duplicatesSeen), never as a second row
        String storedQuery = "select count(*) from routing.conversation_message where " + thisRun;
        // late is not lost: wait until routing stored everything acknowledged, or nothing moved for 30 s
        String stored = "-1";
        long lastChange = System.currentTimeMillis();
        while (System.currentTimeMillis() - lastChange < 30_000) {
            String now = psql(storedQuery).trim();
            if (!now.equals(stored)) {
                stored = now;
                lastChange = System.currentTimeMillis();
            }
            if (Integer.parseInt(stored) >= acknowledged) {
                break;
            }
            Thread.sleep(500);
        }
        int storedRows = Integer.parseInt(stored);
        int unrouted = Integer.parseInt(psql("select count(*) from routing.unrouted_message where " + thisRun).trim());
        String label = "e2e inbound " + rate + "/s (" + seconds + " s)";
        System.out.printf("%-28s intended %6d  answered %6d  2xx %6d  routed in window %6d  stored %6d  unrouted %d  "
                + "lost %d  routed event seen twice on the topic %d%n", label, intended, answered, acknowledged,
                seen, storedRows, unrouted, Math.max(0, acknowledged - storedRows - unrouted), duplicatesSeen);
        // sustained: everything routed in the window over the time from the first request to the last routed event
        System.out.printf("%-28s routed %.0f/s (first request to last routed event: %.1f s)%n", "",
                seen / Math.max(1e-9, (lastRouted - firstSent) / 1e9), (lastRouted - firstSent) / 1e9);
        System.out.printf("%-28s p50 %7.2f ms  p99 %7.2f ms  p99.9 %7.2f ms  max %7.2f ms (of the %d routed in the window)%n",
                "", latency.getValueAtPercentile(50) / 1000.0, latency.getValueAtPercentile(99) / 1000.0,
                latency.getValueAtPercentile(99.9) / 1000.0, latency.getMaxValue() / 1000.0, seen);
        System.out.printf("%-28s CPU seconds used during the run:", "");
        cpuAfter.forEach((name, after) -> System.out.printf(" %s %.1f,", name, after - cpuBefore.get(name)));
        System.out.println();
        // the routing stage split at the moment routing stored the message (its created_at, taken before the commit):
        // consume = inbound record -> stored; relay = stored -> routed record (commit, relay wake-up, publish)
        Histogram consumeStage = new Histogram(600_000L, 3);
        Histogram relayStage = new Histogram(600_000L, 3);
        for (String line : psql("select provider_sid, (extract(epoch from created_at) * 1000)::bigint from routing.conversation_message "
                + "where " + thisRun).split("\n")) {
            String[] cols = line.trim().split("\\|");
            if (cols.length == 2 && inboundRecordMillis.containsKey(cols[0]) && routedRecordMillis.containsKey(cols[0])) {
                long storedAt = Long.parseLong(cols[1]);
                consumeStage.recordValue(Math.max(0, storedAt - inboundRecordMillis.get(cols[0])));
                relayStage.recordValue(Math.max(0, routedRecordMillis.get(cols[0]) - storedAt));
            }
        }
        for (Map.Entry<String, Histogram> stage : List.of(Map.entry("gateway", gatewayStage), Map.entry("routing", routingStage),
                Map.entry(" consume", consumeStage), Map.entry(" relay", relayStage), Map.entry("delivery", deliveryStage))) {
            Histogram h = stage.getValue();
            System.out.printf("%-28s %-8s p50 %5d ms  p99 %5d ms  max %5d ms%n", "", stage.getKey(), h.getValueAtPercentile(50),
                    h.getValueAtPercentile(99), h.getMaxValue());
        }
    }

    private static int acknowledged(int[] statuses) {
        return (int) java.util.Arrays.stream(statuses).filter(st -> st >= 200 && st < 300).count();
    }

    // ------------------------------------------------------------------------------------ provisioning burst

    void provisioningBurst() throws Exception {
        int workspaces = Integer.getInteger("bench.workspaces", 500);
        System.out.printf("%n== Provisioning burst: %d signed organization.created (Pro) at once, sandbox purchase latency 300 ms%n", workspaces);
        stack.postJson(stack.get("SIGNALWIRE_SPACE_URL") + "/sandbox/settings", "{\"purchaseLatencyMs\":300}");
        String prefix = "org_burst_" + runId + "_";
        Set<String> active = ConcurrentHashMap.newKeySet();
        try (KafkaConsumer<String, String> consumer = consumer()) {
            List<TopicPartition> partitions = consumer.partitionsFor(Topics.PROVISIONING_RESULTS.name()).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToEnd(partitions);
            partitions.forEach(consumer::position);
            long started = System.nanoTime();
            List<Thread> senders = new ArrayList<>();
            for (int t = 0; t < 16; t++) {
                int slice = t;
                Thread sender = new Thread(() -> {
                    for (int i = slice; i < workspaces; i += 16) {
                        try {
                            clerk(prefix + i, "pro");
                        } catch (Exception e) {
                            System.out.println("clerk webhook failed: " + e.getMessage());
                        }
                    }
                });
                sender.start();
                senders.add(sender);
            }
            for (Thread s : senders) {
                s.join();
            }
            double sentSeconds = (System.nanoTime() - started) / 1e9;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(300);
            while (active.size() < workspaces && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
                    if (r.key() != null && r.key().startsWith(prefix)
                            && Topics.PROVISIONING_RESULTS.read(r.value()).status() == ProvisioningResult.Status.ACTIVE) {
                        active.add(r.key());
                    }
                }
            }
            double seconds = (System.nanoTime() - started) / 1e9;
            JsonNode owned = Stack.JSON.readTree(stack.postJson(stack.get("SIGNALWIRE_SPACE_URL") + "/sandbox/numbers", "{}").body());
            Map<String, Integer> perWorkspace = new HashMap<>();
            owned.path("numbers").forEach(n -> {
                String name = n.path("friendly_name").asText(); // galaxyco:<deployment>:<workspace>
                String workspace = name.substring(name.lastIndexOf(':') + 1);
                if (name.startsWith("galaxyco:") && workspace.startsWith(prefix)) {
                    perWorkspace.merge(workspace, 1, Integer::sum);
                }
            });
            long duplicates = perWorkspace.values().stream().filter(c -> c > 1).count();
            Set<String> activeTags = new HashSet<>();
            activeTags.addAll(active);
            long orphans = perWorkspace.keySet().stream().filter(k -> !activeTags.contains(k)).count();
            System.out.printf("webhooks sent in %.1f s; %d of %d workspaces ACTIVE after %.1f s; numbers owned %d; "
                    + "workspaces with two numbers %d; orphan numbers %d%n", sentSeconds, active.size(), workspaces, seconds,
                    perWorkspace.values().stream().mapToInt(Integer::intValue).sum(), duplicates, orphans);
        } finally {
            stack.postJson(stack.get("SIGNALWIRE_SPACE_URL") + "/sandbox/settings", "{\"purchaseLatencyMs\":0}");
        }
    }

    // ------------------------------------------------------------------------------------ outbound pacing

    void pacing() throws Exception {
        pacing(10);
        pacing(200);
    }

    /**
     * Queues 6 messages on each of {@code numbers} sender numbers at once and reads, from the sandbox's receive times
     * (what a carrier would see), every number's minimum spacing between consecutive sends and its achieved rate.
     */
    void pacing(int numbers) throws Exception {
        int perNumber = 6;
        double allowed = 1.0;
        System.out.printf("%n== Outbound pacing: %d sender numbers x %d messages at once (configured %.2f segment/s per long code)%n",
                numbers, perNumber, allowed);
        List<String> orgs = new ArrayList<>();
        for (int i = 0; i < numbers; i++) {
            String org = "org_pace" + numbers + "_" + runId + "_" + i;
            orgs.add(org);
            clerk(org, "pro");
        }
        Map<String, String> numberOf = new HashMap<>();
        for (String org : orgs) {
            numberOf.put(org, proWorkspaceNumber(org));
        }
        long started = System.currentTimeMillis();
        // every number's whole backlog is queued at once: the requests go through the outbound-requests topic (the
        // service-to-service way in), published in one burst, each workspace's six consecutive on its partition. (Over
        // the HTTP API the load generator needed ~1 s per workspace with 200 of them, so a number's next message was
        // sometimes not yet queued when its slot came, and the "rate" measured the load generator.)
        try (var producer = new org.apache.kafka.clients.producer.KafkaProducer<String, String>(Map.<String, Object>of(
                org.apache.kafka.clients.producer.ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.get("KAFKA_BOOTSTRAP_SERVERS"),
                org.apache.kafka.clients.producer.ProducerConfig.ACKS_CONFIG, "all"),
                new org.apache.kafka.common.serialization.StringSerializer(), new org.apache.kafka.common.serialization.StringSerializer())) {
            for (String org : orgs) {
                for (int m = 0; m < perNumber; m++) {
                    String requestId = "pace-" + runId + "-" + org + "-" + m;
                    var request = new ai.galaxyco.phone.model.events.OutboundRequest(requestId,
                            ai.galaxyco.phone.model.values.WorkspaceId.of(org), "+14155550100", "pace " + m, List.of(), null, null,
                            Instant.now());
                    var record = new org.apache.kafka.clients.producer.ProducerRecord<>(Topics.OUTBOUND_REQUESTS.name(), org,
                            EventJson.write(request));
                    ai.galaxyco.phone.model.CloudEventHeaders.binary("request:" + requestId, Topics.OUTBOUND_REQUESTS.eventType(),
                            "/galaxyco-phone/bench", Instant.now()).forEach((name, value) ->
                            record.headers().add(name, value.getBytes(StandardCharsets.UTF_8)));
                    producer.send(record);
                }
            }
            producer.flush();
        }
        System.out.printf("queued %d messages in %.1f s%n", numbers * perNumber, (System.currentTimeMillis() - started) / 1000.0);
        Set<String> senders = new HashSet<>(numberOf.values());
        Map<String, List<Long>> times = new HashMap<>();
        long deadline = System.currentTimeMillis() + 300_000;
        while (System.currentTimeMillis() < deadline) {
            times.clear();
            JsonNode requests = Stack.JSON.readTree(stack.postJson(stack.get("SIGNALWIRE_SPACE_URL") + "/sandbox/requests", "{}").body());
            for (JsonNode r : requests.path("requests")) {
                String from = r.path("form").path("From").path(0).asText();
                if ("POST".equals(r.path("method").asText()) && r.path("path").asText().contains("/Messages") && senders.contains(from) && r.path("atMillis").asLong() >= started) {
                    times.computeIfAbsent(from, k -> new ArrayList<>()).add(r.path("atMillis").asLong());
                }
            }
            if (times.values().stream().mapToInt(List::size).sum() >= numbers * perNumber) {
                break;
            }
            Thread.sleep(500);
        }
        double worst = Double.MAX_VALUE;
        double best = 0;
        long minSpacing = Long.MAX_VALUE;
        int tooClose = 0;
        long first = Long.MAX_VALUE;
        long last = 0;
        long limitMillis = Math.round(1000 / allowed);
        for (List<Long> t : times.values()) {
            t.sort(Long::compare);
            double rate = (t.size() - 1) / ((t.get(t.size() - 1) - t.get(0)) / 1000.0);
            worst = Math.min(worst, rate);
            best = Math.max(best, rate);
            for (int i = 1; i < t.size(); i++) {
                long spacing = t.get(i) - t.get(i - 1);
                minSpacing = Math.min(minSpacing, spacing);
                tooClose += spacing < limitMillis ? 1 : 0;
            }
            first = Math.min(first, t.get(0));
            last = Math.max(last, t.get(t.size() - 1));
        }
        int total = times.values().stream().mapToInt(List::size).sum();
        System.out.printf("%d messages from %d numbers in %.1f s: per-number rate %.3f-%.3f msg/s (allowed %.2f), "
                + "minimum spacing %.3f s, aggregate %.1f msg/s%n", total, times.size(), (last - first) / 1000.0, worst, best,
                allowed, minSpacing / 1000.0, (total - 1) / ((last - first) / 1000.0));
        if (tooClose > 0) {
            System.out.printf("LIMIT BROKEN: %d consecutive sends of one number closer than %.3f s%n", tooClose, limitMillis / 1000.0);
        } else {
            System.out.printf("limit kept: no two sends of one number closer than %.3f s%n", limitMillis / 1000.0);
        }
        departures(senders, started, times, limitMillis);
    }

    /**
     * The other end of each send: when outbound's request left (message.departed_at, the moment pacing counts from),
     * per number, next to the sandbox's receive times. Departure spacing below the limit is outbound's fault; receive
     * spacing below it with departures above it is time spent between the socket and the sandbox's handler.
     */
    private void departures(Set<String> senders, long started, Map<String, List<Long>> received, long limitMillis) throws Exception {
        String rows = psql("galaxyco_outbound", "select from_number, (extract(epoch from departed_at) * 1000)::bigint from "
                + "outbound.message where departed_at >= to_timestamp(" + started / 1000.0 + ") and from_number in ("
                + senders.stream().map(n -> "'" + n + "'").collect(Collectors.joining(",")) + ") order by 1, 2");
        Map<String, List<Long>> departed = new HashMap<>();
        for (String row : rows.split("\n")) {
            String[] cols = row.split("\\|");
            if (cols.length == 2) {
                departed.computeIfAbsent(cols[0], k -> new ArrayList<>()).add(Long.parseLong(cols[1].trim()));
            }
        }
        long minSpacing = Long.MAX_VALUE;
        int tooClose = 0;
        List<Long> lags = new ArrayList<>();
        for (var entry : departed.entrySet()) {
            List<Long> d = entry.getValue();
            for (int i = 1; i < d.size(); i++) {
                minSpacing = Math.min(minSpacing, d.get(i) - d.get(i - 1));
                tooClose += d.get(i) - d.get(i - 1) < limitMillis ? 1 : 0;
            }
            List<Long> r = received.getOrDefault(entry.getKey(), List.of());
            for (int i = 0; i < Math.min(d.size(), r.size()); i++) { // one number's sends leave and arrive in order
                lags.add(r.get(i) - d.get(i));
            }
        }
        lags.sort(Long::compare);
        System.out.printf("departures (outbound's clock): %d, minimum spacing %.3f s, %d closer than %.3f s; "
                + "receive - departure p50 %d ms, p99 %d ms, max %d ms%n", departed.values().stream().mapToInt(List::size).sum(),
                minSpacing / 1000.0, tooClose, limitMillis / 1000.0, lags.isEmpty() ? 0 : lags.get(lags.size() / 2),
                lags.isEmpty() ? 0 : lags.get((int) (lags.size() * 0.99)), lags.isEmpty() ? 0 : lags.get(lags.size() - 1));
    }

    // ------------------------------------------------------------------------------------ faults

    void faults() throws Exception {
        int rate = 400;
        int seconds = 60;
        int total = rate * seconds;
        System.out.printf("%n== Faults: %d signed webhooks at %d/s; kill -9 routing, restart Kafka, stop and start PostgreSQL%n",
                total, rate);
        String prefix = "SMfault" + runId + "x";
        List<Load.Prepared> requests = new ArrayList<>(total);
        for (int i = 0; i < total; i++) {
            requests.add(signedSms(prefix + i, i, "+12125550998"));
        }
        int[] statuses = new int[total];
        Load load = new Load(vertx, stack.get("GATEWAY_URL"), 256);
        Thread sender = new Thread(() -> {
            try {
                load.openLoopRecording(rate, seconds, requests::get, statuses);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        long t0 = System.currentTimeMillis();
        sender.start();
        at(t0, 8, "kill -9 routing-service", () -> stack.signal("routing-service", "KILL"));
        at(t0, 12, "restart routing-service", this::stackUp);
        at(t0, 22, "stop Kafka", () -> {
            stack.signal("kafka", "TERM");
            waitForPortClosed(Integer.parseInt(stack.get("KAFKA_BOOTSTRAP_SERVERS").replaceAll(".*:", "")));
        });
        at(t0, 28, "start Kafka", this::stackUp);
        at(t0, 40, "stop PostgreSQL", () -> run("pg_ctlcluster", "--skip-systemctl-redirect", pgVersion(), "main", "stop", "-m", "fast"));
        at(t0, 46, "start PostgreSQL", () -> run("pg_ctlcluster", "--skip-systemctl-redirect", pgVersion(), "main", "start"));
        sender.join();
        load.close();
        report(prefix, statuses);
    }

    /**
     * Kafka is killed before 6,000 signed SMS webhooks arrive at 100/s and started again after 60 s: the gateway's
     * spool must answer every one 2xx and every one must be stored, once.
     */
    void kafkaOutage() throws Exception {
        int rate = 100;
        int seconds = 60;
        int total = rate * seconds;
        System.out.printf("%n== Kafka outage: %d signed SMS webhooks at %d/s while Kafka is down for %d s%n", total, rate, seconds);
        String prefix = "SMkout" + runId + "x";
        List<Load.Prepared> requests = new ArrayList<>(total);
        for (int i = 0; i < total; i++) {
            requests.add(signedSms(prefix + i, i, "+12125550997"));
        }
        int[] statuses = new int[total];
        stack.signal("kafka", "KILL");
        waitForPortClosed(Integer.parseInt(stack.get("KAFKA_BOOTSTRAP_SERVERS").replaceAll(".*:", "")));
        Load load = new Load(vertx, stack.get("GATEWAY_URL"), 256);
        long t0 = System.currentTimeMillis();
        System.out.println("  t= 0s Kafka killed (kill -9); load starts");
        Thread sender = load.openLoopInBackground(rate, seconds, requests::get, statuses);
        at(t0, seconds, "start Kafka", this::stackUp);
        sender.join();
        load.close();
        report(prefix, statuses);
    }

    /** Compares what was answered 2xx with what routing stored (sids under {@code prefix}). */
    private void report(String prefix, int[] statuses) throws Exception {
        int total = statuses.length;
        Set<String> accepted = new HashSet<>();
        int unavailable = 0;
        int refused = 0;
        int unanswered = 0;
        for (int i = 0; i < total; i++) {
            if (statuses[i] >= 200 && statuses[i] < 300) {
                accepted.add(prefix + i);
            } else if (statuses[i] >= 500) {
                unavailable++;
            } else if (statuses[i] >= 400) {
                refused++; // answered, and refused: not a lost request
            } else {
                unanswered++;
            }
        }
        System.out.printf("answered 2xx %d, 4xx %d, 5xx %d, no answer %d%n", accepted.size(), refused, unavailable, unanswered);
        // wait until routing has stored everything acknowledged, or nothing has moved for a minute
        int stored = -1;
        long lastChange = System.currentTimeMillis();
        while (stored < accepted.size() && System.currentTimeMillis() - lastChange < 60_000) {
            Thread.sleep(2000);
            int now = Integer.parseInt(psql("select count(*) from routing.unrouted_message where provider_sid like '" + prefix + "%'").trim());
            if (now != stored) {
                lastChange = System.currentTimeMillis();
            }
            stored = now;
        }
        Set<String> storedSids = new HashSet<>(List.of(psql("select provider_sid from routing.unrouted_message where provider_sid like '"
                + prefix + "%'").split("\n")));
        long missing = accepted.stream().filter(sid -> !storedSids.contains(sid)).count();
        // provider_sid is unique in unrouted_message: duplicates cannot show in its rows, so none are counted there
        System.out.printf("stored %d; of the 2xx-acknowledged, missing %d; stored although refused %d%n",
                stored, missing, storedSids.size() - (accepted.size() - missing));
    }

    private interface Step {
        void run() throws Exception;
    }

    private static void at(long t0, int second, String what, Step step) throws Exception {
        long wait = t0 + second * 1000L - System.currentTimeMillis();
        if (wait > 0) {
            Thread.sleep(wait);
        }
        System.out.printf("  t=%2ds %s%n", (System.currentTimeMillis() - t0) / 1000, what);
        step.run();
    }

    private static void waitForPortClosed(int port) throws InterruptedException {
        for (int i = 0; i < 120; i++) {
            try (java.net.Socket socket = new java.net.Socket("127.0.0.1", port)) {
                Thread.sleep(250);
            } catch (java.io.IOException closed) {
                return;
            }
        }
    }

    private void stackUp() throws Exception {
        run(stack.root.resolve("stack").toString(), "up", "--detach");
    }

    private static String pgVersion() throws Exception {
        try (var versions = java.nio.file.Files.list(Path.of("/etc/postgresql"))) {
            return versions.map(p -> p.getFileName().toString()).sorted().reduce((a, b) -> b).orElseThrow();
        }
    }

    private static void run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        if (!p.waitFor(180, TimeUnit.SECONDS) || p.exitValue() != 0) {
            System.out.println("  (" + String.join(" ", command) + " exited " + (p.isAlive() ? "late" : p.exitValue()) + ")");
        }
    }

    private static String psql(String sql) throws Exception {
        return psql("galaxyco_routing", sql);
    }

    static String psql(String database, String sql) throws Exception {
        // stderr is read with stdout: a failing statement must stop the benchmark, not read as an empty result
        Process p = new ProcessBuilder("psql", "-h", "127.0.0.1", "-U", "root", "-d", database, "-v", "ON_ERROR_STOP=1", "-tAc", sql)
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new IllegalStateException("psql failed on " + sql + ": " + out.trim());
        }
        return out;
    }

    KafkaConsumer<String, String> consumer() {
        return new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.get("KAFKA_BOOTSTRAP_SERVERS"),
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false"), new StringDeserializer(), new StringDeserializer());
    }
}
