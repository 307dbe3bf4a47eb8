package ai.galaxyco.phone.gateway.domain;

/** A webhook whose signature is fine but whose content cannot be understood: answered 400 with the reason. */
public class InvalidWebhookException extends RuntimeException {
    public InvalidWebhookException(String reason) {
        super(reason);
    }
}
