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
