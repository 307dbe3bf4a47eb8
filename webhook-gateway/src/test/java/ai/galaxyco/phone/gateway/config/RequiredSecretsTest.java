package ai.galaxyco.phone.gateway.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Secrets are checked for their form at start-up, naming the variable, never found as a 500 at the first request. */
class RequiredSecretsTest {

    static final Optional<String> KEY = Optional.of("PSK_signing_key");

    @Test
    void aWellFormedSecretPasses() {
        assertEquals(List.of(), RequiredSecrets.problems(Optional.of("whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD"), KEY, false));
    }

    @Test
    void malformedOrMissingSecretsAreNamed() {
        for (String bad : new String[] {"C2FVsBQIhrscChlQIMV+b5sSYspob7oD", "whsec_not base64!", "whsec_c2hvcnQ="}) {
            List<String> problems = RequiredSecrets.problems(Optional.of(bad), KEY, false);
            assertEquals(1, problems.size(), bad);
            assertTrue(problems.get(0).startsWith("CLERK_WEBHOOK_SECRET"), problems.get(0));
        }
        assertEquals(List.of("set CLERK_WEBHOOK_SECRET", "set SIGNALWIRE_SIGNING_KEY (or SIGNALWIRE_TOKEN)"),
                RequiredSecrets.problems(Optional.empty(), Optional.empty(), false));
    }

    @Test
    void committedSecretsAreRefusedUnlessAllowed() {
        Optional<String> dev = Optional.of("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw");
        assertTrue(RequiredSecrets.problems(dev, KEY, false).get(0).startsWith("CLERK_WEBHOOK_SECRET is the Clerk webhook secret"));
        assertEquals(List.of(), RequiredSecrets.problems(dev, KEY, true));
        for (String committed : List.of("sandbox-token", "PSK_test_signing_key")) {
            List<String> problems = RequiredSecrets.problems(Optional.of("whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD"),
                    Optional.of(committed), false);
            assertEquals(1, problems.size(), problems.toString());
            assertTrue(problems.get(0).startsWith("SIGNALWIRE_SIGNING_KEY is "), problems.get(0));
            assertEquals(List.of(), RequiredSecrets.problems(Optional.of("whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD"),
                    Optional.of(committed), true));
        }
    }
}
