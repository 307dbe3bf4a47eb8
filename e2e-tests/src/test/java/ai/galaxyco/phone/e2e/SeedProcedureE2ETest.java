package ai.galaxyco.phone.e2e;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.galaxyco.phone.model.signature.SvixSignature;
import ai.galaxyco.phone.testsupport.TestTokens;
import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.Test;

/**
 * The seed's test procedure, end to end, through the public interfaces of the four running services:
 * a signed organization.created (Pro) -> a number is provisioned -> an SMS sent through the outbound API leaves
 * from that number -> the person's reply lands in the same conversation, in order -> DELIVERED.
 */
class SeedProcedureE2ETest {

    static final Duration WAIT = Duration.ofSeconds(60);
    static RunningSystem system;

    /** Starts the running system shared by the end-to-end classes, or joins it. */
    @RegisterExtension
    static final BeforeAllCallback SYSTEM = context -> system = RunningSystem.shared(context);

    static String newOrg(String kind) {
        return "org_e2e_" + kind + "_" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
    }

    static int clerk(String svixId, String type, String org, String plan, long updatedAt) throws Exception {
        String body = "{\"object\":\"event\",\"type\":\"" + type + "\",\"timestamp\":" + updatedAt + ",\"data\":{\"object\":\"organization\","
                + "\"id\":\"" + org + "\",\"name\":\"E2E\",\"slug\":\"e2e\",\"public_metadata\":{\"plan\":\"" + plan + "\"},"
                + "\"created_at\":" + updatedAt + ",\"updated_at\":" + updatedAt + "}}";
        long ts = Instant.now().getEpochSecond();
        String signature = SvixSignature.sign(RunningSystem.CLERK_SECRET, svixId, ts, body.getBytes(StandardCharsets.UTF_8));
        return system.post("webhook-gateway", "/api/webhooks/clerk", Map.of("svix-id", svixId, "svix-timestamp",
                String.valueOf(ts), "svix-signature", signature, "Content-Type", "application/json"), body).statusCode();
    }

    /** The provisioning state (with its attempts): what operators and the console's history read. */
    static JsonNode numbers(String org) throws Exception {
        HttpResponse<String> response = system.get("provisioning-service", "/api/workspaces/" + org + "/numbers",
                TestTokens.forWorkspace(org));
        return response.statusCode() == 200 ? RunningSystem.json(response) : null;
    }

    /** The workspace's dedicated number as the front end reads it (the public phone-numbers contract). */
    static String activeNumber(String org) throws Exception {
        HttpResponse<String> response = system.get("provisioning-service", "/api/workspaces/" + org + "/phone-numbers",
                TestTokens.forWorkspace(org));
        if (response.statusCode() != 200) {
            return null;
        }
        for (JsonNode n : RunningSystem.json(response).path("items")) {
            if (n.path("dedicated").asBoolean() && "ACTIVE".equals(n.path("status").asText())) {
                return n.path("phoneNumber").asText();
            }
        }
        return null;
    }

    /** The number's messaging state as the numbers API shows it. */
    static String messagingState(String org, String number) throws Exception {
        for (JsonNode n : RunningSystem.json(system.get("provisioning-service", "/api/workspaces/" + org + "/phone-numbers",
                TestTokens.forWorkspace(org))).path("items")) {
            if (number.equals(n.path("phoneNumber").asText())) {
                return n.path("messaging").path("state").asText(null);
            }
        }
        return null;
    }

        static HttpResponse<String> send(String org, String to, String body) throws Exception {
        return system.post("outbound-service", "/api/workspaces/" + org + "/messages", Map.of("Authorization",
                "Bearer " + TestTokens.forWorkspace(org), "Content-Type", "application/json"),
                "{\"to\":\"" + to + "\",\"body\":\"" + body + "\"}");
    }

    static JsonNode conversations(String org) throws Exception {
        return RunningSystem.json(system.get("routing-service", "/api/workspaces/" + org + "/conversations", TestTokens.forWorkspace(org)))
                .path("items");
    }

    /** The whole thread, oldest first, read page by page as a client scrolling up would (each page is older). */
    static JsonNode thread(String org, String conversationId) throws Exception {
        java.util.Deque<JsonNode> pages = new java.util.ArrayDeque<>();
        String cursor = null;
        do {
            JsonNode page = RunningSystem.json(system.get("routing-service", "/api/workspaces/" + org + "/conversations/"
                    + conversationId + "/messages?limit=200" + (cursor == null ? "" : "&cursor=" + cursor), TestTokens.forWorkspace(org)));
            pages.push(page.path("items"));
            cursor = page.path("nextCursor").isTextual() ? page.path("nextCursor").asText() : null;
        } while (cursor != null);
        com.fasterxml.jackson.databind.node.ArrayNode thread = JSON.createArrayNode();
        pages.forEach(page -> page.forEach(thread::add));
        return thread;
    }

    @Test
    void proWorkspaceSendsFromItsOwnNumberAndTheReplyLandsInTheSameConversation() throws Exception {
        String org = newOrg("pro");
        String svixId = "msg_" + UUID.randomUUID();
        long version = System.currentTimeMillis();
        assertEquals(204, clerk(svixId, "organization.created", org, "pro", version));
        assertEquals(204, clerk(svixId, "organization.created", org, "pro", version)); // Svix redelivery

        String number = await().atMost(WAIT).until(() -> activeNumber(org), n -> n != null);
        assertEquals(1, system.sandbox.ownedNumbers().stream().filter(n -> ("galaxyco:127.0.0.1:" + org).equals(n.get("friendly_name"))).count(),
                "one number bought despite the redelivery");

        // sent at once, while its 10DLC registration may still be pending: held, never refused by the carrier
        String customer = "+14155550123";
        HttpResponse<String> accepted = await().atMost(WAIT).until(() -> send(org, customer, "Your order shipped"),
                r -> r.statusCode() == 202);
        JsonNode message = RunningSystem.json(accepted);
        assertEquals(number, message.path("from").asText());
        String id = message.path("id").asText();

        await().atMost(WAIT).until(() -> system.sandbox.requests("POST", "/Messages").stream()
                .anyMatch(r -> number.equals(r.param("From"))));
        assertEquals(system.url("webhook-gateway", "/api/webhooks/signalwire/status?ref=" + id), system.sandbox.requests("POST",
                "/Messages").stream().filter(r -> number.equals(r.param("From"))).findFirst().orElseThrow().param("StatusCallback"));

        await().atMost(WAIT).until(() -> RunningSystem.json(system.get("outbound-service", "/api/workspaces/" + org + "/messages/" + id,
                TestTokens.forWorkspace(org))).path("status").asText(), "DELIVERED"::equals);
        // registered through the real path: campaign order, SignalWire's signed callback to the gateway, provisioning
        assertEquals("SENDABLE", messagingState(org, number));
        @SuppressWarnings("unchecked")
        var callbacks = (List<Map<String, Object>>) system.sandbox.registryState().get("callbacks");
        assertTrue(callbacks.stream().anyMatch(c -> number.equals(c.get("phone_number")) && "completed".equals(c.get("state"))
                && Integer.valueOf(204).equals(c.get("_status"))), "the gateway took the 10DLC callback: " + callbacks);

        assertEquals(200, system.sandbox.simulateInboundSms(customer, number, "When will it arrive?", List.of()));
        String conversationId = await().atMost(WAIT).until(() -> conversations(org), c -> c.size() == 1).path(0).path("id").asText();
        JsonNode thread = await().atMost(WAIT).until(() -> thread(org, conversationId), t -> t.size() == 2);
        assertEquals(List.of("OUTBOUND", "INBOUND"), StreamSupport.stream(thread.spliterator(), false)
                .map(m -> m.path("direction").asText()).toList());
        // analytics' ledger holds both messages (the number's few seconds held round to nothing at four decimals)
        // three days around now (UTC): a run that crosses midnight still finds what it recorded
        String from = java.time.LocalDate.now(java.time.ZoneOffset.UTC).minusDays(1).toString();
        String to = java.time.LocalDate.now(java.time.ZoneOffset.UTC).plusDays(2).toString();
        JsonNode usage = await().atMost(WAIT).until(() -> RunningSystem.json(system.get("analytics-service", "/api/workspaces/" + org
                + "/usage?from=" + from + "&to=" + to, TestTokens.forWorkspace(org))).path("totals"),
                t -> t.path("messagesOutbound").asInt() == 1 && t.path("messagesInbound").asInt() == 1);
        assertEquals(1, usage.path("segmentsOutbound").asInt());
        // estimated at once, then what SignalWire charged: the sandbox's $0.0083 for each message (GET Messages/{sid}.json)
        await().atMost(WAIT).until(() -> RunningSystem.json(system.get("analytics-service", "/api/workspaces/" + org
                + "/usage?from=" + from + "&to=" + to, TestTokens.forWorkspace(org))).path("totals").path("costByChannel")
                .path("SMS").asText(), "0.0166"::equals);
        // judged at the end, not at the first request: by now the message was delivered, answered and priced
        assertEquals(1, system.sandbox.requests("POST", "/Messages").stream().filter(r -> number.equals(r.param("From"))).count(),
                "exactly one SignalWire Messages request");
        assertTheDashboardsMetricsArePublished();
        system.assertAllAlive();
    }

    /**
     * Every metric the committed Grafana dashboard queries is published by some service once a message went out and
     * came back (a dead-letter counter appears with the first dead letter, so it alone may be missing here).
     */
    void assertTheDashboardsMetricsArePublished() throws Exception {
        JsonNode dashboard = new com.fasterxml.jackson.databind.ObjectMapper().readTree(
                java.nio.file.Path.of("../ops/docker/grafana/dashboards/galaxyco-phone.json").toFile());
        java.util.Set<String> queried = new java.util.TreeSet<>();
        for (JsonNode panel : dashboard.path("panels")) {
            for (JsonNode target : panel.path("targets")) {
                java.util.regex.Matcher metric = java.util.regex.Pattern.compile("([a-z][a-z0-9_]*)\\{").matcher(target.path("expr").asText());
                while (metric.find()) {
                    queried.add(metric.group(1));
                }
            }
        }
        assertTrue(queried.size() >= 10, "the dashboard's queries: " + queried);
        StringBuilder published = new StringBuilder();
        for (String service : RunningSystem.SERVICES) {
            published.append(system.operations(service, "/q/metrics").body());
        }
        List<String> missing = queried.stream().filter(name -> !name.equals("events_dead_lettered_total"))
                .filter(name -> !java.util.regex.Pattern.compile("(?m)^" + name + "[{ ]").matcher(published).find()).toList();
        assertEquals(List.of(), missing, "metrics the dashboard queries that no service publishes");
    }

    @Test
    void starterWorkspaceUsesTheSharedNumberAndGetsTheReply() throws Exception {
        String org = newOrg("starter");
        assertEquals(204, clerk("msg_" + UUID.randomUUID(), "organization.created", org, "starter", System.currentTimeMillis()));
        String person = "+14155550177";
        HttpResponse<String> accepted = await().atMost(WAIT).until(() -> send(org, person, "Hello from Starter"),
                r -> r.statusCode() == 202);
        assertEquals(RunningSystem.SHARED_NUMBER, RunningSystem.json(accepted).path("from").asText());
        String id = RunningSystem.json(accepted).path("id").asText();
        // a reply is attributed to the workspace only once the carrier accepted its message
        await().atMost(WAIT).until(() -> RunningSystem.json(system.get("outbound-service", "/api/workspaces/" + org + "/messages/"
                + id, TestTokens.forWorkspace(org))).path("status").asText(), s -> s.equals("SENT") || s.equals("DELIVERED"));
        await().atMost(WAIT).until(() -> conversations(org).size() == 1);
        assertEquals(200, system.sandbox.simulateInboundSms(person, RunningSystem.SHARED_NUMBER, "Thanks!", List.of()));
        String conversationId = conversations(org).path(0).path("id").asText();
        await().atMost(WAIT).until(() -> thread(org, conversationId).size() == 2);
    }

    /** Odd but legal text: each must come back exactly as MessageText's rule says, and none may make a 5xx. */
    static final List<String> ODD_BODIES = List.of("\u0000", "Meet at the caf\u00e9 \u0000 9", "control \u0001\u0002\u0007\u001b\u007f end",
            "\uFEFFbyte order mark first", "max BMP \uFFFF char", "rtl \u202Eoverride\u202C done", "x".repeat(10_000),
            "combining e\u0301\u0308 and \u0915\u094D\u0937", "emoji \uD83D\uDC4D\uD83C\uDFFD \uD83D\uDC69\uD83C\uDFFF\u200D\uD83D\uDCBB",
            "", "C1 controls \u0085\u009f", "tab\tnewline\ncr\r", "quote \" backslash \\ percent %20 plus +",
            "<b>html</b> &amp; ampersand", "\u65e5\u672c\u8a9e\u306e\u30c6\u30ad\u30b9\u30c8", "\uD83D\uDE00".repeat(100),
            "  leading and trailing spaces  ", "surrogate pair \uD834\uDD1E clef");

    static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();

    /** The thread of {@code contact} with a Pro workspace's number, once it holds {@code count} messages. */
    static JsonNode threadWith(String org, String contact, int count) throws Exception {
        return await().atMost(WAIT).until(() -> {
            for (JsonNode c : conversations(org)) {
                if (contact.equals(c.path("contact").asText())) {
                    return thread(org, c.path("id").asText());
                }
            }
            return null;
        }, t -> t != null && t.size() >= count);
    }

    /** Asserts every body arrived once, stored as MessageText says: U+0000 as U+FFFD, the exact text beside it. */
    static void assertStoredExactly(List<String> sent, JsonNode thread) {
        List<String> stored = new java.util.ArrayList<>();
        List<String> originals = new java.util.ArrayList<>();
        thread.forEach(m -> {
            stored.add(m.path("body").isNull() ? "" : m.path("body").asText());
            originals.add(m.path("originalBody").isNull() ? null : m.path("originalBody").asText());
        });
        List<String> expectedStored = sent.stream().map(b -> b.replace('\u0000', '\uFFFD')).sorted().toList();
        assertEquals(expectedStored, stored.stream().sorted().toList());
        List<String> expectedOriginals = sent.stream().filter(b -> b.indexOf('\u0000') >= 0).sorted().toList();
        assertEquals(expectedOriginals, originals.stream().filter(java.util.Objects::nonNull).sorted().toList());
    }

    static String proNumber(String org) throws Exception {
        assertEquals(204, clerk("msg_" + UUID.randomUUID(), "organization.created", org, "pro", System.currentTimeMillis()));
        return await().atMost(WAIT).until(() -> activeNumber(org), n -> n != null);
    }

    @Test
    void oddInboundTextIsStoredExactlyThroughGatewayAndRouting() throws Exception {
        String org = newOrg("odd");
        String number = proNumber(org);
        String contact = "+14155550188";
        for (String body : ODD_BODIES) {
            assertEquals(200, system.sandbox.simulateInboundSms(contact, number, body, List.of()), "webhook for " + body.length());
        }
        assertStoredExactly(ODD_BODIES, threadWith(org, contact, ODD_BODIES.size()));
    }

    @Test
    void randomUnicodeBodiesInSignedWebhooksAreAllStored() throws Exception {
        long seed = Long.getLong("hostile.seed", System.nanoTime());
        java.util.Random random = new java.util.Random(seed);
        String org = newOrg("fuzz");
        String number = proNumber(org);
        String contact = "+14155550189";
        List<String> bodies = new java.util.ArrayList<>();
        for (int i = 0; i < 150; i++) {
            StringBuilder body = new StringBuilder();
            int length = random.nextInt(40);
            while (body.length() < length) {
                int codePoint = switch (random.nextInt(4)) {
                    case 0 -> random.nextInt(0x80); // ASCII, NUL and C0 controls included
                    case 1 -> random.nextInt(0x800);
                    case 2 -> random.nextInt(0x10000);
                    default -> 0x10000 + random.nextInt(0x100000);
                };
                if (codePoint < 0xD800 || codePoint > 0xDFFF) { // lone surrogates are not text: SignalWire cannot send them
                    body.appendCodePoint(codePoint);
                }
            }
            bodies.add(i + ":" + body);
        }
        for (String body : bodies) {
            assertEquals(200, system.sandbox.simulateInboundSms(contact, number, body, List.of()), "seed " + seed);
        }
        JsonNode thread = threadWith(org, contact, bodies.size());
        assertStoredExactly(bodies, thread);
    }

    @Test
    void theSendApiAnswersOddTextWithAcceptanceOrAReasonNever5xx() throws Exception {
        String org = newOrg("oddsend");
        proNumber(org);
        for (String body : ODD_BODIES) {
            String json = JSON.writeValueAsString(Map.of("to", "+14155550190", "body", body));
            HttpResponse<String> answer = await().atMost(WAIT).until(() -> system.post("outbound-service",
                    "/api/workspaces/" + org + "/messages", Map.of("Authorization", "Bearer " + TestTokens.forWorkspace(org),
                            "Content-Type", "application/json"), json), r -> r.statusCode() != 409);
            boolean refusable = body.isEmpty() || body.indexOf('\u0000') >= 0 || body.length() > 1600;
            if (refusable) {
                assertEquals(400, answer.statusCode(), answer.body());
                assertTrue(RunningSystem.json(answer).path("detail").asText().length() > 10, "a reason: " + answer.body());
                continue;
            }
            assertEquals(202, answer.statusCode(), answer.body());
            String id = RunningSystem.json(answer).path("id").asText();
            JsonNode stored = RunningSystem.json(system.get("outbound-service", "/api/workspaces/" + org + "/messages/" + id,
                    TestTokens.forWorkspace(org)));
            assertEquals(body, stored.path("body").asText());
        }
        system.assertAllAlive();
    }

    @Test
    void operationsEndpointsAnswerOnTheManagementPortsOnly() throws Exception {
        for (String service : RunningSystem.SERVICES) {
            for (String path : List.of("/q/health/ready", "/q/metrics", "/q/openapi")) {
                assertEquals(404, system.get(service, path, null).statusCode(), service + " public port serves " + path);
                assertEquals(200, system.operations(service, path).statusCode(), service + " management port lacks " + path);
            }
        }
    }

    @Test
    void operatorEndpointsTakeServiceTokensAndNeverClerkTokens() throws Exception {
        assertEquals(200, system.get("provisioning-service", "/api/admin/reconciliation", TestTokens.forService()).statusCode());
        assertEquals(403, system.get("provisioning-service", "/api/admin/reconciliation",
                TestTokens.clerkTokenClaimingServiceRole()).statusCode());
        assertEquals(401, system.get("provisioning-service", "/api/admin/reconciliation",
                TestTokens.forServiceAudience(List.of("routing-service"))).statusCode());
        assertEquals(401, system.get("routing-service", "/api/workspaces/org_x/conversations",
                TestTokens.forWorkspaceFromParty("org_x", "https://evil.example")).statusCode());
    }

    @Test
    void thePackagedServiceRefusesToStartWithoutTheFrontEndsOrigins() throws Exception {
        var exit = system.launchExpectingExit("routing-service", java.util.Collections.singletonMap("CLERK_AUTHORIZED_PARTIES", null),
                Duration.ofSeconds(90));
        assertTrue(exit.getKey() != 0, "exit code " + exit.getKey());
        assertTrue(exit.getValue().contains("set CLERK_AUTHORIZED_PARTIES"), exit.getValue());
    }

    /**
     * Issue 33: in the packaged modules the management interface listens on loopback only (the kernel's table of
     * listening sockets says so) and serves no Swagger UI, while health answers there.
     */
    @Test
    void thePackagedModulesKeepOperationsOnLoopbackAndServeNoSwaggerUi() throws Exception {
        // the system's own processes (extra instances other tests started and stopped are gone)
        for (var service : system.managementPorts.entrySet().stream().filter(e -> List.of(RunningSystem.SERVICES).contains(e.getKey())
                || e.getKey().equals(RunningSystem.CONSOLE)).toList()) {
            List<String> listening = listeningAddresses(service.getValue());
            // 127.0.0.1 (tcp), ::ffff:127.0.0.1 or ::1 (tcp6); all interfaces would be 00000000 or all zeros
            assertTrue(!listening.isEmpty() && listening.stream().allMatch(a -> a.equals("0100007F")
                    || a.equals("0000000000000000FFFF00000100007F") || a.equals("00000000000000000000000001000000")),
                    service.getKey() + " listens on " + listening);
            assertEquals(200, system.operations(service.getKey(), "/q/health/live").statusCode(), service.getKey());
            assertEquals(404, system.operations(service.getKey(), "/q/swagger-ui/").statusCode(), service.getKey());
        }
    }

    /** The local addresses (hex, as /proc/net/tcp and tcp6 write them) of sockets listening on {@code port}. */
    static List<String> listeningAddresses(int port) throws java.io.IOException {
        String hexPort = String.format(":%04X", port);
        List<String> addresses = new java.util.ArrayList<>();
        for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
            for (String line : java.nio.file.Files.readAllLines(java.nio.file.Path.of(table))) {
                String[] fields = line.trim().split("\\s+");
                if (fields.length > 3 && fields[1].endsWith(hexPort) && fields[3].equals("0A")) { // 0A: LISTEN
                    addresses.add(fields[1].substring(0, fields[1].indexOf(':')));
                }
            }
        }
        return addresses;
    }

    /** Issue 33: committed keys and secrets, and keys over plain http, stop the packaged modules unless allowed. */
    @Test
    void thePackagedModulesRefuseCommittedKeysAndSecretsAndPlainHttpKeyLocations() throws Exception {
        String committedServiceKey = "file:" + java.nio.file.Path.of("..", "ops", "docker", "local-jwt", "service-public.pem")
                .toAbsolutePath().normalize();
        Map<String, String> routing = new java.util.HashMap<>();
        routing.put("GALAXYCO_ALLOW_DEV_SECRETS", null);
        routing.put("SERVICE_JWT_PUBLIC_KEY", committedServiceKey);
        var exit = system.launchExpectingExit("routing-service", routing, Duration.ofSeconds(90));
        assertTrue(exit.getKey() != 0, "exit code " + exit.getKey());
        assertTrue(exit.getValue().contains("SERVICE_JWT_PUBLIC_KEY is a development key whose private half is committed"),
                exit.getValue());
        assertTrue(exit.getValue().contains("JWKS_URL / JWT_PUBLIC_KEY_LOCATION is a plain http: location"), exit.getValue());

        var gateway = system.launchExpectingExit("webhook-gateway", java.util.Collections.singletonMap("GALAXYCO_ALLOW_DEV_SECRETS",
                null), Duration.ofSeconds(90));
        assertTrue(gateway.getKey() != 0, "exit code " + gateway.getKey());
        assertTrue(gateway.getValue().contains("SIGNALWIRE_SIGNING_KEY is the SignalWire signing key of the end-to-end suite"),
                gateway.getValue());

        var console = system.launchExpectingExit(RunningSystem.CONSOLE, java.util.Collections.singletonMap(
                "CLERK_AUTHORIZED_PARTIES", null), Duration.ofSeconds(90));
        assertTrue(console.getKey() != 0, "exit code " + console.getKey());
        assertTrue(console.getValue().contains("set CLERK_AUTHORIZED_PARTIES"), console.getValue());
    }

    @Test
    void readinessIsDownWhileTheDatabaseRefusesConnectionsAndUpAgainAfter() throws Exception {
        Map<String, String> env = system.environments.get("routing-service");
        String jdbc = env.get("QUARKUS_DATASOURCE_JDBC_URL");
        String database = jdbc.substring(jdbc.lastIndexOf('/') + 1);
        String admin = jdbc.substring(0, jdbc.lastIndexOf('/') + 1) + "postgres";
        try (var connection = java.sql.DriverManager.getConnection(admin, env.get("QUARKUS_DATASOURCE_USERNAME"), "")) {
            connection.createStatement().execute("alter database " + database + " allow_connections false");
            connection.createStatement().execute("select pg_terminate_backend(pid) from pg_stat_activity where datname = '"
                    + database + "'");
        }
        try {
            var down = await().atMost(Duration.ofSeconds(60)).until(() -> system.operations("routing-service", "/q/health/ready"),
                    r -> r.statusCode() == 503);
            JsonNode checks = RunningSystem.json(down).path("checks");
            assertTrue(StreamSupport.stream(checks.spliterator(), false).anyMatch(c -> c.path("name").asText().contains("Database")
                    && c.path("status").asText().equals("DOWN")), down.body());
        } finally {
            try (var connection = java.sql.DriverManager.getConnection(admin, env.get("QUARKUS_DATASOURCE_USERNAME"), "")) {
                connection.createStatement().execute("alter database " + database + " allow_connections true");
            }
        }
        await().atMost(Duration.ofSeconds(60)).until(() -> system.operations("routing-service", "/q/health/ready").statusCode() == 200);
    }

    @Test
    void reconciliationRunsWithinSecondsOfStartUp() {
        // a full listing (PageSize, no filter) is what only a reconciliation pass asks for
        var firstPass = await().atMost(Duration.ofSeconds(30)).until(() -> system.sandbox.requests("GET", "/IncomingPhoneNumbers")
                .stream().filter(r -> r.param("PageSize") != null && r.param("FriendlyName") == null).findFirst(),
                java.util.Optional::isPresent).get();
        Duration afterReady = Duration.between(system.readyAt.get("provisioning-service"), firstPass.at());
        assertTrue(afterReady.compareTo(Duration.ofSeconds(10)) < 0, "first reconciliation pass " + afterReady + " after ready");
    }

    @Test
    void callsAreAnsweredWithCxml() throws Exception {
        String org = newOrg("voice");
        clerk("msg_" + UUID.randomUUID(), "organization.created", org, "enterprise", System.currentTimeMillis());
        String number = await().atMost(WAIT).until(() -> activeNumber(org), n -> n != null);
        String cxml = await().atMost(WAIT).until(() -> system.sandbox.simulateInboundCall("+14155550111", number),
                answer -> answer != null && answer.contains("<Record"));
        assertTrue(cxml.startsWith("<?xml"), cxml);
        // a 95-second call: SignalWire's completed status callback (CallDuration) reaches the ledger through the gateway,
        // and the call's price (two started minutes at the sandbox's $0.01) replaces the per-second estimate
        system.sandbox.simulateInboundCall("+14155550111", number, 95);
        // three days around now (UTC): a run that crosses midnight still finds what it recorded
        String from = java.time.LocalDate.now(java.time.ZoneOffset.UTC).minusDays(1).toString();
        String to = java.time.LocalDate.now(java.time.ZoneOffset.UTC).plusDays(2).toString();
        await().atMost(WAIT).until(() -> RunningSystem.json(system.get("analytics-service", "/api/workspaces/" + org
                + "/usage?from=" + from + "&to=" + to, TestTokens.forWorkspace(org))).path("totals"),
                t -> t.path("calls").asInt() == 1 && t.path("callSeconds").asInt() == 95
                        && "0.0200".equals(t.path("costByChannel").path("VOICE").asText()));
        // a number pointing at us that no workspace owns: a polite goodbye
        String unassigned = system.sandbox.addOwnedNumber("+13125550100", "not assigned to anyone",
                system.url("webhook-gateway", "/api/webhooks/signalwire")).get("phone_number").toString();
        String goodbye = system.sandbox.simulateInboundCall("+14155550111", unassigned);
        assertTrue(goodbye.contains("<Hangup/>") && goodbye.contains("not in service"), goodbye);

        // the owner sets call forwarding through the public numbers API: the next call is dialled on
        HttpResponse<String> changed = system.send("PATCH", "provisioning-service", "/api/workspaces/" + org + "/phone-numbers/"
                + number, Map.of("Authorization", "Bearer " + TestTokens.forWorkspace(org), "Content-Type", "application/json"),
                "{\"forwardTo\":\"+12125550100\",\"label\":\"Support\"}");
        assertEquals(200, changed.statusCode(), changed.body());
        String dialled = await().atMost(WAIT).until(() -> system.sandbox.simulateInboundCall("+14155550111", number),
                answer -> answer != null && answer.contains("<Dial"));
        assertTrue(dialled.contains(">+12125550100</Dial>") && dialled.contains("callerId=\"" + number + "\""), dialled);

        // issue 34: nobody answers the forward; the caller hears the number's greeting, leaves a voicemail, and the
        // workspace sees the call, reads the transcript and plays the recording through the calls API
        assertEquals(200, system.send("PATCH", "provisioning-service", "/api/workspaces/" + org + "/phone-numbers/" + number,
                Map.of("Authorization", "Bearer " + TestTokens.forWorkspace(org), "Content-Type", "application/json"),
                "{\"voicemailGreeting\":\"You have reached E2E Support. Leave a message.\"}").statusCode());
        var unanswered = await().atMost(WAIT).until(() -> system.sandbox.simulateInboundCall("+14155550112", number,
                new ai.galaxyco.phone.sandbox.SignalWireSandbox.CallScript("no-answer", 8, "Please call me back about my order.", 40)),
                call -> !call.followUps().isEmpty() && call.followUps().get(0).contains("E2E Support"));
        assertTrue(unanswered.cxml().contains("/api/webhooks/signalwire/voice/dial-result"), unanswered.cxml());
        assertTrue(unanswered.followUps().get(0).contains("transcribe=\"true\""), unanswered.followUps().get(0));
        var call = await().atMost(WAIT).until(() -> RunningSystem.json(system.get("routing-service", "/api/workspaces/" + org
                + "/calls?outcome=VOICEMAIL", TestTokens.forWorkspace(org))).path("items"), items -> java.util.stream.StreamSupport
                .stream(items.spliterator(), false).anyMatch(c -> c.path("callSid").asText().equals(unanswered.callSid())
                        && c.path("voicemail").path("transcript").asText().equals("Please call me back about my order.")
                        && c.path("durationSeconds").asInt() == 40));
        String callId = java.util.stream.StreamSupport.stream(call.spliterator(), false)
                .filter(c -> c.path("callSid").asText().equals(unanswered.callSid())).findFirst().orElseThrow().path("id").asText();
        HttpResponse<byte[]> audio = system.http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(system.url(
                "routing-service", "/api/workspaces/" + org + "/calls/" + callId + "/recording")))
                .header("Authorization", "Bearer " + TestTokens.forWorkspace(org)).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, audio.statusCode());
        assertEquals("RIFF", new String(audio.body(), 0, 4, StandardCharsets.US_ASCII), "the sandbox's recording, streamed through");
    }

    @Test
    void downgradeAndDeletionReleaseTheNumber() throws Exception {
        String downgraded = newOrg("down");
        String deleted = newOrg("del");
        long v = System.currentTimeMillis();
        clerk("msg_" + UUID.randomUUID(), "organization.created", downgraded, "pro", v);
        clerk("msg_" + UUID.randomUUID(), "organization.created", deleted, "pro", v);
        await().atMost(WAIT).until(() -> activeNumber(downgraded) != null && activeNumber(deleted) != null);

        clerk("msg_" + UUID.randomUUID(), "organization.updated", downgraded, "starter", v + 1);
        String deletion = "{\"object\":\"event\",\"type\":\"organization.deleted\",\"timestamp\":" + (v + 1)
                + ",\"data\":{\"object\":\"organization\",\"id\":\"" + deleted + "\",\"deleted\":true}}";
        long ts = Instant.now().getEpochSecond();
        String svixId = "msg_" + UUID.randomUUID();
        assertEquals(204, system.post("webhook-gateway", "/api/webhooks/clerk", Map.of("svix-id", svixId, "svix-timestamp",
                String.valueOf(ts), "svix-signature", SvixSignature.sign(RunningSystem.CLERK_SECRET, svixId, ts,
                        deletion.getBytes(StandardCharsets.UTF_8))), deletion).statusCode());

        await().atMost(WAIT).until(() -> system.sandbox.ownedNumbers().stream().noneMatch(n ->
                ("galaxyco:127.0.0.1:" + downgraded).equals(n.get("friendly_name")) || ("galaxyco:127.0.0.1:" + deleted).equals(n.get("friendly_name"))));
        await().atMost(WAIT).until(() -> "SHARED".equals(numbers(downgraded).path("status").asText()));
        // the downgraded workspace now sends from the shared number
        HttpResponse<String> accepted = await().atMost(WAIT).until(() -> send(downgraded, "+14155550188", "still here"),
                r -> r.statusCode() == 202 && r.body().contains(RunningSystem.SHARED_NUMBER));
        assertTrue(accepted.body().contains(RunningSystem.SHARED_NUMBER));
    }
}
