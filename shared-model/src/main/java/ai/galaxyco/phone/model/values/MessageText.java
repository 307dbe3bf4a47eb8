package ai.galaxyco.phone.model.values;

import java.nio.charset.StandardCharsets;

/**
 * The one rule for message text that PostgreSQL cannot store. A {@code text} column holds any Unicode except
 * U+0000 (NUL), yet NUL reaches us legally: in GSM 03.38 the code 0x00 is {@code @}, and gateways that mis-decode it
 * deliver U+0000 where the customer typed {@code @}.
 *
 * <p>The rule: stored text has every U+0000 replaced by U+FFFD (REPLACEMENT CHARACTER), so it can be shown,
 * searched and indexed; when that changed anything, the exact text as received is kept beside it as UTF-8 bytes
 * ({@link #original}), and APIs return it as {@code originalBody}. Nothing is lost. Events on Kafka carry the exact
 * text (JSON escapes U+0000). Text we send is refused instead ({@link #containsNul}): carriers cannot deliver NUL.
 */
public final class MessageText {

    public static final char NUL = '\u0000';
    public static final char REPLACEMENT = '\uFFFD';

    private MessageText() {
    }

    public static boolean containsNul(String text) {
        return text != null && text.indexOf(NUL) >= 0;
    }

    /** {@code text} as a PostgreSQL {@code text} column can hold it (null stays null). */
    public static String storable(String text) {
        return containsNul(text) ? text.replace(NUL, REPLACEMENT) : text;
    }

    /** The exact text to keep beside the stored one, or null when the stored text is already exact. */
    public static byte[] original(String text) {
        return containsNul(text) ? text.getBytes(StandardCharsets.UTF_8) : null;
    }

    /** The exact text from what {@link #original} kept; null when nothing was kept. */
    public static String fromOriginal(byte[] original) {
        return original == null ? null : new String(original, StandardCharsets.UTF_8);
    }
}
