package ai.galaxyco.phone.console.backend;

import ai.galaxyco.phone.console.config.ConsoleConfig;
import ai.galaxyco.phone.console.domain.SignedInUser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.smallrye.mutiny.Multi;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.jboss.logging.Logger;

/**
 * The services' public APIs, called with the signed-in user's own token: the console has no rights of its own, so a
 * page can never show or change more than the user could through the API.
 */
@ApplicationScoped
public class ServiceApis {

    public enum Service {
        PROVISIONING("provisioning"),
        ROUTING("routing"),
        OUTBOUND("outbound"),
        ANALYTICS("analytics");

        final String name;

        Service(String name) {
            this.name = name;
        }
    }

    private static final Logger LOG = Logger.getLogger(ServiceApis.class);

    private final ConsoleConfig config;
    private final ObjectMapper json;
    private final HttpClient http;

    public ServiceApis(ConsoleConfig config, ObjectMapper json) {
        this.config = config;
        this.json = json;
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();
    }

    public <T> T get(Service service, String path, SignedInUser user, Class<T> type) {
        return json.convertValue(send(service, "GET", path, user.token(), null), type);
    }

    public JsonNode get(Service service, String path, String token) {
        return send(service, "GET", path, token, null);
    }

    /** @return the answer's JSON body, or null when it has none */
    public JsonNode send(Service service, String method, String path, SignedInUser user, Object body) {
        return send(service, method, path, user.token(), body);
    }

    /** A call with a token of the caller's own (an operator's service token). */
    public JsonNode send(Service service, String method, String path, String token, Object body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl(service) + path))
                .timeout(config.requestTimeout()).header("Accept", "application/json")
                .header("Authorization", "Bearer " + token);
        try {
            if (body == null) {
                request.method(method, HttpRequest.BodyPublishers.noBody());
            } else {
                request.header("Content-Type", "application/json")
                        .method(method, HttpRequest.BodyPublishers.ofString(json.writeValueAsString(body)));
            }
            HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            JsonNode answer = response.body() == null || response.body().isBlank() ? null : json.readTree(response.body());
            if (response.statusCode() >= 400) {
                throw problem(response.statusCode(), answer);
            }
            return answer;
        } catch (JsonProcessingException e) {
            throw new ApiProblem(502, "bad_gateway", "The " + service.name + " service gave an answer the console cannot read.");
        } catch (IOException e) {
            LOG.warnf("%s %s%s failed: %s", method, baseUrl(service), path, e.toString());
            throw new ApiProblem(503, "service_unavailable",
                    "The " + service.name + " service cannot be reached right now. Try again in a moment.");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ApiProblem(503, "service_unavailable", "The request was interrupted.");
        }
    }

    /**
     * A GET whose answer is text to pass on (a CSV export), not JSON: the body as the service sent it, its content
     * type, and its {@code Content-Disposition}; a refusal is an {@link ApiProblem} as for the JSON calls.
     */
    public Download download(Service service, String path, String token) {
        HttpRequest request = HttpRequest.newBuilder(URI.create(baseUrl(service) + path)).timeout(config.requestTimeout())
                .header("Accept", "text/csv, application/problem+json").header("Authorization", "Bearer " + token).GET().build();
        try {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() >= 400) {
                JsonNode answer;
                try {
                    answer = response.body() == null || response.body().isBlank() ? null : json.readTree(response.body());
                } catch (JsonProcessingException e) {
                    answer = null;
                }
                throw problem(response.statusCode(), answer);
            }
            return new Download(response.body(), response.headers().firstValue("Content-Type").orElse("text/csv"),
                    response.headers().firstValue("Content-Disposition").orElse("attachment"));
        } catch (IOException e) {
            LOG.warnf("GET %s%s failed: %s", baseUrl(service), path, e.toString());
            throw new ApiProblem(503, "service_unavailable",
                    "The " + service.name + " service cannot be reached right now. Try again in a moment.");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ApiProblem(503, "service_unavailable", "The request was interrupted.");
        }
    }

    /**
     * A service's server-sent events, as the JSON of each event's {@code data}: the stream ends when the service ends
     * it (its token expired) and is closed when the subscriber goes away. A refusal before the stream starts fails it
     * with an {@link ApiProblem}. The lines are read on a worker thread of their own, one per open stream.
     */
    public Multi<String> events(Service service, String path, String token) {
        return Multi.createFrom().emitter(emitter -> {
            HttpRequest request = HttpRequest.newBuilder(URI.create(baseUrl(service) + path))
                    .header("Accept", "text/event-stream").header("Authorization", "Bearer " + token).GET().build();
            http.sendAsync(request, HttpResponse.BodyHandlers.ofLines()).whenCompleteAsync((response, failure) -> {
                if (failure != null) {
                    emitter.fail(new ApiProblem(503, "service_unavailable",
                            "The " + service.name + " service cannot be reached right now. Try again in a moment."));
                    return;
                }
                if (response.statusCode() >= 400) {
                    response.body().close();
                    emitter.fail(new ApiProblem(response.statusCode(), "http_" + response.statusCode(),
                            "The " + service.name + " service refused the live stream."));
                    return;
                }
                emitter.onTermination(() -> response.body().close());
                try (var lines = response.body()) {
                    lines.filter(line -> line.startsWith("data:")).map(line -> line.substring(5).trim()).forEach(emitter::emit);
                    emitter.complete();
                } catch (RuntimeException closed) {
                    emitter.complete(); // closed because the subscriber left
                }
            }, io.smallrye.mutiny.infrastructure.Infrastructure.getDefaultWorkerPool());
        });
    }

    /**
     * A GET whose answer is bytes to stream on (a voicemail's audio): the open body, its content type and length (-1
     * when unknown), for the caller to pass on and close; a refusal is an {@link ApiProblem} as for the JSON calls.
     */
    public Media media(Service service, String path, String token) {
        HttpRequest request = HttpRequest.newBuilder(URI.create(baseUrl(service) + path)).timeout(config.requestTimeout())
                .header("Accept", "audio/*, application/problem+json").header("Authorization", "Bearer " + token).GET().build();
        try {
            HttpResponse<java.io.InputStream> response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
            if (response.statusCode() >= 400) {
                JsonNode answer;
                try (var body = response.body()) {
                    answer = json.readTree(body);
                } catch (IOException e) {
                    answer = null;
                }
                throw problem(response.statusCode(), answer);
            }
            return new Media(response.body(), response.headers().firstValue("Content-Type").orElse("application/octet-stream"),
                    response.headers().firstValueAsLong("Content-Length").orElse(-1));
        } catch (IOException e) {
            LOG.warnf("GET %s%s failed: %s", baseUrl(service), path, e.toString());
            throw new ApiProblem(503, "service_unavailable",
                    "The " + service.name + " service cannot be reached right now. Try again in a moment.");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ApiProblem(503, "service_unavailable", "The request was interrupted.");
        }
    }

    /** Bytes a service answered with, to stream on to the browser. */
    public record Media(java.io.InputStream body, String contentType, long length) {
    }

    /** A file a service answered with, passed on to the browser as a download. */
    public record Download(String body, String contentType, String disposition) {
    }

    private static ApiProblem problem(int status, JsonNode answer) {
        String code = answer == null ? null : answer.path("code").asText(null);
        String detail = answer == null ? null : answer.path("detail").asText(null);
        return new ApiProblem(status, code == null ? "http_" + status : code, detail);
    }

    private String baseUrl(Service service) {
        String url = switch (service) {
            case PROVISIONING -> config.provisioningUrl();
            case ROUTING -> config.routingUrl();
            case OUTBOUND -> config.outboundUrl();
            case ANALYTICS -> config.analyticsUrl();
        };
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }
}
