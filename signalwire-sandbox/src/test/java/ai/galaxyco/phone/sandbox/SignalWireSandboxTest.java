package ai.galaxyco.phone.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.galaxyco.phone.model.signature.SignalWireSignature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import okhttp3.Credentials;
import okhttp3.FormBody;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class SignalWireSandboxTest {

    static final ObjectMapper JSON = new ObjectMapper();
    SignalWireSandbox sandbox;
    HttpServer receiver;
    final List<Boolean> signaturesValid = new CopyOnWriteArrayList<>();
    final List<String> statuses = new CopyOnWriteArrayList<>();
    final OkHttpClient http = new OkHttpClient();

    @BeforeEach
    void start() throws Exception {
        sandbox = SignalWireSandbox.start(0, SandboxSettings.defaults("proj", "tok", "PSK_key")
                .withReleaseCooldown(Duration.ofHours(1)).withExhaustedAreaCodes(java.util.Set.of("999")));
        receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.createContext("/status", exchange -> {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            List<Map.Entry<String, String>> params = new ArrayList<>();
            for (String pair : body.split("&")) {
                String[] kv = pair.split("=", 2);
                params.add(Map.entry(URLDecoder.decode(kv[0], StandardCharsets.UTF_8), URLDecoder.decode(kv[1], StandardCharsets.UTF_8)));
            }
            String url = "http://127.0.0.1:" + receiver.getAddress().getPort() + "/status";
            signaturesValid.add(SignalWireSignature.isValid("PSK_key",
                    exchange.getRequestHeaders().getFirst("X-SignalWire-Signature"), url, params, body.getBytes()));
            params.stream().filter(p -> p.getKey().equals("MessageStatus")).forEach(p -> statuses.add(p.getValue()));
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        receiver.start();
    }

    @AfterEach
    void stop() {
        sandbox.close();
        receiver.stop(0);
    }

    @Test
    void searchBuyListAndReleaseANumber() throws Exception {
        JsonNode search = get("/AvailablePhoneNumbers/US/Local.json?AreaCode=646");
        String number = search.get("available_phone_numbers").get(0).get("phone_number").asText();
        assertTrue(number.startsWith("+1646"), number);
        assertEquals(0, get("/AvailablePhoneNumbers/US/Local.json?AreaCode=999").get("available_phone_numbers").size());

        try (Response bought = post("/IncomingPhoneNumbers.json", new FormBody.Builder().add("PhoneNumber", number)
                .add("FriendlyName", "galaxyco:org_1").add("SmsUrl", "https://x/sms").build())) {
            assertEquals(201, bought.code());
            JsonNode n = JSON.readTree(bought.body().string());
            assertEquals("https://x/sms", n.get("sms_url").asText());
            String sid = n.get("sid").asText();
            assertEquals(1, get("/IncomingPhoneNumbers.json?FriendlyName=galaxyco:org_1").get("incoming_phone_numbers").size());
            assertEquals(0, get("/IncomingPhoneNumbers.json?FriendlyName=galaxyco:org_2").get("incoming_phone_numbers").size());
            try (Response release = http.newCall(request("/IncomingPhoneNumbers/" + sid + ".json").delete().build()).execute()) {
                assertEquals(422, release.code());
                assertEquals(22121, JSON.readTree(release.body().string()).get("code").asInt());
            }
        }
    }

    @Test
    void wrongCredentialsAre401() throws Exception {
        Request r = new Request.Builder().url(sandbox.spaceUrl() + "/api/laml/2010-04-01/Accounts/proj/IncomingPhoneNumbers.json")
                .header("Authorization", Credentials.basic("proj", "wrong")).build();
        try (Response response = http.newCall(r).execute()) {
            assertEquals(401, response.code());
            assertEquals(20003, JSON.readTree(response.body().string()).get("code").asInt());
        }
    }

    @Test
    void messagesGetSignedStatusCallbacks() throws Exception {
        sandbox.addOwnedNumber("+12125550143", "galaxyco:org_1");
        String callback = "http://127.0.0.1:" + receiver.getAddress().getPort() + "/status";
        try (Response sent = post("/Messages.json", new FormBody.Builder().add("From", "+12125550143")
                .add("To", "+14155550100").add("Body", "hello").add("StatusCallback", callback).build())) {
            assertEquals(201, sent.code());
            assertEquals("queued", JSON.readTree(sent.body().string()).get("status").asText());
        }
        long deadline = System.currentTimeMillis() + 10_000;
        while (statuses.size() < 2 && System.currentTimeMillis() < deadline) {
            Thread.onSpinWait();
        }
        assertEquals(List.of("sent", "delivered"), statuses);
        assertEquals(List.of(true, true), signaturesValid);
    }

    @Test
    void injectedFaultsAnswerOnceThenRecover() throws Exception {
        sandbox.failNext("/Messages", 1, 429, 20429, "Too Many Requests");
        sandbox.addOwnedNumber("+12125550143", "x");
        var form = new FormBody.Builder().add("From", "+12125550143").add("To", "+14155550100").add("Body", "x").build();
        try (Response first = post("/Messages.json", form)) {
            assertEquals(429, first.code());
        }
        try (Response second = post("/Messages.json", form)) {
            assertEquals(201, second.code());
        }
    }

    private JsonNode get(String path) throws Exception {
        try (Response response = http.newCall(request(path).get().build()).execute()) {
            assertEquals(200, response.code());
            return JSON.readTree(response.body().string());
        }
    }

    private Response post(String path, FormBody body) throws Exception {
        return http.newCall(request(path).post(body).build()).execute();
    }

    private Request.Builder request(String path) {
        return new Request.Builder().url(sandbox.spaceUrl() + "/api/laml/2010-04-01/Accounts/proj" + path)
                .header("Authorization", Credentials.basic("proj", "tok"));
    }
}
