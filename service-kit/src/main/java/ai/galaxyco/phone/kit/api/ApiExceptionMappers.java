package ai.galaxyco.phone.kit.api;

import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/** Turns validation and HTTP errors into {@link ApiError} bodies with the right status. */
public class ApiExceptionMappers {

    @ServerExceptionMapper
    public Response invalid(IllegalArgumentException e) {
        return Response.status(400).type(MediaType.APPLICATION_JSON).entity(new ApiError("invalid_request", e.getMessage()))
                .build();
    }

    @ServerExceptionMapper
    public Response http(WebApplicationException e) {
        int status = e.getResponse().getStatus();
        if (e.getResponse().hasEntity()) {
            return e.getResponse();
        }
        String error = switch (status) {
            case 401 -> "unauthenticated";
            case 403 -> "forbidden";
            case 404 -> "not_found";
            case 409 -> "conflict";
            case 422 -> "unprocessable";
            default -> "http_" + status;
        };
        return Response.status(status).type(MediaType.APPLICATION_JSON).entity(new ApiError(error, e.getMessage())).build();
    }
}
