package ai.galaxyco.phone.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.galaxyco.phone.model.signature.SignalWireSignature;
import ai.galaxyco.phone.model.signature.SvixSignature;
import ai.galaxyco.phone.model.signature.SvixSignature.Outcome;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The official test vectors of ../shared/reference/clerk-svix.md and signalwire.md. */
class SignatureVectorsTest {

    // --- Svix (svix-webhooks WebhookTest.verifyWebhookSignWorks) ---
    static final String SVIX_SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    static final String SVIX_ID = "msg_p5jXN8AQM9LWM0D4loKWxJek";
    static final long SVIX_TS = 1614265330L;
    static final byte[] SVIX_BODY = "{\"test\": 2432232314}".getBytes(StandardCharsets.UTF_8);
    static final String SVIX_SIG = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";
    static final Instant AT_SVIX_TS = Instant.ofEpochSecond(SVIX_TS);

    @Test
    void svixLibraryVectorSignsAndVerifies() {
        assertEquals(SVIX_SIG, SvixSignature.sign(SVIX_SECRET, SVIX_ID, SVIX_TS, SVIX_BODY));
        assertEquals(Outcome.VALID, verify(SVIX_SIG, SVIX_BODY, AT_SVIX_TS));
    }

    @Test
    void svixDocsVectorVerifies() {
        byte[] body = "{\"event_type\":\"ping\",\"data\":{\"success\":true}}".getBytes(StandardCharsets.UTF_8);
        assertEquals(Outcome.VALID, SvixSignature.verify("whsec_plJ3nmyCDGBKInavdOK15jsl", "msg_loFOjxBNrRLzqYUf",
                "1731705121", "v1,rAvfW3dJ/X/qxhsaXPOyyCGmRKsaKWcsNccKXlIktD0=", body, Instant.ofEpochSecond(1731705121)));
    }

    @Test
    void svixSecretWithoutPrefixWorks() {
        assertEquals(Outcome.VALID, SvixSignature.verify(SVIX_SECRET.substring(6), SVIX_ID, String.valueOf(SVIX_TS),
                SVIX_SIG, SVIX_BODY, AT_SVIX_TS));
    }

    @Test
    void svixMissingHeadersAreRefused() {
        assertEquals(Outcome.MISSING_HEADERS, SvixSignature.verify(SVIX_SECRET, null, String.valueOf(SVIX_TS), SVIX_SIG, SVIX_BODY, AT_SVIX_TS));
        assertEquals(Outcome.MISSING_HEADERS, SvixSignature.verify(SVIX_SECRET, SVIX_ID, "", SVIX_SIG, SVIX_BODY, AT_SVIX_TS));
        assertEquals(Outcome.MISSING_HEADERS, SvixSignature.verify(SVIX_SECRET, SVIX_ID, String.valueOf(SVIX_TS), null, SVIX_BODY, AT_SVIX_TS));
    }

    @Test
    void svixV2EntryAloneFails() {
        assertEquals(Outcome.NO_MATCHING_SIGNATURE, verify("v2," + SVIX_SIG.substring(3), SVIX_BODY, AT_SVIX_TS));
    }

    @Test
    void svixOneValidAmongSeveralBadPasses() {
        String header = "v1,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc= v2,MzJsNDZlZTY= " + SVIX_SIG + " v1,bm9ldHUjKzFob2l=";
        assertEquals(Outcome.VALID, verify(header, SVIX_BODY, AT_SVIX_TS));
    }

    @Test
    void svixTimestampOutsideFiveMinutesFails() {
        assertEquals(Outcome.TIMESTAMP_TOO_OLD, verify(SVIX_SIG, SVIX_BODY, AT_SVIX_TS.plusSeconds(301)));
        assertEquals(Outcome.TIMESTAMP_TOO_NEW, verify(SVIX_SIG, SVIX_BODY, AT_SVIX_TS.minusSeconds(301)));
        assertEquals(Outcome.VALID, verify(SVIX_SIG, SVIX_BODY, AT_SVIX_TS.plusSeconds(299)));
    }

    @Test
    void svixTamperedBodyFails() {
        assertEquals(Outcome.NO_MATCHING_SIGNATURE, verify(SVIX_SIG, "{\"test\": 2432232315}".getBytes(StandardCharsets.UTF_8), AT_SVIX_TS));
    }

    private static Outcome verify(String header, byte[] body, Instant now) {
        return SvixSignature.verify(SVIX_SECRET, SVIX_ID, String.valueOf(SVIX_TS), header, body, now);
    }

    // --- SignalWire / Twilio compatibility vectors ---
    static final String URL = "https://mycompany.com/myapp.php?foo=1&bar=2";
    static final List<Map.Entry<String, String>> PARAMS = List.of(
            Map.entry("CallSid", "CA1234567890ABCDE"), Map.entry("Caller", "+14158675309"),
            Map.entry("Digits", "1234"), Map.entry("From", "+14158675309"), Map.entry("To", "+18005551212"));

    @Test
    void formSchemeVector() {
        assertEquals("RSOYDt4T1cUTdK1PDd93/VVr8B8=", SignalWireSignature.formSignature("12345", URL, PARAMS));
        assertEquals("kvajT1Ptam85bY51eRf/AJRuM3w=",
                SignalWireSignature.formSignature("12345", "https://mycompany.com:443/myapp.php?foo=1&bar=2", PARAMS));
        assertEquals("0ZXoZLH/DfblKGATFgpif+LLRf4=",
                SignalWireSignature.formSignature("12345", "http://mycompany.com:80/myapp.php?foo=1&bar=2", PARAMS));
        assertEquals("Zmvh+3yNM1Phv2jhDCwEM3q5ebU=",
                SignalWireSignature.formSignature("12345", "http://mycompany.com:1234/myapp.php?foo=1&bar=2", PARAMS));
    }

    @Test
    void formSchemeIsOrderIndependentAndAcceptsEitherPortSpelling() {
        var shuffled = List.of(PARAMS.get(4), PARAMS.get(2), PARAMS.get(0), PARAMS.get(3), PARAMS.get(1));
        byte[] none = new byte[0];
        assertTrue(SignalWireSignature.isValid("12345", "RSOYDt4T1cUTdK1PDd93/VVr8B8=", URL, shuffled, none));
        // signed with :443, received without it, and the other way round
        assertTrue(SignalWireSignature.isValid("12345", "kvajT1Ptam85bY51eRf/AJRuM3w=", URL, PARAMS, none));
        assertTrue(SignalWireSignature.isValid("12345", "RSOYDt4T1cUTdK1PDd93/VVr8B8=",
                "https://mycompany.com:443/myapp.php?foo=1&bar=2", PARAMS, none));
        // a port that is not the default is not stripped
        assertFalse(SignalWireSignature.isValid("12345", "Zmvh+3yNM1Phv2jhDCwEM3q5ebU=", URL, PARAMS, none));
    }

    @Test
    void formSchemeRefusesTamperingAndWrongKey() {
        byte[] none = new byte[0];
        var tampered = List.of(PARAMS.get(0), PARAMS.get(1), PARAMS.get(2), PARAMS.get(3), Map.entry("To", "+18005551213"));
        assertFalse(SignalWireSignature.isValid("12345", "RSOYDt4T1cUTdK1PDd93/VVr8B8=", URL, tampered, none));
        assertFalse(SignalWireSignature.isValid("54321", "RSOYDt4T1cUTdK1PDd93/VVr8B8=", URL, PARAMS, none));
        assertFalse(SignalWireSignature.isValid("12345", "", URL, PARAMS, none));
        assertFalse(SignalWireSignature.isValid("12345", null, URL, PARAMS, none));
    }

    @Test
    void bodySha256Vector() {
        byte[] body = "{\"property\": \"value\", \"boolean\": true}".getBytes(StandardCharsets.UTF_8);
        String hash = SignalWireSignature.sha256Hex(body);
        assertTrue(hash.startsWith("0a1ff763") && hash.endsWith("6620"), hash);
        String url = URL + "&bodySHA256=" + hash;
        assertEquals("a9nBmqA0ju/hNViExpshrM61xv4=", SignalWireSignature.formSignature("12345", url, List.of()));
        assertTrue(SignalWireSignature.isValid("12345", "a9nBmqA0ju/hNViExpshrM61xv4=", url, List.of(), body));
        byte[] otherBody = "{\"property\": \"value\", \"boolean\": false}".getBytes(StandardCharsets.UTF_8);
        assertFalse(SignalWireSignature.isValid("12345", "a9nBmqA0ju/hNViExpshrM61xv4=", url, List.of(), otherBody));
    }

    @Test
    void aJsonBodyIsNeverAcceptedWithASignatureOverTheUrlAlone() {
        byte[] body = "{\"MessageSid\":\"SM1\",\"Body\":\"forged\"}".getBytes(StandardCharsets.UTF_8);
        String url = "https://example.ngrok.io/webhook";
        String urlOnly = SignalWireSignature.formSignature("PSKtest1234567890abcdef", url, List.of());
        assertFalse(SignalWireSignature.isValid("PSKtest1234567890abcdef", urlOnly, url, List.of(), body),
                "the body is covered by nothing: only bodySHA256 or the JSON scheme may accept it");
        assertTrue(SignalWireSignature.isValid("PSKtest1234567890abcdef", urlOnly, url, List.of(), new byte[0]),
                "an empty POST has no body to cover");
    }

    @Test
    void jsonSchemeVector() {
        byte[] body = "{\"event\":\"call.state\",\"params\":{\"call_id\":\"abc-123\",\"state\":\"answered\"}}"
                .getBytes(StandardCharsets.UTF_8);
        String url = "https://example.ngrok.io/webhook";
        assertEquals("c3c08c1fefaf9ee198a100d5906765a6f394bf0f",
                SignalWireSignature.jsonSignature("PSKtest1234567890abcdef", url, body));
        assertTrue(SignalWireSignature.isValid("PSKtest1234567890abcdef", "c3c08c1fefaf9ee198a100d5906765a6f394bf0f",
                url, List.of(), body));
    }
}
