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
        return config(serviceIssuer, parties, Optional.empty());
    }

    static AuthConfig config(String serviceIssuer, Optional<Set<String>> parties, Optional<String> serviceKey) {
        return new AuthConfig() {
            public String serviceIssuer() { return serviceIssuer; }
            public Optional<String> servicePublicKey() { return serviceKey; }
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

    @Test
    void committedKeysAndPlainHttpKeyLocationsAreRefusedInProductionUnlessDevSecretsAreAllowed() {
        var committedServiceKey = Optional.of("file:../ops/docker/local-jwt/service-public.pem");
        var committedUserKey = Optional.of("../ops/docker/local-jwt/public.pem");
        List<String> problems = AuthSettingsCheck.problems(config("https://services.example", PARTIES, committedServiceKey),
                Optional.of("https://clerk.example"), committedUserKey, true, false);
        assertEquals(2, problems.size(), problems.toString());
        assertTrue(problems.get(0).startsWith("JWKS_URL / JWT_PUBLIC_KEY_LOCATION is a development key"), problems.get(0));
        assertTrue(problems.get(1).startsWith("SERVICE_JWT_PUBLIC_KEY is a development key"), problems.get(1));
        List<String> http = AuthSettingsCheck.problems(config("https://services.example", PARTIES),
                Optional.of("https://clerk.example"), Optional.of("http://clerk.example/.well-known/jwks.json"), true, false);
        assertEquals(1, http.size(), http.toString());
        assertTrue(http.get(0).contains("plain http:"), http.get(0));
        assertEquals(List.of(), AuthSettingsCheck.problems(config("https://services.example", PARTIES, committedServiceKey),
                Optional.of("https://clerk.example"), committedUserKey, true, true), "GALAXYCO_ALLOW_DEV_SECRETS=true");
        assertEquals(List.of(), AuthSettingsCheck.problems(config("https://services.example", PARTIES, committedServiceKey),
                Optional.of("https://clerk.example"), committedUserKey, false, false), "dev and tests");
    }
}
