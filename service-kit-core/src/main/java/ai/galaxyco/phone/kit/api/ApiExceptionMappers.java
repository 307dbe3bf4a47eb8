package ai.galaxyco.phone.kit.api;

import ai.galaxyco.phone.model.api.Problem;
import ai.galaxyco.phone.model.values.InvalidValueException;
import com.fasterxml.jackson.core.JsonProcessingException;
import io.quarkus.arc.properties.IfBuildProperty;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.ForbiddenException;
import io.quarkus.security.UnauthorizedException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * One error shape for every answer that is not a success: an RFC 9457 problem document with a stable {@code code}.
 * Every module with an HTTP API gets them from the kit core (the webhook gateway too, for Quarkus' own 404, 405 and
 * 415 and for failures). Authentication failures reach these mappers because proactive authentication is off
 * (service-kit's microprofile-config.properties): otherwise Quarkus would answer them with an empty body first.
 * The console answers people, not programs: it sets galaxyco.api.problem-mappers=false and renders its own pages.
 */
@IfBuildProperty(name = "galaxyco.api.problem-mappers", stringValue = "true", enableIfMissing = true)
public class ApiExceptionMappers {

    @ServerExceptionMapper
    public Response refused(ProblemException e) {
        return e.toResponse();
    }

    /** Only a value type's refusal is the caller's fault; any other IllegalArgumentException is ours (500). */
    @ServerExceptionMapper
    public Response invalid(InvalidValueException e) {
        return problem(400, "invalid_request", e.getMessage());
    }

    @ServerExceptionMapper
    public Response malformedJson(JsonProcessingException e) {
        return problem(400, "malformed_json", "the body is not the JSON this endpoint takes: " + e.getOriginalMessage());
    }

    @ServerExceptionMapper({AuthenticationFailedException.class, UnauthorizedException.class})
    public Response unauthenticated(RuntimeException e) {
        return Response.fromResponse(problem(401, "unauthenticated",
                "a valid bearer token is required (missing, expired, or not signed by a trusted issuer)"))
                .header(HttpHeaders.WWW_AUTHENTICATE, "Bearer").build();
    }

    @ServerExceptionMapper
    public Response forbidden(ForbiddenException e) {
        return problem(403, "forbidden", "this token may not use this endpoint");
    }

    @ServerExceptionMapper
    public Response http(WebApplicationException e) {
        int status = e.getResponse().getStatus();
        if (e.getResponse().hasEntity() && e.getResponse().getEntity() instanceof Problem) {
            return e.getResponse();
        }
        if (e.getCause() instanceof JsonProcessingException json) {
            return malformedJson(json); // Quarkus REST wraps a body it could not read in a 400
        }
        if (status == 404 && e.getCause() instanceof IllegalArgumentException unreadable) {
            // JAX-RS answers a parameter it cannot convert (?limit=x, a NumberFormatException) with 404: the caller's error
            return problem(400, "invalid_request", "a parameter could not be read (" + unreadable.getMessage() + ")");
        }
        String code = switch (status) {
            case 400 -> "invalid_request";
            case 401 -> "unauthenticated";
            case 403 -> "forbidden";
            case 404 -> "not_found";
            case 405 -> "method_not_allowed";
            case 406 -> "not_acceptable";
            case 409 -> "conflict";
            case 415 -> "unsupported_media_type";
            case 422 -> "unprocessable";
            default -> "http_" + status;
        };
        return Response.fromResponse(problem(status, code, e.getMessage())).build();
    }

    /** Anything else is our fault: logged with an id the answer repeats, so a report can be found in the log. */
    @ServerExceptionMapper
    public Response unexpected(RuntimeException e) {
        String id = java.util.UUID.randomUUID().toString();
        io.quarkus.logging.Log.errorf(e, "Request failed (error id %s)", id);
        return problem(500, "internal_error", "the request failed on our side; error id " + id);
    }

    static Response problem(int status, String code, String detail) {
        return ProblemException.response(status, code, detail);
    }
}
