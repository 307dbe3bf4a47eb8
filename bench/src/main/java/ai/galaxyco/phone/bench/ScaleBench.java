package ai.galaxyco.phone.bench;

import ai.galaxyco.phone.model.CloudEventHeaders;
import ai.galaxyco.phone.model.EventJson;
import ai.galaxyco.phone.model.Topics;
import ai.galaxyco.phone.model.events.OutboundRequest;
import ai.galaxyco.phone.model.values.WorkspaceId;
import com.fasterxml.jackson.databind.JsonNode;
import io.vertx.core.Vertx;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * {@code ops/bench.sh scale}: with two instances of every consumer service ({@code ./stack up --replicas 2}), an inbound
 * flood to 200 workspaces' numbers and an outbound burst from the same 200 numbers at once; a few seconds in, one
 * instance of each consumer service is killed with kill -9. Reports routed/s, lost, stored twice, sent twice, and the
 * fastest any number sent at the sandbox (the configured rate is one segment per second per long code).
 */
final class ScaleBench {

    private static final List<String> SECOND_INSTANCES = List.of("routing-service-2", "outbound-service-2", "analytics-service-2",
            "provisioning-service-2");

    private final Benchmarks bench;
    private final Stack stack;
    private final Vertx vertx;
    private final String runId;

    ScaleBench(Benchmarks bench, Stack stack, Vertx vertx, String runId) {
        this.bench = bench;
        this.stack = stack;
        this.vertx = vertx;
        this.runId = runId;
    }

    void run() throws Exception {
        int numbers = Integer.getInteger("bench.numbers", 200);
        int rate = Integer.getInteger("bench.rate", 1000);
        int seconds = Integer.getInteger("bench.seconds", 20);
        int perNumber = 6;
        int killAt = Integer.getInteger("bench.killAtSecond", 8);
        if (!"2".equals(stack.get("REPLICAS"))) {
            throw new IllegalStateException("the stack runs one instance of each service: ops/bench.sh scale starts it with --replicas 2");
        }
        System.out.printf("%n== Scale: two instances of each consumer service; inbound %d/s for %d s to %d numbers, %d outbound "
                + "messages per number at once; kill -9 of %s at %d s%n", rate, seconds, numbers, perNumber, SECOND_INSTANCES, killAt);
        List<String> orgs = new ArrayList<>();
        for (int i = 0; i < numbers; i++) {
            orgs.add("org_scale_" + runId + "_" + i);
            bench.clerk(orgs.get(i), "pro");
        }
        Map<String, String> numberOf = new HashMap<>();
        for (String org : orgs) {
            numberOf.put(org, bench.proWorkspaceNumber(org));
        }
        System.out.printf("%d workspaces provisioned%n", numbers);

        int intended = rate * seconds;
        String sidPrefix = "SMscale" + runId + "x";
        List<Load.Prepared> requests = new ArrayList<>(intended);
        for (int i = 0; i < intended; i++) {
            requests.add(bench.signedSms(sidPrefix + i, i, numberOf.get(orgs.get(i % numbers))));
        }
        int[] statuses = new int[intended];
        Set<String> routed = new HashSet<>();
        int routedTwiceOnTopic = 0;
        long started;
        long lastRouted;
        try (KafkaConsumer<String, String> consumer = bench.consumer()) {
            List<TopicPartition> partitions = consumer.partitionsFor(Topics.ROUTED_MESSAGES.name()).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToEnd(partitions);
            partitions.forEach(consumer::position);
            started = System.currentTimeMillis();
            lastRouted = started;
            queueOutbound(orgs, perNumber);
            Load load = new Load(vertx, stack.get("GATEWAY_URL"), 64);
            Thread sender = load.openLoopInBackground(rate, seconds, requests::get, statuses);
            boolean killed = false;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds + 120);
            while (System.nanoTime() < deadline && (sender.isAlive() || routed.size() < acknowledged(statuses))) {
                if (!killed && System.currentTimeMillis() - started >= killAt * 1000L) {
                    for (String instance : SECOND_INSTANCES) {
                        stack.signal(instance, "KILL");
                    }
                    killed = true;
                    System.out.printf("killed %s at %.1f s%n", SECOND_INSTANCES, (System.currentTimeMillis() - started) / 1000.0);
                }
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(100))) {
                    String sid = Topics.ROUTED_MESSAGES.read(r.value()).messageSid();
                    if (sid.startsWith(sidPrefix)) {
                        if (routed.add(sid)) {
                            lastRouted = System.currentTimeMillis();
                        } else {
                            routedTwiceOnTopic++;
                        }
                    }
                }
            }
            sender.join();
            load.close();
        }
        int acknowledged = acknowledged(statuses);
        int answered = (int) java.util.Arrays.stream(statuses).filter(s -> s > 0).count();
        // provider_sid is unique in the table: duplicates show as routed events repeated on the topic, never as rows
        int stored = Integer.parseInt(Benchmarks.psql("galaxyco_routing", "select count(*) from routing.conversation_message "
                + "where provider_sid like '" + sidPrefix + "%'").trim());
        System.out.printf("inbound: intended %d, answered %d, 2xx %d, routed %d (%.0f/s from the first request to the last routed "
                + "event, %.1f s), stored %d, lost %d, routed events repeated on the topic %d%n", intended, answered,
                acknowledged, routed.size(), routed.size() / Math.max(0.001, (lastRouted - started) / 1000.0), (lastRouted - started) / 1000.0,
                stored, Math.max(0, acknowledged - stored), routedTwiceOnTopic);
        outboundReport(new HashSet<>(numberOf.values()), numbers * perNumber, started);
    }

    /** Every number's whole backlog at once, through the outbound-requests topic (as the pacing bench queues it). */
    private void queueOutbound(List<String> orgs, int perNumber) {
        try (var producer = new KafkaProducer<String, String>(Map.<String, Object>of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                stack.get("KAFKA_BOOTSTRAP_SERVERS"), ProducerConfig.ACKS_CONFIG, "all"), new StringSerializer(), new StringSerializer())) {
            for (String org : orgs) {
                for (int m = 0; m < perNumber; m++) {
                    String requestId = "scale-" + runId + "-" + org + "-" + m;
                    var request = new OutboundRequest(requestId, WorkspaceId.of(org), "+14155550100", "scale " + runId + " " + org + " " + m,
                            List.of(), null, null, Instant.now());
                    var record = new ProducerRecord<>(Topics.OUTBOUND_REQUESTS.name(), org, EventJson.write(request));
                    CloudEventHeaders.binary("request:" + requestId, Topics.OUTBOUND_REQUESTS.eventType(), "/galaxyco-phone/bench",
                            Instant.now()).forEach((name, value) -> record.headers().add(name, value.getBytes(StandardCharsets.UTF_8)));
                    producer.send(record);
                }
            }
            producer.flush();
        }
    }

    /** What the sandbox (the carrier's side) received: each message once, and no number faster than its rate. */
    private void outboundReport(Set<String> senders, int expected, long started) throws Exception {
        Map<String, List<Long>> times = new HashMap<>();
        Map<String, Integer> perBody = new HashMap<>();
        long deadline = System.currentTimeMillis() + 300_000;
        while (System.currentTimeMillis() < deadline) {
            times.clear();
            perBody.clear();
            JsonNode requests = Stack.JSON.readTree(stack.postJson(stack.get("SIGNALWIRE_SPACE_URL") + "/sandbox/requests", "{}").body());
            for (JsonNode r : requests.path("requests")) {
                String from = r.path("form").path("From").path(0).asText();
                // sends only: a GET of Messages is outbound asking whether a message a killed instance was sending went out
                if ("POST".equals(r.path("method").asText()) && r.path("path").asText().contains("/Messages") && senders.contains(from)
                        && r.path("atMillis").asLong() >= started) {
                    times.computeIfAbsent(from, k -> new ArrayList<>()).add(r.path("atMillis").asLong());
                    perBody.merge(r.path("form").path("Body").path(0).asText(), 1, Integer::sum);
                }
            }
            if (perBody.size() >= expected) {
                break;
            }
            Thread.sleep(1000);
        }
        long minSpacing = Long.MAX_VALUE;
        int tooClose = 0;
        long last = 0;
        for (List<Long> t : times.values()) {
            t.sort(Long::compare);
            for (int i = 1; i < t.size(); i++) {
                minSpacing = Math.min(minSpacing, t.get(i) - t.get(i - 1));
                tooClose += t.get(i) - t.get(i - 1) < 1000 ? 1 : 0;
            }
            last = Math.max(last, t.get(t.size() - 1));
        }
        long sentTwice = perBody.values().stream().filter(c -> c > 1).count();
        System.out.printf("outbound: %d of %d messages reached the sandbox in %.1f s, sent twice %d; fastest number: minimum spacing %.3f s "
                + "(%.2f msg/s, allowed 1.00), %d spacings under 1 s%n", perBody.size(), expected, (last - started) / 1000.0, sentTwice,
                minSpacing / 1000.0, 1000.0 / minSpacing, tooClose);
        System.out.println("the killed instances are started again by: ./stack up --detach --replicas 2");
    }

    private static int acknowledged(int[] statuses) {
        return (int) java.util.Arrays.stream(statuses).filter(s -> s >= 200 && s < 300).count();
    }
}
