package ai.galaxyco.phone.console.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ConsoleSettingsCheckTest {

    static final Optional<String> JWKS = Optional.of("https://clerk.example.com/.well-known/jwks.json");

    @Test
    void productionNeedsTheFrontEndsAndItsOwnOriginsAndRefusesCommittedKeysAndPlainHttp() {
        List<String> problems = ConsoleSettingsCheck.problems(false, false, Optional.of("http://clerk.example.com/jwks.json"),
                Optional.of("file:../ops/docker/local-jwt/service-public.pem"), true, false);
        assertEquals(4, problems.size(), problems.toString());
        assertTrue(problems.get(0).startsWith("set CLERK_AUTHORIZED_PARTIES"), problems.get(0));
        assertTrue(problems.get(1).startsWith("set CONSOLE_ORIGIN"), problems.get(1));
        assertTrue(problems.get(2).contains("plain http:"), problems.get(2));
        assertTrue(problems.get(3).startsWith("SERVICE_JWT_PUBLIC_KEY is a development key"), problems.get(3));
        assertEquals(List.of("set CLERK_AUTHORIZED_PARTIES to the front end's origins (comma-separated, e.g. "
                + "https://app.example.com), which session tokens must carry as azp"),
                ConsoleSettingsCheck.problems(false, true, Optional.of("http://x"), Optional.empty(), true, true),
                "GALAXYCO_ALLOW_DEV_SECRETS lifts the key rules, never the origins");
        assertEquals(List.of(), ConsoleSettingsCheck.problems(true, true, JWKS, Optional.empty(), true, false));
        assertEquals(List.of(), ConsoleSettingsCheck.problems(false, false, Optional.of("http://x"), Optional.empty(), false, false));
    }
}
