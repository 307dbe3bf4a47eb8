package ai.galaxyco.phone.kit.signalwire;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.net.URI;
import okhttp3.Credentials;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;

/**
 * OkHttp access to SignalWire's Compatibility API ({@code /api/laml/2010-04-01/Accounts/{ProjectID}/...}):
 * Basic auth, the space URL rules, and errors turned into {@link SignalWireException}. The sandbox is
 * selected purely by SIGNALWIRE_SPACE_URL.
 */
@ApplicationScoped
public class SignalWireHttp {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final OkHttpClient client;
    private final SignalWireConfig config;

    public SignalWireHttp(SignalWireConfig config) {
        this.config = config;
        this.client = new OkHttpClient.Builder().connectTimeout(config.connectTimeout()).readTimeout(config.readTimeout())
                .callTimeout(config.readTimeout().plus(config.connectTimeout())).retryOnConnectionFailure(false).build();
    }

    /**
     * Stops start-up of a service that calls SignalWire when its credentials are missing, naming the variables.
     * Only in the prod profile (the packaged application); dev and test configure a sandbox themselves.
     */
    public void requireConfigured(String service) {
        if (io.quarkus.runtime.LaunchMode.current() != io.quarkus.runtime.LaunchMode.NORMAL) {
            return;
        }
        java.util.List<String> missing = new java.util.ArrayList<>();
        if (config.projectId().isEmpty()) {
            missing.add("SIGNALWIRE_PROJECT_ID");
        }
        if (config.token().isEmpty()) {
            missing.add("SIGNALWIRE_TOKEN");
        }
        if (config.spaceUrl().isEmpty()) {
            missing.add("SIGNALWIRE_SPACE_URL");
        }
        if (!missing.isEmpty()) {
            throw new IllegalStateException(service + " cannot start: set " + String.join(", ", missing));
        }
    }

    /** True when credentials and a space are configured. */
    public boolean isConfigured() {
        return config.projectId().isPresent() && config.token().isPresent() && config.spaceUrl().isPresent();
    }

    /** The Compatibility API base of the configured space and project. */
    public HttpUrl.Builder accountUrl() {
        String project = config.projectId().orElseThrow(() -> new IllegalStateException("SIGNALWIRE_PROJECT_ID is not set"));
        String base = restBase(config.spaceUrl().orElseThrow(() -> new IllegalStateException("SIGNALWIRE_SPACE_URL is not set")));
        return HttpUrl.get(base).newBuilder().addPathSegments("api/laml/2010-04-01/Accounts").addPathSegment(project);
    }

    /** Applies the SIGNALWIRE_SPACE_URL rules; see {@link SignalWireConfig#spaceUrl()}. */
    public static String restBase(String spaceUrl) {
        String value = spaceUrl.trim();
        if (value.contains("://")) {
            URI uri = URI.create(value);
            return uri.getScheme() + "://" + uri.getRawAuthority();
        }
        String host = value.endsWith("/") ? value.substring(0, value.length() - 1) : value;
        host = host.replace(".sip.signalwire.com", ".signalwire.com");
        return "https://" + host;
    }

    public JsonNode get(HttpUrl url) {
        return execute(new Request.Builder().url(url).get());
    }

    public JsonNode post(HttpUrl url, RequestBody body) {
        return execute(new Request.Builder().url(url).post(body));
    }

    public JsonNode delete(HttpUrl url) {
        return execute(new Request.Builder().url(url).delete());
    }

    private JsonNode execute(Request.Builder builder) {
        Request request = builder
                .header("Authorization", Credentials.basic(config.projectId().orElse(""), config.token().orElse("")))
                .header("Accept", "application/json").build();
        try (Response response = client.newCall(request).execute()) {
            String body = response.body().string();
            JsonNode json = body.isBlank() ? JSON.createObjectNode() : parse(body);
            if (!response.isSuccessful()) {
                Integer code = json.path("code").canConvertToInt() ? json.path("code").asInt() : null;
                String message = json.path("message").asText(body.length() > 200 ? body.substring(0, 200) : body);
                throw new SignalWireException(response.code(), code, request.method() + " " + request.url().encodedPath()
                        + " answered " + response.code() + ": " + message, null);
            }
            return json;
        } catch (IOException e) {
            throw new SignalWireException(0, null, request.method() + " " + request.url().encodedPath() + " failed: "
                    + e.getMessage(), e);
        }
    }

    private static JsonNode parse(String body) {
        try {
            return JSON.readTree(body);
        } catch (IOException e) {
            return JSON.createObjectNode().put("message", body.length() > 200 ? body.substring(0, 200) : body);
        }
    }
}
