package ai.galaxyco.phone.model.api;

import java.util.Objects;

/**
 * The body of every error answer of every service: an RFC 9457 problem document ({@code application/problem+json})
 * with a stable, machine-readable {@code code} the front end switches on. {@code title} is the same sentence for
 * every occurrence of a code; {@code detail} says what was wrong with this request.
 */
public record Problem(String type, String title, int status, String detail, String code) {

    public static final String MEDIA_TYPE = "application/problem+json";
    /** Problem types are URNs: they identify a code without promising a page to read. */
    public static final String TYPE_PREFIX = "urn:galaxyco:phone:problem:";

    public Problem {
        Objects.requireNonNull(code, "code");
    }

    public static Problem of(int status, String code, String detail) {
        return new Problem(TYPE_PREFIX + code, titleOf(code), status, detail, code);
    }

    /** "number_limit_reached" reads "Number limit reached". */
    static String titleOf(String code) {
        String words = code.replace('_', ' ');
        return words.isEmpty() ? words : Character.toUpperCase(words.charAt(0)) + words.substring(1);
    }
}
