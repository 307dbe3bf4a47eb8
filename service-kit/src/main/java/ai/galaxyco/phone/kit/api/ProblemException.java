package ai.galaxyco.phone.kit.api;

import ai.galaxyco.phone.model.api.Problem;
import jakarta.ws.rs.core.Response;

/** A refusal with its status and stable code; {@link ApiExceptionMappers} answers it as a problem document. */
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

    public Response toResponse() {
        Response.ResponseBuilder answer = Response.status(status).type(Problem.MEDIA_TYPE)
                .entity(Problem.of(status, code, getMessage()));
        headers.forEach(answer::header);
        return answer.build();
    }
}
