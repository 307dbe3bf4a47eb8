package ai.galaxyco.phone.console.config;

import ai.galaxyco.phone.kit.config.CommittedSecrets;
import ai.galaxyco.phone.kit.config.StartupCheck;
import jakarta.inject.Singleton;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The console signs people in with the same tokens as the services, so it refuses to start with the settings they
 * refuse: in production it needs the front end's origins (CLERK_AUTHORIZED_PARTIES) and its own (CONSOLE_ORIGIN),
 * and no key may be one whose
 * private half is committed or be fetched over plain http: (unless GALAXYCO_ALLOW_DEV_SECRETS=true).
 */
@Singleton
public class ConsoleSettingsCheck implements StartupCheck {

    private final ConsoleConfig config;
    private final Optional<String> userKeyLocation;
    private final boolean allowDevSecrets;

    public ConsoleSettingsCheck(ConsoleConfig config,
            @ConfigProperty(name = "mp.jwt.verify.publickey.location") Optional<String> userKeyLocation,
            @ConfigProperty(name = "GALAXYCO_ALLOW_DEV_SECRETS", defaultValue = "false") boolean allowDevSecrets) {
        this.config = config;
        this.userKeyLocation = userKeyLocation;
        this.allowDevSecrets = allowDevSecrets;
    }

    @Override
    public List<String> problems(boolean production) {
        return problems(config.authorizedParties().isPresent(), config.origins().isPresent(), userKeyLocation,
                config.servicePublicKey(), production, allowDevSecrets);
    }

    static List<String> problems(boolean authorizedPartiesSet, boolean originSet, Optional<String> userKeyLocation,
            Optional<String> serviceKey, boolean production, boolean allowDevSecrets) {
        List<String> problems = new ArrayList<>();
        if (!production) {
            return problems;
        }
        if (!authorizedPartiesSet) {
            problems.add("set CLERK_AUTHORIZED_PARTIES to the front end's origins (comma-separated, e.g. "
                    + "https://app.example.com), which session tokens must carry as azp");
        }
        if (!originSet) {
            problems.add("set CONSOLE_ORIGIN to the origin the console is served at (e.g. https://console.example.com): "
                    + "forms are accepted from there only");
        }
        if (!allowDevSecrets) {
            problems.addAll(CommittedSecrets.keyProblems("JWKS_URL / JWT_PUBLIC_KEY_LOCATION", userKeyLocation));
            problems.addAll(CommittedSecrets.keyProblems("SERVICE_JWT_PUBLIC_KEY", serviceKey));
        }
        return problems;
    }
}
