package ai.galaxyco.phone.outbound.domain;

/** A send that cannot be accepted: {@code status} is the HTTP status the API answers with. */
public class SendRefused extends RuntimeException {

    private final int status;
    private final String error;

    public SendRefused(int status, String error, String reason) {
        super(reason);
        this.status = status;
        this.error = error;
    }

    public int status() {
        return status;
    }

    public String error() {
        return error;
    }
}
