package ai.galaxyco.phone.outbound.api;

import ai.galaxyco.phone.kit.api.ProblemException;
import ai.galaxyco.phone.outbound.domain.SendRefused;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/** The one place a refused send becomes HTTP: each reason's status, with the reason's code and detail. */
public class SendRefusals {

    @ServerExceptionMapper
    public Response refused(SendRefused e) {
        return new ProblemException(status(e.reason()), e.code(), e.getMessage(), e.retryAfter()
                .map(wait -> java.util.Map.of("Retry-After", String.valueOf(Math.max(1, wait.toSeconds())))).orElse(java.util.Map.of()))
                .toResponse();
    }

    static int status(SendRefused.Reason reason) {
        return switch (reason) {
            case INVALID_REQUEST, INVALID_LABEL -> 400;
            case SENDER_NOT_OWNED -> 403;
            case NO_SENDER_NUMBER, NO_NUMBER_FOR_LABEL -> 409;
            case RECIPIENT_OPTED_OUT, DESTINATION_NUMBER_TYPE_NOT_ALLOWED, DESTINATION_COUNTRY_NOT_ALLOWED -> 422;
            case SHARED_NUMBER_QUOTA, BUDGET_EXHAUSTED -> 429;
        };
    }
}
