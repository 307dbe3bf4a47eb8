package ai.galaxyco.phone.gateway.api;

import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/** The gateway's own refusals use {@link WebhookResponses#error}; this gives Quarkus' (404, 405, 415) and failures the same shape. */
public class GatewayExceptionMappers {

    @ServerExceptionMapper
    public Response http(WebApplicationException e) {
        int status = e.getResponse().getStatus();
        String code = switch (status) {
            case 404 -> "not_found";
            case 405 -> "method_not_allowed";
            case 415 -> "unsupported_media_type";
            default -> "http_" + status;
        };
        return WebhookResponses.error(status, code, e.getMessage());
    }

    /** Anything else is our fault: logged with an id the answer repeats (the webhook's sender retries a 5xx). */
    @ServerExceptionMapper
    public Response unexpected(RuntimeException e) {
        String id = java.util.UUID.randomUUID().toString();
        io.quarkus.logging.Log.errorf(e, "Request failed (error id %s)", id);
        return WebhookResponses.error(500, "internal_error", "the request failed on our side; error id " + id);
    }
}
