package ai.galaxyco.phone.gateway;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.galaxyco.phone.model.CloudEventHeaders;
import ai.galaxyco.phone.model.EventJson;
import ai.galaxyco.phone.model.Topics;
import ai.galaxyco.phone.model.events.CallStatusChanged;
import ai.galaxyco.phone.model.events.InboundCall;
import ai.galaxyco.phone.model.events.InboundMessage;
import ai.galaxyco.phone.model.events.MessageStatusChanged;
import ai.galaxyco.phone.model.events.NumberAssignment;
import ai.galaxyco.phone.model.signature.SignalWireSignature;
import ai.galaxyco.phone.model.values.Channel;
import ai.galaxyco.phone.model.values.PhoneNumber;
import ai.galaxyco.phone.model.values.WorkspaceId;
import ai.galaxyco.phone.testsupport.KafkaKRaftResource;
import ai.galaxyco.phone.testsupport.TopicProbe;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.ValidatableResponse;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

@QuarkusTest
@QuarkusTestResource(KafkaKRaftResource.class)
class SignalWireWebhookTest {

    /** The management interface's /q/ (with the slash): health, metrics and OpenAPI live there, not on the public port. */
    @io.quarkus.test.common.http.TestHTTPResource(value = "", management = true)
    java.net.URL operations;

    static final String KEY = "PSK_test_signing_key";
    static final String PUBLIC = "https://phone.galaxyco.test/api/webhooks/signalwire";
    static final Duration WAIT = Duration.ofSeconds(30);
    static TopicProbe messages;
    static TopicProbe calls;
    static TopicProbe statuses;
    static TopicProbe callStatuses;

    @BeforeAll
    static void probes() {
        messages = TopicProbe.of(Topics.INBOUND_MESSAGES);
        calls = TopicProbe.of(Topics.INBOUND_CALLS);
        statuses = TopicProbe.of(Topics.MESSAGE_STATUS);
        callStatuses = TopicProbe.of(Topics.CALL_STATUS);
    }

    @AfterAll
    static void close() {
        messages.close();
        calls.close();
        statuses.close();
        callStatuses.close();
    }

    static String form(List<Map.Entry<String, String>> params) {
        return params.stream().map(p -> URLEncoder.encode(p.getKey(), StandardCharsets.UTF_8) + "="
                + URLEncoder.encode(p.getValue(), StandardCharsets.UTF_8)).collect(Collectors.joining("&"));
    }

    static ValidatableResponse post(String path, List<Map.Entry<String, String>> params, String signatureUrl) {
        String signature = SignalWireSignature.formSignature(KEY, signatureUrl, params);
        return given().header("X-SignalWire-Signature", signature).contentType("application/x-www-form-urlencoded")
                .body(form(params)).post("/api/webhooks/signalwire" + path).then();
    }

    static ValidatableResponse post(String path, List<Map.Entry<String, String>> params) {
        return post(path, params, PUBLIC + path);
    }

    static List<Map.Entry<String, String>> sms(String sid, String from, String to, String body) {
        return List.of(Map.entry("MessageSid", sid), Map.entry("AccountSid", "AC1"), Map.entry("From", from),
                Map.entry("To", to), Map.entry("Body", body), Map.entry("NumMedia", "0"), Map.entry("NumSegments", "1"));
    }

    /** Waits for the message's record (the topic may hold many records from other tests before it). */
    static List<InboundMessage> published(String sid) {
        return await().atMost(WAIT).until(() -> messages.records().stream().filter(r -> r.value().contains(sid))
                .map(r -> EventJson.read(r.value(), InboundMessage.class)).toList(), l -> !l.isEmpty());
    }

    static org.apache.kafka.clients.consumer.ConsumerRecord<String, String> first(TopicProbe probe,
            java.util.function.Predicate<org.apache.kafka.clients.consumer.ConsumerRecord<String, String>> filter) {
        return await().atMost(WAIT).until(() -> probe.records(filter), l -> !l.isEmpty()).get(0);
    }

    @Test
    void theFallbackUrlTakesTheSameSmsAsOneMessage() {
        String sid = "SM" + UUID.randomUUID().toString().replace("-", "");
        post("/fallback/sms", sms(sid, "+14155550100", "+12125550143", "second chance")).statusCode(200);
        post("/sms", sms(sid, "+14155550100", "+12125550143", "second chance")).statusCode(200);
        var records = await().atMost(WAIT).until(() -> messages.records(r -> r.value().contains(sid)), l -> l.size() == 2);
        assertEquals(TopicProbe.header(records.get(0), CloudEventHeaders.ID), TopicProbe.header(records.get(1), CloudEventHeaders.ID),
                "one event id, so consumers keep one message");
        post("/fallback/sms", sms(sid, "+14155550100", "+12125550143", "second chance"), PUBLIC + "/sms").statusCode(403);
    }

    @Test
    void signedSmsIsPublishedThenAnsweredWithEmptyCxml() {
        String sid = "SM" + UUID.randomUUID().toString().replace("-", "");
        post("/sms", sms(sid, "+14155550100", "(212) 555-0143", "Hi there")).statusCode(200)
                .contentType(containsString("text/xml")).body(equalTo("<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response/>"));
        var record = first(messages, r -> r.value().contains(sid));
        assertEquals("+12125550143", record.key());
        assertEquals("signalwire:sms:" + sid, TopicProbe.header(record, CloudEventHeaders.ID));
        InboundMessage m = EventJson.read(record.value(), InboundMessage.class);
        assertEquals(Channel.SMS, m.channel());
        assertEquals("Hi there", m.body());
        assertEquals(PhoneNumber.parse("+14155550100"), m.from());
    }

    @Test
    void whatsappPrefixIsStrippedAndTheChannelRecorded() {
        String sid = "SMwa" + UUID.randomUUID().toString().replace("-", "");
        post("/sms", sms(sid, "whatsapp:+14155550100", "whatsapp:+12125550143", "hola")).statusCode(200);
        InboundMessage m = published(sid).get(0);
        assertEquals(Channel.WHATSAPP, m.channel());
        assertEquals("+14155550100", m.from().e164());
    }

    @Test
    void mmsCarriesEveryMediaItem() {
        String sid = "MM" + UUID.randomUUID().toString().replace("-", "");
        var params = List.of(Map.entry("MessageSid", sid), Map.entry("From", "+14155550100"), Map.entry("To", "+12125550143"),
                Map.entry("Body", ""), Map.entry("NumMedia", "2"), Map.entry("MediaUrl0", "https://m/0.jpg"),
                Map.entry("MediaContentType0", "image/jpeg"), Map.entry("MediaUrl1", "https://m/1.png"),
                Map.entry("MediaContentType1", "image/png"));
        post("/sms", params).statusCode(200);
        InboundMessage m = published(sid).get(0);
        assertEquals(Channel.MMS, m.channel());
        assertEquals(2, m.media().size());
        assertEquals("image/png", m.media().get(1).contentType());
    }

    @Test
    void twilioAliasHeaderAndDefaultPortVariantAreAccepted() {
        String sid = "SMalias" + UUID.randomUUID().toString().replace("-", "");
        var params = sms(sid, "+14155550100", "+12125550143", "alias");
        given().header("X-Twilio-Signature", SignalWireSignature.formSignature(KEY, PUBLIC + "/sms", params))
                .contentType("application/x-www-form-urlencoded").body(form(params)).post("/api/webhooks/signalwire/sms")
                .then().statusCode(200);
        String sid2 = "SMport" + UUID.randomUUID().toString().replace("-", "");
        post("/sms", sms(sid2, "+14155550100", "+12125550143", "port"), "https://phone.galaxyco.test:443/api/webhooks/signalwire/sms")
                .statusCode(200);
        assertEquals(1, published(sid).size());
        assertEquals(1, published(sid2).size());
    }

    @Test
    void badMissingOrInternalUrlSignaturesAre403AndPublishNothing() {
        String sid = "SMbad" + UUID.randomUUID().toString().replace("-", "");
        var params = sms(sid, "+14155550100", "+12125550143", "forged");
        given().header("X-SignalWire-Signature", "RSOYDt4T1cUTdK1PDd93/VVr8B8=").contentType("application/x-www-form-urlencoded")
                .body(form(params)).post("/api/webhooks/signalwire/sms").then().statusCode(403)
                // the refusal names no URL: the public URL we verify against is not told to whoever forges
                .body("detail", not(containsString("phone.galaxyco.test"))).body("detail", not(containsString("http")));
        given().contentType("application/x-www-form-urlencoded").body(form(params)).post("/api/webhooks/signalwire/sms")
                .then().statusCode(403);
        // signed for the internal URL instead of the public one: refused, so a proxy cannot be bypassed
        post("/sms", params, "http://localhost:8080/api/webhooks/signalwire/sms").statusCode(403);
        // a tampered body
        String signature = SignalWireSignature.formSignature(KEY, PUBLIC + "/sms", params);
        given().header("X-SignalWire-Signature", signature).contentType("application/x-www-form-urlencoded")
                .body(form(params).replace("forged", "tampered")).post("/api/webhooks/signalwire/sms").then().statusCode(403);
        // positive control: a correctly signed webhook with the same key (so the same partition, after the others)
        String marker = "SMgood" + UUID.randomUUID().toString().replace("-", "");
        post("/sms", sms(marker, "+14155550100", "+12125550143", "genuine")).statusCode(200);
        published(marker);
        assertTrue(messages.records(r -> r.value().contains(sid)).isEmpty(), "nothing published for a bad signature");
    }

    @Test
    void malformedRequestsAre400WithAReason() {
        post("/sms", List.of(Map.entry("MessageSid", "SMx"), Map.entry("To", "+12125550143"))).statusCode(400)
                .body("detail", containsString("From"));
        post("/sms", sms("SMy", "not-a-number", "+12125550143", "x")).statusCode(400).body("detail", containsString("From"));
        post("/sms", List.of(Map.entry("MessageSid", "SMz"), Map.entry("From", "+14155550100"), Map.entry("To", "+12125550143"),
                Map.entry("NumMedia", "lots"))).statusCode(400).body("detail", containsString("NumMedia"));
    }

    @Test
    void providerIdsOutsideLettersDigitsAndDashesAre400AndPublishNothing() {
        String tag = UUID.randomUUID().toString().replace("-", "");
        for (String bad : List.of("SM" + tag + "/../x", "SM" + tag + ":x", "SM " + tag, "SM" + tag + "é", "S".repeat(65),
                "SM" + tag + "\0")) {
            post("/sms", sms(bad, "+14155550100", "+12125550143", "bounded " + tag)).statusCode(400)
                    .body("detail", containsString("MessageSid"));
        }
        post("/voice", List.of(Map.entry("CallSid", "CA" + tag + ";x"), Map.entry("From", "+14155550100"),
                Map.entry("To", "+12125550143"), Map.entry("CallStatus", "ringing"))).statusCode(400)
                .body("detail", containsString("CallSid"));
        post("/voice/recording", List.of(Map.entry("CallSid", "CA" + tag), Map.entry("RecordingSid", "RE" + tag + "#"),
                Map.entry("From", "+14155550100"), Map.entry("To", "+12125550143"),
                Map.entry("RecordingUrl", "https://example.signalwire.com/r/" + tag))).statusCode(400)
                .body("detail", containsString("RecordingSid"));
        post("/status", List.of(Map.entry("MessageSid", "SM" + tag + "%"), Map.entry("MessageStatus", "delivered"))).statusCode(400);
        // both id styles SignalWire and Twilio-compatible clients use are accepted: a UUID and SM + 32 hex digits
        String uuid = UUID.randomUUID().toString();
        post("/sms", sms(uuid, "+14155550100", "+12125550143", "bounded " + tag)).statusCode(200);
        post("/sms", sms("SM" + tag, "+14155550100", "+12125550143", "bounded " + tag)).statusCode(200);
        await().atMost(WAIT).until(() -> messages.records(r -> r.value().contains("bounded " + tag)), l -> l.size() == 2);
        assertTrue(messages.records(r -> r.value().contains("bounded " + tag)).stream()
                .allMatch(r -> r.value().contains(uuid) || r.value().contains("SM" + tag + "\"")), "only the two valid ids");
    }

    @Test
    void oversizedBodiesAre413() throws Exception {
        // Expect: 100-continue, as large uploads are sent: the 413 comes before the body, so the client never writes
        // into a connection the server has already answered and closed (which made this test fail now and then)
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        HttpResponse<String> answer = http.send(HttpRequest.newBuilder(sms.toURI()).expectContinue(true)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("Body=" + "a".repeat(1_100_000))).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(413, answer.statusCode(), answer.body());
    }

    @io.quarkus.test.common.http.TestHTTPResource("/api/webhooks/signalwire/sms")
    java.net.URL sms;

    @Test
    void callsAreAnsweredFromTheAssignmentView() {
        PhoneNumber dedicated = PhoneNumber.parse("+12125550177");
        PhoneNumber forwarded = PhoneNumber.parse("+12125550178");
        TopicProbe.publish(Topics.NUMBER_ASSIGNMENTS, dedicated.e164(), new NumberAssignment(dedicated, WorkspaceId.of("org_voice"),
                "Main", false, "sid1", null, Instant.now()), UUID.randomUUID().toString());
        TopicProbe.publish(Topics.NUMBER_ASSIGNMENTS, forwarded.e164(), new NumberAssignment(forwarded, WorkspaceId.of("org_fwd"),
                "Sales", false, "sid2", PhoneNumber.parse("+14155550199"), Instant.now()), UUID.randomUUID().toString());

        String unknownCall = "CA" + UUID.randomUUID().toString().replace("-", "");
        post("/voice", call(unknownCall, "+12125550999")).statusCode(200).contentType(containsString("text/xml"))
                .body(containsString("<Hangup/>")).body(containsString("<Say>"));
        await().atMost(WAIT).untilAsserted(() -> post("/voice", call("CA" + UUID.randomUUID(), forwarded.e164())).statusCode(200)
                .body(containsString("<Dial callerId=\"+12125550178\"")).body(containsString(">+14155550199</Dial>"))
                .body(containsString("timeLimit=\"3600\"")));
        String voicemailCall = "CA" + UUID.randomUUID().toString().replace("-", "");
        post("/voice", call(voicemailCall, dedicated.e164())).statusCode(200).body(containsString("<Record action=\""
                + PUBLIC + "/voice/recording\""));
        post("/voice/recording", List.of(Map.entry("CallSid", voicemailCall), Map.entry("From", "+14155550100"),
                Map.entry("To", dedicated.e164()), Map.entry("RecordingUrl", "https://rec/1.wav"), Map.entry("RecordingDuration", "7")))
                .statusCode(200).body(containsString("<Hangup/>"));

        await().atMost(WAIT).until(() -> calls.records().stream().filter(r -> r.value().contains(voicemailCall)).count() == 2);
        List<InboundCall> published = calls.records().stream().map(r -> EventJson.read(r.value(), InboundCall.class)).toList();
        assertEquals(InboundCall.Disposition.UNKNOWN_NUMBER, find(published, unknownCall, InboundCall.Disposition.UNKNOWN_NUMBER).disposition());
        assertEquals("org_voice", find(published, voicemailCall, InboundCall.Disposition.VOICEMAIL).workspaceId().value());
        assertEquals(7, find(published, voicemailCall, InboundCall.Disposition.RECORDING).recordingDurationSeconds());
    }

    @Test
    void aForwardNobodyAnswersFallsBackToTheNumbersVoicemailGreetingAndItsTranscriptIsPublished() {
        PhoneNumber forwarding = PhoneNumber.parse("+12125550186");
        TopicProbe.publish(Topics.NUMBER_ASSIGNMENTS, forwarding.e164(), new NumberAssignment(forwarding, WorkspaceId.of("org_dial"),
                "Sales", false, "sid-dial", PhoneNumber.parse("+14155550198"), Instant.now(), null, null, null,
                "You reached <Acme> & Sons. Speak after the tone."), UUID.randomUUID().toString());
        String callSid = "CA" + UUID.randomUUID().toString().replace("-", "");
        // the only <Dial> the system writes: it rings FORWARD_RING_SECONDS and asks the dial-result URL what next
        await().atMost(WAIT).untilAsserted(() -> post("/voice", call(callSid, forwarding.e164())).statusCode(200)
                .body(containsString("timeout=\"25\"")).body(containsString("action=\"" + PUBLIC + "/voice/dial-result\""))
                .body(containsString(">+14155550198</Dial>")));

        post("/voice/dial-result", dialResult(callSid, forwarding.e164(), "no-answer")).statusCode(200)
                .contentType(containsString("text/xml"))
                .body(containsString("<Say>You reached &lt;Acme&gt; &amp; Sons. Speak after the tone.</Say>"))
                .body(containsString("<Record action=\"" + PUBLIC + "/voice/recording\""))
                .body(containsString("transcribe=\"true\" transcribeCallback=\"" + PUBLIC + "/voice/transcription\""))
                .body(not(containsString("<Dial")));
        for (String unanswered : List.of("busy", "failed", "canceled")) {
            post("/voice/dial-result", dialResult("CA" + UUID.randomUUID().toString().replace("-", ""), forwarding.e164(), unanswered))
                    .statusCode(200).body(containsString("<Record"));
        }
        for (String answered : List.of("completed", "answered")) {
            post("/voice/dial-result", dialResult("CA" + UUID.randomUUID().toString().replace("-", ""), forwarding.e164(), answered))
                    .statusCode(200).body(equalTo("<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response><Hangup/></Response>"));
        }
        // signed like every webhook; a missing status is a 400 with the reason
        post("/voice/dial-result", dialResult(callSid, forwarding.e164(), "no-answer"), PUBLIC + "/voice").statusCode(403);
        post("/voice/dial-result", List.of(Map.entry("CallSid", callSid), Map.entry("From", "+14155550100"),
                Map.entry("To", forwarding.e164()))).statusCode(400).body(containsString("DialCallStatus"));

        post("/voice/transcription", List.of(Map.entry("CallSid", callSid), Map.entry("RecordingSid", "RE1"),
                Map.entry("TranscriptionSid", "TR1"), Map.entry("From", "+14155550100"), Map.entry("To", forwarding.e164()),
                Map.entry("TranscriptionStatus", "completed"), Map.entry("TranscriptionText", "Call me back about the order.")))
                .statusCode(204);

        var events = await().atMost(WAIT).until(() -> calls.records(r -> r.value().contains(callSid)).stream()
                .map(r -> EventJson.read(r.value(), InboundCall.class)).toList(), l -> l.size() >= 3);
        InboundCall dial = find(events, callSid, InboundCall.Disposition.DIAL_RESULT);
        assertEquals("no-answer", dial.dialCallStatus());
        assertEquals("org_dial", dial.workspaceId().value());
        InboundCall transcript = find(events, callSid, InboundCall.Disposition.TRANSCRIPTION);
        assertEquals("Call me back about the order.", transcript.transcript());
        assertEquals("completed", transcript.transcriptStatus());
        assertEquals(forwarding.e164(), calls.records(r -> r.value().contains("TRANSCRIPTION") && r.value().contains(callSid))
                .get(0).key(), "keyed by the called number, with the call's other events");
    }

    static List<Map.Entry<String, String>> dialResult(String callSid, String to, String dialStatus) {
        return List.of(Map.entry("CallSid", callSid), Map.entry("AccountSid", "AC1"), Map.entry("From", "+14155550100"),
                Map.entry("To", to), Map.entry("CallStatus", "in-progress"), Map.entry("DialCallStatus", dialStatus),
                Map.entry("DialCallDuration", dialStatus.equals("completed") ? "42" : "0"));
    }

    @Test
    void aForwardTargetThePlatformBoughtSinceOrThatThePolicyRefusesGetsVoicemailNotADial() {
        PhoneNumber forwarding = PhoneNumber.parse("+12125550181");
        PhoneNumber target = PhoneNumber.parse("+14155550181");
        TopicProbe.publish(Topics.NUMBER_ASSIGNMENTS, forwarding.e164(), new NumberAssignment(forwarding, WorkspaceId.of("org_loop"),
                "Main", false, "sid3", target, Instant.now()), UUID.randomUUID().toString());
        await().atMost(WAIT).untilAsserted(() -> post("/voice", call("CA" + UUID.randomUUID(), forwarding.e164())).statusCode(200)
                .body(containsString(">" + target.e164() + "</Dial>")));
        // the target becomes one of our numbers (bought after the forward was saved): dialling it would loop through us
        TopicProbe.publish(Topics.NUMBER_ASSIGNMENTS, target.e164(), new NumberAssignment(target, WorkspaceId.of("org_later"),
                "Main", false, "sid4", null, Instant.now()), UUID.randomUUID().toString());
        await().atMost(WAIT).untilAsserted(() -> post("/voice", call("CA" + UUID.randomUUID(), forwarding.e164())).statusCode(200)
                .body(not(containsString("<Dial"))).body(containsString("<Record")));

        // a British target is not dialled under the platform's countries (US, CA), but is where an operator allowed GB
        PhoneNumber abroad = PhoneNumber.parse("+12125550185");
        PhoneNumber allowedAbroad = PhoneNumber.parse("+12125550186");
        TopicProbe.publish(Topics.NUMBER_ASSIGNMENTS, abroad.e164(), new NumberAssignment(abroad, WorkspaceId.of("org_abroad"), "Main",
                false, "sid8", PhoneNumber.parse("+447400123456"), Instant.now()), UUID.randomUUID().toString());
        TopicProbe.publish(Topics.NUMBER_ASSIGNMENTS, allowedAbroad.e164(), new NumberAssignment(allowedAbroad,
                WorkspaceId.of("org_allowed_abroad"), "Main", false, "sid9", PhoneNumber.parse("+447400123456"), Instant.now(), null,
                ai.galaxyco.phone.model.values.Plan.PRO, List.of("GB", "US")), UUID.randomUUID().toString());
        await().atMost(WAIT).untilAsserted(() -> post("/voice", call("CA" + UUID.randomUUID(), abroad.e164())).statusCode(200)
                .body(containsString("<Record")).body(not(containsString("<Dial"))));
        await().atMost(WAIT).untilAsserted(() -> post("/voice", call("CA" + UUID.randomUUID(), allowedAbroad.e164())).statusCode(200)
                .body(containsString(">+447400123456</Dial>")));

        // a premium-rate target (saved before the policy, or by hand) is never dialled either
        PhoneNumber premiumForwarding = PhoneNumber.parse("+12125550182");
        assertEquals(com.google.i18n.phonenumbers.PhoneNumberUtil.PhoneNumberType.PREMIUM_RATE,
                ai.galaxyco.phone.model.values.DestinationPolicy.typeOf(PhoneNumber.parse("+19002345678")));
        TopicProbe.publish(Topics.NUMBER_ASSIGNMENTS, premiumForwarding.e164(), new NumberAssignment(premiumForwarding,
                WorkspaceId.of("org_premium"), "Main", false, "sid5", PhoneNumber.parse("+19002345678"), Instant.now()),
                UUID.randomUUID().toString());
        await().atMost(WAIT).untilAsserted(() -> post("/voice", call("CA" + UUID.randomUUID(), premiumForwarding.e164()))
                .statusCode(200).body(containsString("<Record"))); // known to the view: voicemail, not "not in service"
        String premiumCall = "CA" + UUID.randomUUID().toString().replace("-", "");
        post("/voice", call(premiumCall, premiumForwarding.e164())).statusCode(200).body(not(containsString("<Dial")));
        InboundCall published = EventJson.read(first(calls, r -> r.value().contains(premiumCall)).value(), InboundCall.class);
        assertEquals(InboundCall.Disposition.VOICEMAIL, published.disposition());
        assertEquals(null, published.forwardedTo());
    }

    @Test
    void aForwardedCallMayLastWhatIsLeftOfItsWorkspacesForwardedMinutesToday() {
        PhoneNumber pro = PhoneNumber.parse("+12125550183");
        PhoneNumber enterprise = PhoneNumber.parse("+12125550184");
        WorkspaceId proOrg = WorkspaceId.of("org_minutes_pro");
        WorkspaceId enterpriseOrg = WorkspaceId.of("org_minutes_ent");
        TopicProbe.publish(Topics.NUMBER_ASSIGNMENTS, pro.e164(), new NumberAssignment(pro, proOrg, "Main", false, "sid6",
                PhoneNumber.parse("+14155550183"), Instant.now(), null, ai.galaxyco.phone.model.values.Plan.PRO), UUID.randomUUID().toString());
        TopicProbe.publish(Topics.NUMBER_ASSIGNMENTS, enterprise.e164(), new NumberAssignment(enterprise, enterpriseOrg, "Main", false,
                "sid7", PhoneNumber.parse("+14155550184"), Instant.now(), null, ai.galaxyco.phone.model.values.Plan.ENTERPRISE),
                UUID.randomUUID().toString());
        // nothing used yet: FORWARD_MAX_CALL_SECONDS
        await().atMost(WAIT).untilAsserted(() -> post("/voice", call("CA" + UUID.randomUUID(), pro.e164())).statusCode(200)
                .body(containsString("timeLimit=\"3600\"")));
        // 100 s left of Pro's 300 minutes: the call may last 100 s
        java.time.LocalDate today = java.time.LocalDate.now(java.time.ZoneOffset.UTC);
        usage(proOrg, today, 300 * 60 - 100);
        await().atMost(WAIT).untilAsserted(() -> post("/voice", call("CA" + UUID.randomUUID(), pro.e164())).statusCode(200)
                .body(containsString("timeLimit=\"100\"")));
        // none left: voicemail, and the call is published as one
        usage(proOrg, today, 300 * 60);
        await().atMost(WAIT).untilAsserted(() -> post("/voice", call("CA" + UUID.randomUUID(), pro.e164())).statusCode(200)
                .body(not(containsString("<Dial"))).body(containsString("<Record")));
        String exhausted = "CA" + UUID.randomUUID().toString().replace("-", "");
        post("/voice", call(exhausted, pro.e164())).statusCode(200).body(not(containsString("<Dial")));
        assertEquals(InboundCall.Disposition.VOICEMAIL, EventJson.read(first(calls, r -> r.value().contains(exhausted)).value(),
                InboundCall.class).disposition());
        // yesterday's minutes do not count today; Enterprise's budget is its own (1000 minutes)
        usage(enterpriseOrg, today.minusDays(1), 1000 * 60);
        usage(enterpriseOrg, today, 300 * 60);
        await().atMost(WAIT).untilAsserted(() -> post("/voice", call("CA" + UUID.randomUUID(), enterprise.e164())).statusCode(200)
                .body(containsString("timeLimit=\"3600\"")));
        usage(enterpriseOrg, today, 1000 * 60 - 42);
        await().atMost(WAIT).untilAsserted(() -> post("/voice", call("CA" + UUID.randomUUID(), enterprise.e164())).statusCode(200)
                .body(containsString("timeLimit=\"42\"")));
    }

    private static void usage(WorkspaceId workspace, java.time.LocalDate day, long seconds) {
        var usage = new ai.galaxyco.phone.model.events.ForwardingUsage(workspace, day, seconds, Instant.now());
        TopicProbe.publish(Topics.FORWARDING_USAGE, usage.key(), usage, UUID.randomUUID().toString());
    }

    @Test
    void statusCallbacksArePublishedAnd204() {
        String sid = "SMst" + UUID.randomUUID().toString().replace("-", "");
        post("/status", List.of(Map.entry("MessageSid", sid), Map.entry("MessageStatus", "undelivered"), Map.entry("ErrorCode", "30003"),
                Map.entry("From", "+12125550143"), Map.entry("To", "+14155550100"))).statusCode(204);
        var record = first(statuses, r -> sid.equals(r.key()));
        MessageStatusChanged status = EventJson.read(record.value(), MessageStatusChanged.class);
        assertEquals("undelivered", status.status());
        assertEquals("30003", status.errorCode());
        String callSid = "CAst" + UUID.randomUUID().toString().replace("-", "");
        post("/status", List.of(Map.entry("CallSid", callSid), Map.entry("CallStatus", "completed"), Map.entry("CallDuration", "42"),
                Map.entry("SequenceNumber", "3"))).statusCode(204);
        CallStatusChanged call = EventJson.read(first(callStatuses, r -> callSid.equals(r.key())).value(), CallStatusChanged.class);
        assertEquals(42, call.durationSeconds());
    }

    @Test
    void tenDlcCallbacksAreVerifiedAsJsonAndPublishedForProvisioning() {
        String order = UUID.randomUUID().toString();
        String assignment = UUID.randomUUID().toString();
        String json = "{\"project_id\":\"p1\",\"event_at\":\"2026-11-25T10:00:00Z\",\"event_category\":\"number_assignment\","
                + "\"event_type\":\"number_assignment_activated\",\"state\":\"completed\",\"brand_id\":\"b1\","
                + "\"campaign_id\":\"c1\",\"number_assignment_order_id\":\"" + order + "\",\"number_assignment_id\":\""
                + assignment + "\",\"phone_number_id\":\"pn1\",\"phone_number\":\"+12125550143\"}";
        String url = PUBLIC + "/registry";
        try (TopicProbe registry = TopicProbe.of(Topics.REGISTRY_STATUS)) {
            // signed like SignalWire's JSON webhooks: hex HMAC-SHA1 over URL + body
            given().header("X-SignalWire-Signature", SignalWireSignature.jsonSignature(KEY, url, json.getBytes(StandardCharsets.UTF_8)))
                    .contentType("application/json").body(json).post("/api/webhooks/signalwire/registry").then().statusCode(204);
            // a signature over another body, or none, is refused and publishes nothing
            given().header("X-SignalWire-Signature", SignalWireSignature.jsonSignature(KEY, url, "{}".getBytes(StandardCharsets.UTF_8)))
                    .contentType("application/json").body(json.replace("completed", "failed")).post("/api/webhooks/signalwire/registry")
                    .then().statusCode(403);
            String notJson = "{\"event_category\":";
            given().header("X-SignalWire-Signature", SignalWireSignature.jsonSignature(KEY, url, notJson.getBytes(StandardCharsets.UTF_8)))
                    .contentType("application/json").body(notJson).post("/api/webhooks/signalwire/registry").then().statusCode(400)
                    .contentType("application/problem+json");

            var record = first(registry, r -> order.equals(r.key()));
            var event = EventJson.read(record.value(), ai.galaxyco.phone.model.events.RegistryStatusChanged.class);
            assertEquals("number_assignment", event.category());
            assertEquals("completed", event.state());
            assertEquals(assignment, event.numberAssignmentId());
            assertEquals("+12125550143", event.phoneNumber().e164());
            assertEquals(java.time.Instant.parse("2026-11-25T10:00:00Z"), event.eventAt());
            await().during(Duration.ofSeconds(1)).atMost(WAIT)
                    .until(() -> registry.records(r -> order.equals(r.key())).size() == 1);
        }
    }

    @Test
    void readinessWaitsForTheAssignmentView() {
        given().get(operations + "health/ready").then().statusCode(200).body(containsString("number assignments loaded"));
    }

    static List<Map.Entry<String, String>> call(String callSid, String to) {
        return List.of(Map.entry("CallSid", callSid), Map.entry("AccountSid", "AC1"), Map.entry("From", "+14155550100"),
                Map.entry("To", to), Map.entry("CallStatus", "ringing"), Map.entry("Direction", "inbound"));
    }

    static InboundCall find(List<InboundCall> calls, String sid, InboundCall.Disposition disposition) {
        return calls.stream().filter(c -> c.callSid().equals(sid) && c.disposition() == disposition).findFirst().orElseThrow();
    }
}
