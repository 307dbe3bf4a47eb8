package ai.galaxyco.phone.model.values;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * A number's label, which is also the name of its inbox: {@code Main}, {@code Sales}, {@code Support} or a custom
 * name of 1–32 letters, digits, spaces and hyphens. Labels compare case-insensitively ("sales" is "Sales"), and the
 * well-known ones are written in their canonical case.
 */
public record NumberLabel(String value) {

    // before the constants below: they are checked against it as they are made
    private static final Pattern ALLOWED = Pattern.compile("[\\p{L}\\p{N} -]{1,32}");

    public static final NumberLabel MAIN = new NumberLabel("Main");
    public static final NumberLabel SALES = new NumberLabel("Sales");
    public static final NumberLabel SUPPORT = new NumberLabel("Support");

    public NumberLabel {
        if (value == null || !ALLOWED.matcher(value).matches() || value.isBlank()) {
            throw new InvalidValueException("a label is 1 to 32 letters, digits, spaces or hyphens (e.g. Main, Sales, "
                    + "Support); got " + (value == null ? "nothing" : "\"" + value + "\""));
        }
    }

    /** Reads a label as a person typed it: trimmed, and Main/Sales/Support in their canonical case. */
    public static NumberLabel parse(String raw) {
        String trimmed = raw == null ? null : raw.trim();
        for (NumberLabel known : new NumberLabel[] {MAIN, SALES, SUPPORT}) {
            if (known.value.equalsIgnoreCase(trimmed)) {
                return known;
            }
        }
        return new NumberLabel(trimmed);
    }

    /** The form two labels are compared in (unique per workspace, case-insensitively). */
    public String key() {
        return value.toLowerCase(Locale.ROOT);
    }

    public boolean sameAs(NumberLabel other) {
        return other != null && key().equals(other.key());
    }

    @Override
    public String toString() {
        return value;
    }
}
