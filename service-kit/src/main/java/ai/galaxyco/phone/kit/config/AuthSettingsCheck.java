package ai.galaxyco.phone.kit.config;

import ai.galaxyco.phone.kit.api.CallerTokens;
import io.quarkus.runtime.LaunchMode;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.event.Observes;
import jakarta.interceptor.Interceptor;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Refuses to start with token settings that would make the API unsafe, naming the variable to fix, instead of
 * answering 401s (or worse, accepting tokens) later: the service issuer must not be Clerk's, a configured
 * service key must be readable, and production needs the front end's origins to check user tokens' {@code azp}.
 */
public class AuthSettingsCheck {

    /** First among the start-up observers, so nothing waits on Kafka or topics before the refusal. */
    void check(@Observes @Priority(Interceptor.Priority.PLATFORM_BEFORE) StartupEvent event, AuthConfig config,
            @ConfigProperty(name = "mp.jwt.verify.issuer") Optional<String> userIssuer,
            CallerTokens createdNowSoAnUnreadableServiceKeyStopsStartUp) {
        List<String> problems = problems(config, userIssuer, LaunchMode.current() == LaunchMode.NORMAL);
        if (!problems.isEmpty()) {
            throw new IllegalStateException("cannot start: " + String.join("; ", problems));
        }
    }

    static List<String> problems(AuthConfig config, Optional<String> userIssuer, boolean production) {
        List<String> problems = new ArrayList<>();
        if (userIssuer.isPresent() && userIssuer.get().equals(config.serviceIssuer())) {
            problems.add("SERVICE_JWT_ISSUER must differ from JWT_ISSUER (Clerk's issuer), or user tokens could act "
                    + "as services");
        }
        if (production && config.authorizedParties().isEmpty()) {
            problems.add("set CLERK_AUTHORIZED_PARTIES to the front end's origins (comma-separated, e.g. "
                    + "https://app.example.com), which user tokens must carry as azp");
        }
        return problems;
    }
}
