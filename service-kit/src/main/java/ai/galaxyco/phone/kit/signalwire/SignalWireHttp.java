package ai.galaxyco.phone.kit.signalwire;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.enterprise.context.ApplicationScoped;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.logging.Log;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.URI;
import java.util.concurrent.TimeUnit;
import okhttp3.ConnectionPool;
import okhttp3.Credentials;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okio.BufferedSink;

/**
 * OkHttp access to SignalWire's Compatibility API ({@code /api/laml/2010-04-01/Accounts/{ProjectID}/...}):
 * Basic auth, the space URL rules, and errors turned into {@link SignalWireException}. The sandbox is
 * selected purely by SIGNALWIRE_SPACE_URL.
 *
 * <p>Retries: OkHttp's own retry is off because it would blindly repeat a POST (a purchase, a send). Instead a
 * GET or DELETE that failed before any response byte arrived (typically a pooled connection the server had
 * already closed) is repeated on a fresh connection; a POST is never repeated here, its caller decides after
 * looking up whether the first one took effect. A call that fails is counted by cause in
 * {@code signalwire_call_failures_total} and a repeated attempt in {@code signalwire_call_retries_total}, so
 * stale connections cannot hide among real failures.
 */
@ApplicationScoped
public class SignalWireHttp {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** Attempts of an idempotent request whose connection failed before the answer began. */
    private static final int IDEMPOTENT_ATTEMPTS = 3;
    private final OkHttpClient client;
    private final SignalWireConfig config;
    private final MeterRegistry registry;

    public SignalWireHttp(SignalWireConfig config, MeterRegistry registry) {
        this.config = config;
        this.registry = registry;
        this.client = new OkHttpClient.Builder().connectTimeout(config.connectTimeout()).readTimeout(config.readTimeout())
                .callTimeout(config.readTimeout().plus(config.connectTimeout())).retryOnConnectionFailure(false)
                .connectionPool(new ConnectionPool(16, config.idleConnectionTimeout().toMillis(), TimeUnit.MILLISECONDS))
                .build();
    }

    /**
     * Told the moment a request has left: its last byte was flushed to the socket. Pacing counts from here, not from
     * when the write began, so a thread paused mid-write can never bring two requests closer together at the
     * receiving end. (OkHttp's requestBodyEnd event is too early for this: it fires when the body is written into
     * the connection's buffer, before OkHttp flushes it, so a thread paused in between sends the request later than
     * recorded and the next one arrives closer than the limit.)
     */
    @FunctionalInterface
    public interface DepartureObserver {
        void departed();
    }

    /** {@code body}, flushed to the socket as soon as it is written, then reported to {@code observer}. */
    static RequestBody departing(RequestBody body, DepartureObserver observer) {
        return new RequestBody() {
            @Override
            public MediaType contentType() {
                return body.contentType();
            }

            @Override
            public long contentLength() throws IOException {
                return body.contentLength();
            }

            @Override
            public void writeTo(BufferedSink sink) throws IOException {
                body.writeTo(sink);
                sink.flush(); // headers and body leave now, not when OkHttp finishes the request
                observer.departed();
            }
        };
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

    /** The Relay REST base of the configured space ({@code …/api/relay/rest}), where the Campaign Registry lives. */
    public HttpUrl.Builder relayRestUrl() {
        String base = restBase(config.spaceUrl().orElseThrow(() -> new IllegalStateException("SIGNALWIRE_SPACE_URL is not set")));
        return HttpUrl.get(base).newBuilder().addPathSegments("api/relay/rest");
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

    /**
     * {@code url} when it is on the configured space (same scheme, host and port as SIGNALWIRE_SPACE_URL's REST base),
     * else empty: a URL that came in a webhook is fetched with the project's credentials only if it points there, so a
     * forged or mistaken URL can never carry them, or a request, to another host.
     */
    public java.util.Optional<HttpUrl> onSpace(String url) {
        HttpUrl parsed = url == null ? null : HttpUrl.parse(url);
        if (parsed == null || config.spaceUrl().isEmpty()) {
            return java.util.Optional.empty();
        }
        HttpUrl space = HttpUrl.get(restBase(config.spaceUrl().get()));
        boolean same = parsed.scheme().equals(space.scheme()) && parsed.host().equalsIgnoreCase(space.host())
                && parsed.port() == space.port();
        return same ? java.util.Optional.of(parsed) : java.util.Optional.empty();
    }

    /**
     * Opens a file of the configured space (a recording) with the project's credentials, for the caller to stream and
     * close; an answer other than 2xx is a {@link SignalWireException}. Only {@link #onSpace} URLs are accepted.
     */
    public Response download(HttpUrl url) {
        if (onSpace(url.toString()).isEmpty()) {
            throw new IllegalArgumentException("not a URL of the configured SignalWire space");
        }
        Request request = new Request.Builder().url(url).get()
                .header("Authorization", Credentials.basic(config.projectId().orElse(""), config.token().orElse(""))).build();
        Response response;
        try {
            response = client.newCall(request).execute();
        } catch (IOException e) {
            countFailure(request, failureCause(e));
            throw new SignalWireException(0, null, "GET " + url.encodedPath() + " failed: " + e.getMessage(), e);
        }
        if (!response.isSuccessful()) {
            int code = response.code();
            response.close();
            countFailure(request, code >= 500 ? "http_5xx" : "http_4xx");
            throw new SignalWireException(code, null, "GET " + url.encodedPath() + " answered " + code, null);
        }
        return response;
    }

    public JsonNode get(HttpUrl url) {
        return execute(new Request.Builder().url(url).get(), true);
    }

    /** Never repeated here: a POST that failed ambiguously may have taken effect; see the class comment. */
    public JsonNode post(HttpUrl url, RequestBody body) {
        return execute(new Request.Builder().url(url).post(body), false);
    }

    /** Like {@link #post(HttpUrl, RequestBody)}, telling {@code observer} when the request leaves (for pacing). */
    public JsonNode post(HttpUrl url, RequestBody body, DepartureObserver observer) {
        return execute(new Request.Builder().url(url).post(departing(body, observer)), false);
    }

    public JsonNode delete(HttpUrl url) {
        return execute(new Request.Builder().url(url).delete(), true);
    }

    private JsonNode execute(Request.Builder builder, boolean idempotent) {
        Request request = builder
                .header("Authorization", Credentials.basic(config.projectId().orElse(""), config.token().orElse("")))
                .header("Accept", "application/json").build();
        for (int attempt = 1;; attempt++) {
            Response response;
            try {
                response = client.newCall(request).execute();
            } catch (IOException e) {
                String cause = failureCause(e);
                if (idempotent && attempt < IDEMPOTENT_ATTEMPTS && !"timeout".equals(cause)) {
                    // nothing of the answer arrived: the connection was dead (usually closed by the server while idle).
                    // Its idle siblings are likely dead too, so the repeat goes out on a fresh connection.
                    client.connectionPool().evictAll();
                    registry.counter("signalwire.call.retries", "cause", cause, "method", request.method()).increment();
                    Log.debugf("%s %s failed before any answer (%s), repeating on a fresh connection", request.method(),
                            request.url().encodedPath(), e.getMessage());
                    continue;
                }
                countFailure(request, cause);
                throw new SignalWireException(0, null, request.method() + " " + request.url().encodedPath() + " failed: "
                        + e.getMessage(), e);
            }
            return read(request, response);
        }
    }

    private JsonNode read(Request request, Response response) {
        try (response) {
            String body = response.body().string();
            JsonNode json = body.isBlank() ? JSON.createObjectNode() : parse(body);
            if (!response.isSuccessful()) {
                countFailure(request, response.code() >= 500 ? "http_5xx" : "http_4xx");
                Integer code = json.path("code").canConvertToInt() ? json.path("code").asInt() : null;
                // Compatibility API: {code, message}; Relay REST: {errors:[{detail, …}]} or {error}
                String message = json.path("message").isTextual() ? json.path("message").asText()
                        : json.path("errors").path(0).path("detail").isTextual() ? json.path("errors").path(0).path("detail").asText()
                        : json.path("error").isTextual() ? json.path("error").asText()
                        : body.length() > 200 ? body.substring(0, 200) : body;
                throw new SignalWireException(response.code(), code, request.method() + " " + request.url().encodedPath()
                        + " answered " + response.code() + ": " + message, null);
            }
            return json;
        } catch (IOException e) {
            // the answer began and broke off: the request reached SignalWire, so it is not repeated here
            countFailure(request, failureCause(e));
            throw new SignalWireException(0, null, request.method() + " " + request.url().encodedPath() + " failed: "
                    + e.getMessage(), e);
        }
    }

    /** The metric tag of a failed attempt: timeout, connection_refused or connection_reset (any other I/O failure). */
    static String failureCause(IOException e) {
        if (e instanceof InterruptedIOException) {
            return "timeout"; // SocketTimeoutException, or OkHttp's call timeout
        }
        if (e instanceof ConnectException) {
            return "connection_refused";
        }
        return "connection_reset";
    }

    private void countFailure(Request request, String cause) {
        registry.counter("signalwire.call.failures", "cause", cause, "method", request.method()).increment();
    }

    private static JsonNode parse(String body) {
        try {
            return JSON.readTree(body);
        } catch (IOException e) {
            return JSON.createObjectNode().put("message", body.length() > 200 ? body.substring(0, 200) : body);
        }
    }
}
