package ai.galaxyco.phone.kit.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class AuthSettingsCheckTest {

    static final String JWKS = "https://clerk.example/.well-known/jwks.json";
    static final Optional<Set<String>> PARTIES = Optional.of(Set.of("https://app.example"));

    static AuthConfig config(String serviceIssuer, Optional<Set<String>> parties) {
        return new AuthConfig() {
            public String serviceIssuer() { return serviceIssuer; }
            public Optional<String> servicePublicKey() { return Optional.empty(); }
            public String serviceAudience() { return "outbound-service"; }
            public Duration serviceTokenMaxLifetime() { return Duration.ofMinutes(15); }
            public Optional<Set<String>> authorizedParties() { return parties; }
        };
    }

    @Test
    void productionNeedsTheFrontEndsOriginsAndTwoDistinctIssuers() {
        List<String> problems = AuthSettingsCheck.problems(config("https://clerk.example", Optional.empty()),
                Optional.of("https://clerk.example"), Optional.of(JWKS), true, false);
        assertEquals(2, problems.size(), problems.toString());
        assertTrue(problems.get(0).startsWith("SERVICE_JWT_ISSUER must differ from JWT_ISSUER"), problems.get(0));
        assertTrue(problems.get(1).startsWith("set CLERK_AUTHORIZED_PARTIES"), problems.get(1));
    }

    @Test
    void productionNeedsClerksKeyAndRealIssuerUnlessDevSettingsAreAllowed() {
        List<String> problems = AuthSettingsCheck.problems(config("https://services.example", PARTIES), Optional.empty(),
                Optional.of(" "), true, false);
        assertEquals(2, problems.size(), problems.toString());
        assertTrue(problems.get(0).startsWith("set JWKS_URL"), problems.get(0));
        assertTrue(problems.get(1).startsWith("set JWT_ISSUER"), problems.get(1));
        assertTrue(AuthSettingsCheck.problems(config("https://services.example", PARTIES),
                Optional.of(AuthSettingsCheck.LOCAL_DEFAULT_ISSUER), Optional.of(JWKS), true, false).get(0).startsWith("set JWT_ISSUER"));
        assertEquals(List.of(), AuthSettingsCheck.problems(config("https://services.example", PARTIES),
                Optional.of(AuthSettingsCheck.LOCAL_DEFAULT_ISSUER), Optional.of(JWKS), true, true));
    }

    @Test
    void sensibleSettingsPassAndLocalRunsMayLeaveTheOriginsOpen() {
        assertEquals(List.of(), AuthSettingsCheck.problems(config("https://services.example", PARTIES),
                Optional.of("https://clerk.example"), Optional.of(JWKS), true, false));
        assertEquals(List.of(), AuthSettingsCheck.problems(config("https://services.example", Optional.empty()),
                Optional.of(AuthSettingsCheck.LOCAL_DEFAULT_ISSUER), Optional.empty(), false, false));
    }
}
