package ai.galaxyco.phone.kit.signalwire;

/**
 * A failed SignalWire call: {@code httpStatus} 0 means no answer (timeout, connection refused).
 * {@code code} is SignalWire's error code (e.g. 21211, 22121) when the body carried one.
 */
public class SignalWireException extends RuntimeException {

    private final int httpStatus;
    private final Integer code;

    public SignalWireException(int httpStatus, Integer code, String message, Throwable cause) {
        super(message, cause);
        this.httpStatus = httpStatus;
        this.code = code;
    }

    public int httpStatus() {
        return httpStatus;
    }

    public Integer code() {
        return code;
    }

    /** Worth retrying: no answer, 5xx, or 429 / 20429 rate limiting. */
    public boolean isTransient() {
        return httpStatus == 0 || httpStatus >= 500 || httpStatus == 429 || Integer.valueOf(20429).equals(code);
    }

    public String codeOrStatus() {
        return code != null ? String.valueOf(code) : "http_" + httpStatus;
    }
}
