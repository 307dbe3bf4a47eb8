package ai.galaxyco.phone.routing.domain;

import ai.galaxyco.phone.model.events.ConsentChanged;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/** The industry-standard opt-out, opt-in and help keywords; a message is a keyword only if that is all it says. */
public final class ConsentKeywords {

    static final Set<String> OPT_OUT = Set.of("STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT", "REVOKE", "OPTOUT");
    static final Set<String> OPT_IN = Set.of("START", "UNSTOP");
    static final Set<String> HELP = Set.of("HELP");

    private ConsentKeywords() {
    }

    public static Optional<ConsentChanged.Kind> classify(String body) {
        if (body == null) {
            return Optional.empty();
        }
        String word = body.trim().toUpperCase(Locale.ROOT);
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
