package ai.galaxyco.phone.kit.config;

import ai.galaxyco.phone.kit.api.CallerTokens;
import jakarta.inject.Singleton;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Refuses to start with token settings that would make the API unsafe, naming the variable to fix, instead of
 * answering 401s (or worse, accepting tokens) later: the service issuer must not be Clerk's, a configured
 * service key must be readable, and production needs Clerk's key (JWKS_URL or JWT_PUBLIC_KEY_LOCATION), its real
 * issuer (not the committed local default) and the front end's origins, and no key may be one whose private half is
 * committed ({@link CommittedSecrets}) or be fetched over plain http: (the last three unless
 * GALAXYCO_ALLOW_DEV_SECRETS=true).
 */
@Singleton
public class AuthSettingsCheck implements StartupCheck {

    /** The issuer application.properties falls back to: right for dev and tests, never for real users. */
    static final String LOCAL_DEFAULT_ISSUER = "https://clerk.galaxyco.local";

    private final AuthConfig config;
    private final Optional<String> userIssuer;
    private final Optional<String> userKeyLocation;
    private final boolean allowDevSettings;

    /** Takes {@link CallerTokens} so that an unreadable service key stops start-up too (it is read when created). */
    public AuthSettingsCheck(AuthConfig config, @ConfigProperty(name = "mp.jwt.verify.issuer") Optional<String> userIssuer,
            @ConfigProperty(name = "mp.jwt.verify.publickey.location") Optional<String> userKeyLocation,
            @ConfigProperty(name = "GALAXYCO_ALLOW_DEV_SECRETS", defaultValue = "false") boolean allowDevSettings,
            CallerTokens createdNowSoAnUnreadableServiceKeyStopsStartUp) {
        this.config = config;
        this.userIssuer = userIssuer;
        this.userKeyLocation = userKeyLocation;
        this.allowDevSettings = allowDevSettings;
    }

    @Override
    public List<String> problems(boolean production) {
        return problems(config, userIssuer, userKeyLocation, production, allowDevSettings);
    }

    static List<String> problems(AuthConfig config, Optional<String> userIssuer, Optional<String> userKeyLocation,
            boolean production, boolean allowDevSettings) {
        List<String> problems = new ArrayList<>();
        if (production && userKeyLocation.filter(location -> !location.isBlank()).isEmpty()) {
            problems.add("set JWKS_URL (https://<Clerk Frontend API>/.well-known/jwks.json) or JWT_PUBLIC_KEY_LOCATION");
        }
        if (production && !allowDevSettings && userIssuer.map(LOCAL_DEFAULT_ISSUER::equals).orElse(true)) {
            problems.add("set JWT_ISSUER to Clerk's Frontend API URL (e.g. https://clerk.example.com); " + LOCAL_DEFAULT_ISSUER
                    + " is the local default (GALAXYCO_ALLOW_DEV_SECRETS=true accepts it for a local run)");
        }
        if (userIssuer.isPresent() && userIssuer.get().equals(config.serviceIssuer())) {
            problems.add("SERVICE_JWT_ISSUER must differ from JWT_ISSUER (Clerk's issuer), or user tokens could act "
                    + "as services");
        }
        if (production && !allowDevSettings) {
            // committed development keys and keys fetched over plain http would let anyone mint accepted tokens
            problems.addAll(CommittedSecrets.keyProblems("JWKS_URL / JWT_PUBLIC_KEY_LOCATION", userKeyLocation));
            problems.addAll(CommittedSecrets.keyProblems("SERVICE_JWT_PUBLIC_KEY", config.servicePublicKey()));
        }
        if (production && config.authorizedParties().isEmpty()) {
            problems.add("set CLERK_AUTHORIZED_PARTIES to the front end's origins (comma-separated, e.g. "
                    + "https://app.example.com), which user tokens must carry as azp");
        }
        return problems;
    }
}
