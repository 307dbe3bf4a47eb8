package ai.galaxyco.phone.kit.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class StartupChecksTest {

    @Test
    void everyProblemIsNamedAtOnceWithTheApplication() {
        IllegalStateException refused = assertThrows(IllegalStateException.class,
                () -> StartupChecks.refuseIfAny("outbound-service", List.of("set SIGNALWIRE_TOKEN", "set JWKS_URL")));
        assertEquals("outbound-service cannot start: set SIGNALWIRE_TOKEN; set JWKS_URL", refused.getMessage());
    }

    @Test
    void noProblemStartsQuietly() {
        StartupChecks.refuseIfAny("console", List.of());
    }
}
