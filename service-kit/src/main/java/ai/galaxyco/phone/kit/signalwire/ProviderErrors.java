package ai.galaxyco.phone.kit.signalwire;

/**
 * What a tenant is told about a SignalWire failure: a stable sentence per error code. The provider's own text names
 * our project ({@code /Accounts/<ProjectID>/...}) and internals, so it goes to logs and operator endpoints only.
 */
public final class ProviderErrors {

    private ProviderErrors() {
    }

    /** A sentence for {@code code} (SignalWire's code, or {@code http_<status>} as {@link SignalWireException} names it). */
    public static String describe(String code) {
        if (code == null || code.isBlank()) {
            return null;
        }
        return switch (code) {
            case "21422" -> "The number chosen was taken by someone else meanwhile; another one will be tried.";
            case "21421" -> "SignalWire refused the number as invalid; another one will be tried.";
            case "21717" -> "The number is not registered to an approved messaging campaign yet.";
            case "21610" -> "The recipient has opted out of messages from this number.";
            case "21211" -> "The recipient's number is not a valid phone number.";
            case "20003", "http_401" -> "SignalWire did not accept the platform's credentials; an operator needs to check them.";
            case "20429", "http_429" -> "SignalWire asked us to slow down; it will be tried again shortly.";
            case "22121" -> "The number was bought too recently to be released; the release will be tried again later.";
            case "http_0" -> "SignalWire could not be reached; it will be tried again.";
            case "http_404" -> "No numbers were available in the area codes tried; it will be tried again.";
            default -> code.startsWith("http_5") || code.startsWith("205")
                    ? "SignalWire had an internal error; it will be tried again."
                    : "SignalWire refused the request (code " + code + "); it will be tried again.";
        };
    }
}
