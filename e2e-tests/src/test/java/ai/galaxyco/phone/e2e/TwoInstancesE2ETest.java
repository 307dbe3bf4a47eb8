package ai.galaxyco.phone.e2e;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.galaxyco.phone.model.CloudEventHeaders;
import ai.galaxyco.phone.model.Topics;
import ai.galaxyco.phone.sandbox.SignalWireSandbox.RecordedRequest;
import ai.galaxyco.phone.testsupport.TestTokens;
import ai.galaxyco.phone.testsupport.TopicProbe;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Two instances of routing and outbound in the same consumer groups, as {@code ./stack up --replicas 2} runs them:
 * an inbound flood with one routing instance killed (kill -9) half-way loses and duplicates nothing; messages queued
 * for several numbers at once leave each number no faster than its rate although both outbound instances dispatch;
 * a periodic singleton job runs once per period between the instances.
 */
class TwoInstancesE2ETest {

    static final Duration WAIT = Duration.ofSeconds(90);
    static final int WORKSPACES = 6;
    /** inbound-messages' partitions in the test broker (KafkaKRaftResource): one per routing instance. */
    static final int INBOUND_PARTITIONS = 2;
    /** outbound's LaneOwnership.BUCKETS: sender numbers hash into these, shared out among the live instances. */
    static final int LANE_BUCKETS = 64;
    static final int INBOUND_PER_WORKSPACE = 40;
    static final int OUTBOUND_PER_WORKSPACE = 4;
    static RunningSystem system;

    /** Joins the running system shared by the end-to-end classes (the seed procedure's helpers use it too). */
    @RegisterExtension
    static final BeforeAllCallback SYSTEM = context -> system = SeedProcedureE2ETest.system = RunningSystem.shared(context);

    /** The second outbound instance is stopped (gracefully) so the classes after this one meet the system as it was. */
    @AfterAll
    static void stopSecondInstances() {
        system.processes.entrySet().removeIf(e -> {
            if (e.getKey().matches(".*-service-2")) {
                e.getValue().destroy();
                try {
                    e.getValue().waitFor();
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                }
                return true;
            }
            return false;
        });
    }

    @Test
    void twoInstancesLoseNothingDuplicateNothingAndKeepEachNumbersPace() throws Exception {
        List<String> seconds = secondInstances("routing-service", "outbound-service");
        String routing2 = seconds.get(0);
        String outbound2 = seconds.get(1);
        // each outbound instance holds its fair share of the 64 sender buckets before any message is queued
        await().atMost(WAIT).until(() -> meter("outbound-service", "outbound_lanes_owned") == LANE_BUCKETS / 2
                && meter(outbound2, "outbound_lanes_owned") == LANE_BUCKETS / 2);

        Map<String, String> numberOf = new HashMap<>();
        for (int w = 0; w < WORKSPACES; w++) {
            String org = SeedProcedureE2ETest.newOrg("twin");
            assertEquals(204, SeedProcedureE2ETest.clerk("msg_" + UUID.randomUUID(), "organization.created", org, "pro",
                    System.currentTimeMillis()));
            numberOf.put(org, null);
        }
        for (String org : numberOf.keySet()) {
            numberOf.put(org, await().atMost(WAIT).until(() -> SeedProcedureE2ETest.activeNumber(org), n -> n != null));
        }
        // both instances of each service must have work: the flood is keyed by the called number, so it must reach both
        // partitions; outbound sends from a number on the instance holding its bucket, so the numbers' buckets must be
        // held by both instances (two database sessions)
        while (numberOf.values().stream().map(TwoInstancesE2ETest::inboundPartition).distinct().count() < INBOUND_PARTITIONS
                || laneHolders(numberOf.values()) < 2) {
            String org = SeedProcedureE2ETest.newOrg("twin");
            assertEquals(204, SeedProcedureE2ETest.clerk("msg_" + UUID.randomUUID(), "organization.created", org, "pro",
                    System.currentTimeMillis()));
            numberOf.put(org, await().atMost(WAIT).until(() -> SeedProcedureE2ETest.activeNumber(org), n -> n != null));
        }
        int workspaces = numberOf.size();

        // outbound: every workspace queues its messages at once; the two instances share the sender numbers
        String run = UUID.randomUUID().toString().substring(0, 8);
        List<String> messageIds = new ArrayList<>();
        for (String org : numberOf.keySet()) {
            for (int k = 0; k < OUTBOUND_PER_WORKSPACE; k++) {
                String to = "+1415555" + String.format("%04d", 7000 + k);
                var accepted = await().atMost(WAIT).until(() -> SeedProcedureE2ETest.send(org, to, "pace " + run + " " + org + " " + to),
                        r -> r.statusCode() == 202);
                messageIds.add(org + "/" + RunningSystem.json(accepted).path("id").asText());
            }
        }

        // inbound: a flood to every workspace's number; routing-service-2 is killed half-way through it
        int total = workspaces * INBOUND_PER_WORKSPACE;
        AtomicInteger sent = new AtomicInteger();
        ExecutorService senders = Executors.newFixedThreadPool(8);
        List<Future<Integer>> answers = new ArrayList<>();
        List<String> orgs = new ArrayList<>(numberOf.keySet());
        for (int i = 0; i < total; i++) {
            String org = orgs.get(i % workspaces);
            String from = "+1415556" + String.format("%04d", i);
            String body = "twin " + run + " " + i;
            answers.add(senders.submit(() -> {
                int status = system.sandbox.simulateInboundSms(from, numberOf.get(org), body, List.of());
                sent.incrementAndGet();
                return status;
            }));
            if (i == total / 2) {
                await().atMost(WAIT).until(() -> sent.get() >= total / 2);
                // routing-service-2 did its share before it dies: it owned a partition and stored messages from it
                await().atMost(WAIT).until(() -> meter(routing2, "routing_messages_total", "outcome=\"routed\"") > 0);
                system.kill(routing2);
            }
        }
        for (Future<Integer> answer : answers) {
            assertEquals(200, answer.get(), "the gateway acknowledged every webhook");
        }
        senders.shutdown();

        // every acknowledged message stored once, in its own workspace, and handed on once (analytics' ledger counts it)
        await().atMost(WAIT).until(() -> inboundStored(run), stored -> stored.values().stream().mapToInt(Integer::intValue).sum() == total);
        Map<String, Integer> stored = inboundStored(run);
        for (String org : orgs) {
            assertEquals(INBOUND_PER_WORKSPACE, stored.get(org), "messages stored for " + org);
        }
        // what the kill could really duplicate: a message routed a second time is a second routed event (a new id) for
        // the same provider sid. The same event relayed again (same id) is at-least-once delivery, which consumers absorb.
        try (TopicProbe routedEvents = TopicProbe.on(system.bootstrap, Topics.ROUTED_MESSAGES)) {
            Map<String, Set<String>> eventIdsBySid = await().atMost(WAIT).until(() -> routedEventIds(routedEvents, run),
                    ids -> ids.size() == total);
            eventIdsBySid.forEach((sid, ids) -> assertEquals(1, ids.size(), sid + " was routed as several events: " + ids));
        }
        // three days around now (UTC): a run that crosses midnight still finds what it recorded
        String from = java.time.LocalDate.now(java.time.ZoneOffset.UTC).minusDays(1).toString();
        String to = java.time.LocalDate.now(java.time.ZoneOffset.UTC).plusDays(2).toString();
        for (String org : orgs) {
            await().atMost(WAIT).until(() -> RunningSystem.json(system.get("analytics-service", "/api/workspaces/" + org
                    + "/usage?from=" + from + "&to=" + to, TestTokens.forWorkspace(org))).path("totals").path("messagesInbound")
                    .asInt(), n -> n >= INBOUND_PER_WORKSPACE);
            assertEquals(INBOUND_PER_WORKSPACE, RunningSystem.json(system.get("analytics-service", "/api/workspaces/" + org
                    + "/usage?from=" + from + "&to=" + to, TestTokens.forWorkspace(org))).path("totals").path("messagesInbound")
                    .asInt(), "routed once each, counted once each downstream");
        }

        // outbound: every message delivered, each sent to SignalWire exactly once
        for (String ref : messageIds) {
            String org = ref.substring(0, ref.indexOf('/'));
            String id = ref.substring(ref.indexOf('/') + 1);
            await().atMost(WAIT).until(() -> RunningSystem.json(system.get("outbound-service", "/api/workspaces/" + org + "/messages/"
                    + id, TestTokens.forWorkspace(org))).path("status").asText(), "DELIVERED"::equals);
        }
        List<RecordedRequest> sends = system.sandbox.requests("POST", "/Messages").stream()
                .filter(r -> r.param("Body") != null && r.param("Body").startsWith("pace " + run)).toList();
        assertEquals(workspaces * OUTBOUND_PER_WORKSPACE, sends.size(), "one SignalWire request per message");
        assertEquals(sends.size(), sends.stream().map(r -> r.param("Body")).distinct().count(), "no message sent twice");
        assertTrue(meter("outbound-service", "outbound_sent_total") > 0, "outbound-service sent its share");
        assertTrue(meter(outbound2, "outbound_sent_total") > 0, "outbound-service-2 sent its share");

        // pacing: a long code sends one segment per second. outbound's own departure times are the guarantee (never
        // closer than 1 s); the sandbox's receive times must agree up to its own jitter on a busy machine (0.9 s), and two
        // instances sending from one number at once would show as nearly 0
        Map<String, List<Instant>> departures = departures(run);
        for (var number : departures.entrySet()) {
            assertEquals(OUTBOUND_PER_WORKSPACE, number.getValue().size());
            assertTrue(minimumSpacing(number.getValue()).compareTo(Duration.ofSeconds(1)) >= 0,
                    number.getKey() + " departed faster than 1/s: " + number.getValue());
        }
        Map<String, List<Instant>> received = sends.stream().collect(Collectors.groupingBy(r -> r.param("From"),
                Collectors.mapping(RecordedRequest::at, Collectors.toList())));
        for (var number : received.entrySet()) {
            Duration spacing = minimumSpacing(number.getValue());
            assertTrue(spacing.compareTo(Duration.ofMillis(900)) >= 0, number.getKey() + " reached SignalWire " + spacing + " apart");
        }
        system.assertAllAlive();
    }

    /**
     * The kit's processed-event retention runs every 2 s here (GALAXYCO_RETENTION_INTERVAL): with two outbound instances
     * (the other test's, when it ran first) each scheduler fires every 2 s, and the job runs once per period between
     * them, not once per instance.
     */
    @Test
    void aPeriodicSingletonJobRunsOncePerPeriodAcrossTwoInstances() throws Exception {
        String second = secondInstances("outbound-service").get(0);
        List<String> instances = List.of("outbound-service", second);
        Map<String, double[]> before = new HashMap<>();
        for (String instance : instances) {
            before.put(instance, retentionTurns(instance));
        }
        long started = System.nanoTime();
        // until each instance has taken at least three turns of its own
        await().atMost(WAIT).until(() -> instances.stream().allMatch(i -> {
            double[] now = retentionTurns(i);
            return now[0] + now[1] - before.get(i)[0] - before.get(i)[1] >= 3;
        }));
        double seconds = (System.nanoTime() - started) / 1e9;
        double ran = 0;
        double turns = 0;
        for (String instance : instances) {
            double[] now = retentionTurns(instance);
            ran += now[0] - before.get(instance)[0];
            turns += now[0] + now[1] - before.get(instance)[0] - before.get(instance)[1];
        }
        // at most one run per 2 s period (a period counts as taken for 0.9 of it), plus the period in progress
        assertTrue(ran <= Math.floor(seconds / 1.8) + 1, ran + " runs in " + seconds + " s from " + turns + " turns");
        assertTrue(ran >= 1, "the job ran");
        assertTrue(ran < turns, "some turns were skipped: " + ran + " of " + turns);
    }

    /**
     * The running second instances of {@code services}, those not running started side by side (the other test may
     * have started or killed them).
     */
    static List<String> secondInstances(String... services) throws Exception {
        List<String> missing = java.util.Arrays.stream(services).filter(s -> !system.processes.containsKey(s + "-2")).toList();
        system.startInstances(missing, 2);
        return java.util.Arrays.stream(services).map(s -> s + "-2").toList();
    }

    /** The retention job's turns on one instance: {ran, skipped (another ran it this period or runs it now)}. */
    static double[] retentionTurns(String instance) {
        String metrics;
        try {
            metrics = system.operations(instance, "/q/metrics").body();
        } catch (java.io.IOException | InterruptedException e) {
            throw new IllegalStateException(instance + " metrics: " + e, e);
        }
        double ran = 0;
        double skipped = 0;
        Matcher m = Pattern.compile("cluster_jobs_total\\{[^}]*\\}\\s+(\\S+)").matcher(metrics);
        while (m.find()) {
            String line = m.group();
            if (line.contains("job=\"kit.processed-event-retention\"")) {
                double value = Double.parseDouble(m.group(1));
                if (line.contains("outcome=\"ran\"")) {
                    ran += value;
                } else {
                    skipped += value;
                }
            }
        }
        return new double[] {ran, skipped};
    }

    /** The partition of inbound-messages a message to {@code number} goes to (the producer's default partitioner). */
    static int inboundPartition(String number) {
        return org.apache.kafka.common.utils.Utils.toPositive(org.apache.kafka.common.utils.Utils.murmur2(
                number.getBytes(java.nio.charset.StandardCharsets.UTF_8))) % INBOUND_PARTITIONS;
    }

    /** One instance's meter, summed over its series whose labels contain every one of {@code labels}. */
    static double meter(String instance, String name, String... labels) throws Exception {
        Matcher m = Pattern.compile("(?m)^" + name + "(\\{[^}]*\\})?\\s+(\\S+)").matcher(system.operations(instance, "/q/metrics").body());
        double sum = 0;
        while (m.find()) {
            String series = m.group(1) == null ? "" : m.group(1);
            if (java.util.Arrays.stream(labels).allMatch(series::contains)) {
                sum += Double.parseDouble(m.group(2));
            }
        }
        return sum;
    }

    /**
     * How many outbound instances hold the lanes of these sender numbers: outbound's LaneOwnership hashes a number into
     * one of 64 buckets ({@code mod(abs(hashtext(number)), 64)}) and an instance holds a bucket by a session advisory lock
     * of class 0x4744, so the distinct sessions holding the numbers' buckets are the distinct instances.
     */
    static int laneHolders(java.util.Collection<String> numbers) throws Exception {
        try (Connection db = system.database("outbound-service"); PreparedStatement q = db.prepareStatement(
                "select count(distinct l.pid) from pg_locks l where l.locktype = 'advisory' and l.granted and l.classid = 18244 "
                        + "and l.database = (select oid from pg_database where datname = current_database()) and l.objid in "
                        + "(select mod(abs(hashtext(n)::bigint), 64) from unnest(?::text[]) n)")) {
            q.setArray(1, db.createArrayOf("text", numbers.toArray()));
            try (ResultSet rows = q.executeQuery()) {
                rows.next();
                return rows.getInt(1);
            }
        }
    }

    /** This run's routed events on the topic: the distinct event ids (ce_id) seen for each provider sid. */
    static Map<String, Set<String>> routedEventIds(TopicProbe probe, String run) throws Exception {
        Map<String, Set<String>> ids = new HashMap<>();
        for (var record : probe.records(r -> r.value() != null && r.value().contains("twin " + run + " "))) {
            String sid = RunningSystem.JSON.readTree(record.value()).path("messageSid").asText();
            ids.computeIfAbsent(sid, k -> new HashSet<>()).add(TopicProbe.header(record, CloudEventHeaders.ID));
        }
        return ids;
    }

    /** This run's inbound messages stored by routing, per workspace. */
    static Map<String, Integer> inboundStored(String run) throws Exception {
        Map<String, Integer> stored = new HashMap<>();
        try (Connection db = system.database("routing-service"); PreparedStatement q = db.prepareStatement(
                "select c.workspace_id, count(*) from routing.conversation_message m "
                        + "join routing.conversation c on c.id = m.conversation_id where m.body like ? group by c.workspace_id")) {
            q.setString(1, "twin " + run + " %");
            try (ResultSet rows = q.executeQuery()) {
                while (rows.next()) {
                    stored.put(rows.getString(1), rows.getInt(2));
                }
            }
        }
        return stored;
    }

    /** When outbound's requests left, per sender number (outbound's record, taken after the request was flushed). */
    static Map<String, List<Instant>> departures(String run) throws Exception {
        Map<String, List<Instant>> departures = new HashMap<>();
        try (Connection db = system.database("outbound-service"); PreparedStatement q = db.prepareStatement(
                "select from_number, departed_at from outbound.message where body like ? and departed_at is not null")) {
            q.setString(1, "pace " + run + " %");
            try (ResultSet rows = q.executeQuery()) {
                while (rows.next()) {
                    departures.computeIfAbsent(rows.getString(1), k -> new ArrayList<>()).add(rows.getTimestamp(2).toInstant());
                }
            }
        }
        return departures;
    }

    static Duration minimumSpacing(List<Instant> times) {
        List<Instant> sorted = times.stream().sorted(Comparator.naturalOrder()).toList();
        Duration minimum = Duration.ofDays(1);
        for (int i = 1; i < sorted.size(); i++) {
            Duration gap = Duration.between(sorted.get(i - 1), sorted.get(i));
            minimum = gap.compareTo(minimum) < 0 ? gap : minimum;
        }
        return minimum;
    }
}
