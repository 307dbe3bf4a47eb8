package ai.galaxyco.phone.kit.signalwire;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class SignalWireCredentialsCheckTest {

    record Settings(Optional<String> projectId, Optional<String> token, Optional<String> spaceUrl, boolean credentialsRequired)
            implements SignalWireConfig {
        public Optional<String> phoneNumber() {
            return Optional.empty();
        }

        public Optional<String> signingKey() {
            return Optional.empty();
        }

        public Duration connectTimeout() {
            return Duration.ofSeconds(5);
        }

        public Duration readTimeout() {
            return Duration.ofSeconds(15);
        }

        public Duration idleConnectionTimeout() {
            return Duration.ofSeconds(20);
        }
    }

    private static final Settings NONE = new Settings(Optional.empty(), Optional.empty(), Optional.empty(), true);

    @Test
    void aServiceThatCallsSignalWireNamesEveryMissingVariableInProduction() {
        assertEquals(List.of("set SIGNALWIRE_PROJECT_ID", "set SIGNALWIRE_TOKEN", "set SIGNALWIRE_SPACE_URL"),
                new SignalWireCredentialsCheck(NONE).problems(true));
        Settings noToken = new Settings(Optional.of("p"), Optional.empty(), Optional.of("x.signalwire.com"), true);
        assertEquals(List.of("set SIGNALWIRE_TOKEN"), new SignalWireCredentialsCheck(noToken).problems(true));
    }

    @Test
    void devTestsAndServicesThatCanDoWithoutThemStart() {
        assertEquals(List.of(), new SignalWireCredentialsCheck(NONE).problems(false));
        Settings optional = new Settings(Optional.empty(), Optional.empty(), Optional.empty(), false);
        assertEquals(List.of(), new SignalWireCredentialsCheck(optional).problems(true));
    }
}
