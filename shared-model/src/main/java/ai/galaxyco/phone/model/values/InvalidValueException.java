package ai.galaxyco.phone.model.values;

/**
 * A value that is not what its type accepts (a phone number, a label, a workspace id, a plan), with a sentence saying
 * why. It comes from input, so the API answers it 400; any other {@code IllegalArgumentException} that escapes is a
 * programming error and answered 500.
 */
public class InvalidValueException extends IllegalArgumentException {

    public InvalidValueException(String reason) {
        super(reason);
    }

    public InvalidValueException(String reason, Throwable cause) {
        super(reason, cause);
    }
}
