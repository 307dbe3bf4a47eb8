package ai.galaxyco.phone.routing.domain;

import ai.galaxyco.phone.model.events.ConsentChanged;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The CTIA opt-out, opt-in and help keywords (plus REVOKE and OPTOUT); a message is a keyword only if that is all it
 * says, ignoring case, surrounding white space and punctuation ("Stop.", "stop!", " STOP ").
 */
public final class ConsentKeywords {

    static final Set<String> OPT_OUT = Set.of("STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT", "REVOKE", "OPTOUT");
    static final Set<String> OPT_IN = Set.of("START", "YES", "UNSTOP");
    static final Set<String> HELP = Set.of("HELP", "INFO");
    /** Leading or trailing white space, punctuation and symbols (any script), and control characters. */
    private static final Pattern SURROUNDING = Pattern.compile("^[\\p{Z}\\p{P}\\p{S}\\p{Cc}\\p{Cf}\\s]+|[\\p{Z}\\p{P}\\p{S}\\p{Cc}\\p{Cf}\\s]+$");

    private ConsentKeywords() {
    }

    public static Optional<ConsentChanged.Kind> classify(String body) {
        if (body == null) {
            return Optional.empty();
        }
        String word = SURROUNDING.matcher(body).replaceAll("").toUpperCase(Locale.ROOT);
        if (OPT_OUT.contains(word)) {
            return Optional.of(ConsentChanged.Kind.OPT_OUT);
        }
        if (OPT_IN.contains(word)) {
            return Optional.of(ConsentChanged.Kind.OPT_IN);
        }
        if (HELP.contains(word)) {
            return Optional.of(ConsentChanged.Kind.HELP);
        }
        return Optional.empty();
    }
}
