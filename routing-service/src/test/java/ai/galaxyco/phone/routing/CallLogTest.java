package ai.galaxyco.phone.routing;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.galaxyco.phone.model.Topics;
import ai.galaxyco.phone.model.events.CallStatusChanged;
import ai.galaxyco.phone.model.events.InboundCall;
import ai.galaxyco.phone.model.values.PhoneNumber;
import ai.galaxyco.phone.model.values.WorkspaceId;
import ai.galaxyco.phone.testsupport.JwtResource;
import ai.galaxyco.phone.testsupport.KafkaKRaftResource;
import ai.galaxyco.phone.testsupport.PostgresResource;
import ai.galaxyco.phone.testsupport.ProcessedEvents;
import ai.galaxyco.phone.testsupport.SandboxControl;
import ai.galaxyco.phone.testsupport.SandboxResource;
import ai.galaxyco.phone.testsupport.Tenancy;
import ai.galaxyco.phone.testsupport.TestTokens;
import ai.galaxyco.phone.testsupport.TopicProbe;
import com.sun.net.httpserver.HttpServer;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The call log (issue 34): each call's events, in any order, make one call a workspace can list, open, mark heard and
 * whose voicemail it can play through the API, fetched from SignalWire (the sandbox) with the project's credentials
 * and from nowhere else.
 */
@QuarkusTest
@QuarkusTestResource(KafkaKRaftResource.class)
@QuarkusTestResource(PostgresResource.class)
@QuarkusTestResource(JwtResource.class)
@QuarkusTestResource(SandboxResource.class)
class CallLogTest {

    static final PhoneNumber CALLER = PhoneNumber.parse("+14155550177");

    @Inject
    EntityManager em;

    @Test
    void statusCallbacksOutOfOrderLeaveOneCallWithTheFinalStatusAndDuration() {
        String org = RoutingFlowTest.newOrg();
        PhoneNumber number = RoutingFlowTest.newNumber();
        new RoutingFlowTest().assignWith(em, number, org);
        String sid = newSid();
        // the final status first, then the earlier ones, and the call itself last
        String completed = status(sid, "completed", 47);
        String ringing = status(sid, "ringing", null);
        String inProgress = status(sid, "in-progress", null);
        String noAnswer = status(sid, "no-answer", 3); // a second final status: the first one stays
        Instant rang = Instant.now().minusSeconds(5).truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
        String answered = publish(sid, number, new InboundCall(sid, CALLER, number, "ringing", InboundCall.Disposition.VOICEMAIL,
                WorkspaceId.of(org), null, null, null, rang));
        ProcessedEvents.awaitConsumed(RoutingFlowTest.WAIT, completed, ringing, inProgress, noAnswer, answered);

        JsonPath calls = list(org, "");
        assertEquals(1, calls.getList("items").size(), calls.prettify());
        assertEquals(sid, calls.getString("items[0].callSid"));
        assertEquals("completed", calls.getString("items[0].status"));
        assertEquals(47, calls.getInt("items[0].durationSeconds"));
        assertEquals("MISSED", calls.getString("items[0].outcome"), "nobody answered, no message left");
        assertEquals(CALLER.e164(), calls.getString("items[0].from"));
        assertEquals(number.e164(), calls.getString("items[0].ourNumber"));
        assertEquals("Sales", calls.getString("items[0].inbox"));
        assertEquals("Sales", calls.getString("items[0].label"));
        assertEquals("INBOUND", calls.getString("items[0].direction"));
        assertNotNull(calls.getString("items[0].endedAt"));
        // the call started when the voice webhook came, not when its final status says (reported time less duration)
        assertEquals(rang, Instant.parse(calls.getString("items[0].startedAt")));
        assertNull(calls.get("items[0].voicemail"));
        assertTrue(calls.getBoolean("items[0].unread"));
        JsonPath inbox = inboxes(org);
        assertEquals(1, inbox.getInt("items.find { it.label == 'Sales' }.missedCalls"));
    }

    @Test
    void aForwardAnsweredThereIsForwardedAndOneNobodyAnsweredIsMissedAndTheOutcomeFilters() {
        String org = RoutingFlowTest.newOrg();
        PhoneNumber number = RoutingFlowTest.newNumber();
        new RoutingFlowTest().assignWith(em, number, org);
        String taken = newSid();
        answer(taken, number, org, InboundCall.Disposition.FORWARDED);
        dialResult(taken, number, org, "completed", 30);
        status(taken, "completed", 35);
        String missed = newSid();
        answer(missed, number, org, InboundCall.Disposition.FORWARDED);
        dialResult(missed, number, org, "no-answer", 0);
        String ringing = newSid();
        String last = answer(ringing, number, org, InboundCall.Disposition.FORWARDED);
        String lastStatus = status(missed, "completed", 26);
        ProcessedEvents.awaitConsumed(RoutingFlowTest.WAIT, last, lastStatus);

        await().atMost(RoutingFlowTest.WAIT).until(() -> list(org, "?outcome=FORWARDED").getList("items").size() == 1);
        JsonPath forwarded = list(org, "?outcome=FORWARDED");
        assertEquals(taken, forwarded.getString("items[0].callSid"));
        assertEquals("+12125550100", forwarded.getString("items[0].forwardedTo"));
        assertNotNull(forwarded.getString("items[0].answeredAt"), "answered at the forward target");
        assertFalse(forwarded.getBoolean("items[0].unread"));
        assertEquals(List.of(missed), list(org, "?outcome=missed").getList("items.callSid"));
        assertEquals(List.of(ringing), list(org, "?outcome=IN_PROGRESS").getList("items.callSid"));
        assertEquals(List.of(), list(org, "?inbox=Support").getList("items"));
        assertEquals(3, list(org, "?inbox=sales").getList("items").size());

        // newest first, page by page
        JsonPath first = list(org, "?limit=2");
        assertEquals(List.of(ringing, missed), first.getList("items.callSid"));
        JsonPath second = list(org, "?limit=2&cursor=" + first.getString("nextCursor"));
        assertEquals(List.of(taken), second.getList("items.callSid"));
        assertNull(second.getString("nextCursor"));

        given().auth().oauth2(TestTokens.forWorkspace(org)).get("/api/workspaces/" + org + "/calls?outcome=LOST").then()
                .statusCode(400).contentType("application/problem+json").body("code", equalTo("invalid_outcome"));

        // the usage page's figures: this period's calls by outcome, every outcome named
        String today = java.time.LocalDate.now(java.time.ZoneOffset.UTC).toString();
        String tomorrow = java.time.LocalDate.now(java.time.ZoneOffset.UTC).plusDays(1).toString();
        JsonPath outcomes = given().auth().oauth2(TestTokens.forWorkspace(org)).get("/api/workspaces/" + org + "/calls/outcomes?from="
                + today + "&to=" + tomorrow).then().statusCode(200).extract().jsonPath();
        assertEquals(Map.of("FORWARDED", 1, "VOICEMAIL", 0, "MISSED", 1, "IN_PROGRESS", 1), outcomes.getMap("counts"));
        assertEquals(3, outcomes.getInt("total"));
        given().auth().oauth2(TestTokens.forWorkspace(org)).get("/api/workspaces/" + org + "/calls/outcomes?from=" + tomorrow
                + "&to=" + today).then().statusCode(400).body("code", equalTo("invalid_request"));
        assertEquals(List.of(), Tenancy.refusalsOf("GET", "/api/workspaces/" + org + "/calls/outcomes?from=" + today + "&to="
                + tomorrow, org));

        // the contact view lists the contact's calls beside the conversations
        JsonPath contact = given().auth().oauth2(TestTokens.forWorkspace(org))
                .get("/api/workspaces/" + org + "/contacts/" + CALLER.e164() + "/conversations").then().statusCode(200)
                .extract().jsonPath();
        assertEquals(List.of(ringing, missed, taken), contact.getList("calls.callSid"));
    }

    @Test
    void aVoicemailHasItsTranscriptPlaysThroughTheApiWithTheProjectsCredentialsAndIsMarkedHeard() throws Exception {
        String org = RoutingFlowTest.newOrg();
        PhoneNumber number = RoutingFlowTest.newNumber();
        new RoutingFlowTest().assignWith(em, number, org);
        var recording = SandboxControl.addRecording(5);
        String sid = newSid();
        // transcript first, then the call, then the recording: still one voicemail
        publish(sid, number, new InboundCall(sid, CALLER, number, "completed", InboundCall.Disposition.TRANSCRIPTION, null, null,
                null, null, Instant.now(), null, null, "Please call me back about the invoice.", "completed"));
        answer(sid, number, org, InboundCall.Disposition.VOICEMAIL);
        String recorded = publish(sid, number, new InboundCall(sid, CALLER, number, "in-progress", InboundCall.Disposition.RECORDING,
                WorkspaceId.of(org), null, recording.path("recordingUrl").asText(), 5, Instant.now()));
        ProcessedEvents.awaitConsumed(RoutingFlowTest.WAIT, recorded);

        String listed = given().auth().oauth2(TestTokens.forWorkspace(org)).get("/api/workspaces/" + org + "/calls").then()
                .statusCode(200).extract().asString();
        assertFalse(listed.contains("Recordings/") || listed.contains(recording.path("recordingSid").asText()),
                "the recording URL is never given to clients: " + listed);
        JsonPath calls = JsonPath.from(listed);
        String id = calls.getString("items[0].id");
        assertEquals("VOICEMAIL", calls.getString("items[0].outcome"));
        assertEquals(5, calls.getInt("items[0].voicemail.durationSeconds"));
        assertEquals("Please call me back about the invoice.", calls.getString("items[0].voicemail.transcript"));
        assertEquals("completed", calls.getString("items[0].voicemail.transcriptStatus"));
        assertFalse(calls.getBoolean("items[0].voicemail.heard"));
        assertEquals(1, inboxes(org).getInt("items.find { it.label == 'Sales' }.unheardVoicemails"));

        // the audio, streamed from the sandbox with Basic auth: the same bytes the sandbox gives the project
        byte[] played = given().auth().oauth2(TestTokens.forWorkspace(org)).get("/api/workspaces/" + org + "/calls/" + id + "/recording")
                .then().statusCode(200).contentType(containsString("audio/")).extract().asByteArray();
        HttpResponse<byte[]> direct = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(recording.path("recordingUrl")
                .asText())).header("Authorization", "Basic " + Base64.getEncoder().encodeToString((SandboxResource.PROJECT + ":"
                + SandboxResource.TOKEN).getBytes(StandardCharsets.UTF_8))).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, direct.statusCode());
        assertArrayEquals(direct.body(), played);
        assertEquals("RIFF", new String(played, 0, 4, StandardCharsets.US_ASCII));

        // another workspace: 404 for the call, its recording and its heard mark; 403 for the workspace's list
        String other = RoutingFlowTest.newOrg();
        for (String path : List.of("/calls/" + id, "/calls/" + id + "/recording")) {
            given().auth().oauth2(TestTokens.forWorkspace(other)).get("/api/workspaces/" + other + path).then().statusCode(404);
        }
        given().auth().oauth2(TestTokens.forWorkspace(other)).post("/api/workspaces/" + other + "/calls/" + id + "/heard").then()
                .statusCode(404);
        assertEquals(List.of(), list(other, "").getList("items"));
        assertEquals(List.of(), Tenancy.refusalsOf("GET", "/api/workspaces/" + org + "/calls", org));
        assertEquals(List.of(), Tenancy.refusalsOf("GET", "/api/workspaces/" + org + "/calls/" + id, org));
        assertEquals(List.of(), Tenancy.refusalsOf("GET", "/api/workspaces/" + org + "/calls/" + id + "/recording", org));

        given().auth().oauth2(TestTokens.forWorkspace(org)).post("/api/workspaces/" + org + "/calls/" + id + "/heard").then()
                .statusCode(200).body("voicemail.heard", equalTo(true)).body("unread", equalTo(false));
        assertEquals(0, inboxes(org).getInt("items.find { it.label == 'Sales' }.unheardVoicemails"));
        given().auth().oauth2(TestTokens.forWorkspace(org)).get("/api/workspaces/" + org + "/calls/" + id).then().statusCode(200)
                .body("voicemail.heard", equalTo(true));
    }

    @Test
    void aRecordingUrlOnAnotherHostIsRefusedWithoutARequest() throws Exception {
        AtomicInteger elsewhere = new AtomicInteger();
        HttpServer other = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        other.createContext("/", exchange -> {
            elsewhere.incrementAndGet();
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        other.start();
        try {
            String org = RoutingFlowTest.newOrg();
            PhoneNumber number = RoutingFlowTest.newNumber();
            new RoutingFlowTest().assignWith(em, number, org);
            URI sandbox = URI.create(SandboxControl.baseUrl());
            String recordingSid = "RE" + UUID.randomUUID().toString().replace("-", "");
            String path = "/api/laml/2010-04-01/Accounts/" + SandboxResource.PROJECT + "/Recordings/" + recordingSid;
            // another port on the same host, and the sandbox's port under another host name
            for (String url : List.of("http://127.0.0.1:" + other.getAddress().getPort() + path,
                    "http://localhost:" + sandbox.getPort() + path)) {
                String sid = newSid();
                answer(sid, number, org, InboundCall.Disposition.VOICEMAIL);
                String recorded = publish(sid, number, new InboundCall(sid, CALLER, number, "in-progress",
                        InboundCall.Disposition.RECORDING, WorkspaceId.of(org), null, url, 9, Instant.now()));
                ProcessedEvents.awaitConsumed(RoutingFlowTest.WAIT, recorded);
                String id = list(org, "").getList("items").stream().map(item -> (Map<?, ?>) item)
                        .filter(item -> sid.equals(item.get("callSid"))).map(item -> (String) item.get("id")).findFirst().orElseThrow();
                given().auth().oauth2(TestTokens.forWorkspace(org)).get("/api/workspaces/" + org + "/calls/" + id + "/recording")
                        .then().statusCode(502).contentType("application/problem+json").body("code", equalTo("recording_host_refused"));
            }
            assertEquals(0, elsewhere.get(), "nothing fetched from another host");
            assertEquals(List.of(), SandboxControl.requests("GET", recordingSid), "nor from the sandbox under another name");
        } finally {
            other.stop(0);
        }
    }

    static String newSid() {
        return "CA" + UUID.randomUUID().toString().replace("-", "");
    }

    static JsonPath list(String org, String query) {
        return given().auth().oauth2(TestTokens.forWorkspace(org)).get("/api/workspaces/" + org + "/calls" + query).then()
                .statusCode(200).extract().jsonPath();
    }

    static JsonPath inboxes(String org) {
        return given().auth().oauth2(TestTokens.forWorkspace(org)).get("/api/workspaces/" + org + "/inboxes").then().statusCode(200)
                .extract().jsonPath();
    }

    /** @return the event id */
    static String answer(String sid, PhoneNumber number, String org, InboundCall.Disposition disposition) {
        return publish(sid, number, new InboundCall(sid, CALLER, number, "ringing", disposition, WorkspaceId.of(org),
                disposition == InboundCall.Disposition.FORWARDED ? PhoneNumber.parse("+12125550100") : null, null, null, Instant.now()));
    }

    static String dialResult(String sid, PhoneNumber number, String org, String dialStatus, int seconds) {
        return publish(sid, number, new InboundCall(sid, CALLER, number, "in-progress", InboundCall.Disposition.DIAL_RESULT,
                WorkspaceId.of(org), null, null, null, Instant.now(), dialStatus, seconds, null, null));
    }

    static String publish(String sid, PhoneNumber number, InboundCall call) {
        String eventId = "call:" + sid + ":" + call.disposition() + ":" + UUID.randomUUID();
        TopicProbe.publish(Topics.INBOUND_CALLS, number.e164(), call, eventId);
        return eventId;
    }

    /** @return the event id */
    static String status(String sid, String status, Integer seconds) {
        String eventId = UUID.randomUUID().toString();
        TopicProbe.publish(Topics.CALL_STATUS, sid, new CallStatusChanged(sid, status, CALLER.e164(), "+12125550100", seconds, 1,
                Instant.now()), eventId);
        return eventId;
    }
}
