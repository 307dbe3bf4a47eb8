package ai.galaxyco.phone.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.galaxyco.phone.model.events.ConsentChanged.Kind;
import ai.galaxyco.phone.routing.domain.ConsentKeywords;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The CTIA keyword set, recognised however a person types it, and nothing that merely contains a keyword. */
class ConsentKeywordsTest {

    @Test
    void optOutsAreRecognisedWhateverTheCaseSpacingAndPunctuation() {
        for (String body : new String[] {"STOP", "Stop.", "stop!", " STOP ", "\tstop\n", "STOP!!!", "¡stop!", "\"Stop\"",
            "STOPALL", "Unsubscribe", "cancel.", "END", "quit", "stop\u0000"}) {
            assertEquals(Optional.of(Kind.OPT_OUT), ConsentKeywords.classify(body), body);
        }
    }

    @Test
    void optInsAndHelpAreRecognised() {
        for (String body : new String[] {"START", "yes", "Yes!", "unstop"}) {
            assertEquals(Optional.of(Kind.OPT_IN), ConsentKeywords.classify(body), body);
        }
        for (String body : new String[] {"HELP", "help?", "Info", "INFO."}) {
            assertEquals(Optional.of(Kind.HELP), ConsentKeywords.classify(body), body);
        }
    }

    @Test
    void aMessageThatOnlyContainsAKeywordIsNotOne() {
        for (String body : new String[] {"please stop calling me at work", "don't stop", "STOP IT", "yes please", "s t o p",
            "", "   ", "!!!", null}) {
            assertEquals(Optional.empty(), ConsentKeywords.classify(body), String.valueOf(body));
        }
    }
}
