package ai.galaxyco.phone.kit.api;

import ai.galaxyco.phone.model.api.Problem;
import jakarta.ws.rs.core.Response;

/**
 * A refusal with its status and stable code; {@link ApiExceptionMappers} answers it as a problem document. The one
 * place a problem answer is built: code that returns a {@code Response} instead of throwing uses {@link #response}.
 */
public class ProblemException extends RuntimeException {

    private final int status;
    private final String code;
    private final transient java.util.Map<String, String> headers;

    public ProblemException(int status, String code, String detail) {
        this(status, code, detail, java.util.Map.of());
    }

    public ProblemException(int status, String code, String detail, java.util.Map<String, String> headers) {
        super(detail);
        this.status = status;
        this.code = code;
        this.headers = headers;
    }

    public int status() {
        return status;
    }

    public String code() {
        return code;
    }

    /** The problem document answer of a refusal, for code that answers instead of throwing (the webhook gateway). */
    public static Response response(int status, String code, String detail) {
        return new ProblemException(status, code, detail).toResponse();
    }

    public Response toResponse() {
        Response.ResponseBuilder answer = Response.status(status).type(Problem.MEDIA_TYPE)
                .entity(Problem.of(status, code, getMessage()));
        headers.forEach(answer::header);
        return answer.build();
    }
}
