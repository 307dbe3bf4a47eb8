package ai.galaxyco.phone.testsupport;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.config.ConfigProvider;

/** Drives the sandbox the service under test is configured with, over its HTTP control endpoints. */
public final class SandboxControl {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private SandboxControl() {
    }

    public static String baseUrl() {
        return ConfigProvider.getConfig().getValue("signalwire.space-url", String.class);
    }

    public static JsonNode post(String path, Map<String, ?> body) {
        try {
            HttpRequest request = HttpRequest.newBuilder(URI.create(baseUrl() + path))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body))).build();
            HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() >= 300) {
                throw new IllegalStateException(path + " answered " + response.statusCode() + ": " + response.body());
            }
            return JSON.readTree(response.body());
        } catch (Exception e) {
            throw new IllegalStateException("sandbox control " + path + " failed", e);
        }
    }

    public static void reset() {
        post("/sandbox/reset", Map.of());
    }

    public static void settings(Map<String, ?> settings) {
        post("/sandbox/settings", settings);
    }

    public static void failNext(String pathPart, int count, int status, int code) {
        post("/sandbox/fail-next", Map.of("path", pathPart, "count", count, "status", status, "code", code));
    }

    /** Fails only requests whose form parameter {@code formKey} equals {@code formValue} (e.g. From=+1...). */
    public static void failNext(String pathPart, String formKey, String formValue, int count, int status, int code) {
        post("/sandbox/fail-next", Map.of("path", pathPart, "formKey", formKey, "formValue", formValue, "count", count,
                "status", status, "code", code));
    }

    /** The next {@code count} matching purchases or sends take effect, then answer {@code status}: a lost answer. */
    public static void loseAnswerOfNext(String pathPart, int count, int status) {
        post("/sandbox/lose-answer", Map.of("path", pathPart, "count", count, "status", status));
    }

    /** Like {@link #loseAnswerOfNext(String, int, int)}, only for requests whose form has {@code formKey=formValue}. */
    public static void loseAnswerOfNext(String pathPart, String formKey, String formValue, int count, int status) {
        post("/sandbox/lose-answer", Map.of("path", pathPart, "formKey", formKey, "formValue", formValue, "count", count,
                "status", status));
    }

    /** Adds many owned numbers at once: phone number to FriendlyName. */
    public static void addNumbers(Map<String, String> friendlyNameByNumber) {
        post("/sandbox/add-numbers", Map.of("numbers", friendlyNameByNumber.entrySet().stream()
                .map(e -> Map.of("phoneNumber", e.getKey(), "friendlyName", e.getValue())).toList()));
    }

    public static void removeNumbers(List<String> e164s) {
        post("/sandbox/remove-numbers", Map.of("phoneNumbers", e164s));
    }

    /** Removes an owned number behind the project's back. */
    public static void removeNumber(String e164) {
        post("/sandbox/remove-number", Map.of("phoneNumber", e164));
    }

    /** Numbers the sandbox project owns now. */
    public static List<JsonNode> ownedNumbers() {
        List<JsonNode> numbers = new ArrayList<>();
        post("/sandbox/numbers", Map.of()).path("numbers").forEach(numbers::add);
        return numbers;
    }

    /** API requests received, as {method, path, form}. */
    public static List<JsonNode> requests(String method, String pathPart) {
        List<JsonNode> matching = new ArrayList<>();
        post("/sandbox/requests", Map.of()).path("requests").forEach(r -> {
            if (r.path("method").asText().equals(method) && r.path("path").asText().contains(pathPart)) {
                matching.add(r);
            }
        });
        return matching;
    }

    public static JsonNode addNumber(String e164, String friendlyName) {
        return post("/sandbox/add-number", Map.of("phoneNumber", e164, "friendlyName", friendlyName));
    }

    /** 10DLC orders, number assignments and delivered registry callbacks, as the sandbox holds them. */
    public static JsonNode registry() {
        return post("/sandbox/registry", Map.of());
    }

    /** How long campaign orders take and whether senders in no campaign are refused (21717). */
    public static void registration(long orderDelayMillis, boolean enforce) {
        settings(Map.of("registrationDelayMs", orderDelayMillis, "enforceRegistration", enforce));
    }

    /** The next {@code count} numbers starting with {@code prefix} ordered into a campaign fail their assignment with {@code reason}. */
    public static void failRegistrations(int count, String reason, String prefix) {
        post("/sandbox/fail-registration", Map.of("count", count, "reason", reason, "prefix", prefix));
    }

    /** Changes a number's webhook URLs the way an edit in SignalWire's dashboard would (keys smsUrl, voiceUrl, …). */
    public static JsonNode editNumber(String e164, Map<String, String> urls) {
        Map<String, Object> body = new java.util.HashMap<>(urls);
        body.put("phoneNumber", e164);
        return post("/sandbox/edit-number", body);
    }

    public static JsonNode inboundSms(String from, String to, String body) {
        return post("/sandbox/inbound-sms", Map.of("from", from, "to", to, "body", body));
    }

    /** A call to {@code to} that completes after {@code durationSeconds}; the answer has its callSid and cxml. */
    /** A recording the sandbox serves to the project's credentials: {@code recordingSid}, {@code recordingUrl}. */
    public static JsonNode addRecording(int seconds) {
        return post("/sandbox/add-recording", Map.of("seconds", seconds));
    }

    public static JsonNode inboundCall(String from, String to, int durationSeconds) {
        return post("/sandbox/inbound-call", Map.of("from", from, "to", to, "durationSeconds", durationSeconds));
    }
}
