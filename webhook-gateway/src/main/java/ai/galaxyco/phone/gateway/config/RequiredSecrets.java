package ai.galaxyco.phone.gateway.config;

import ai.galaxyco.phone.kit.config.CommittedSecrets;
import ai.galaxyco.phone.kit.config.StartupCheck;
import jakarta.inject.Singleton;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * In the packaged application a missing or malformed secret stops start-up, naming the variable, instead of
 * surfacing as a 500 at the first webhook; and secrets committed to this repository ({@link CommittedSecrets}) are
 * refused unless GALAXYCO_ALLOW_DEV_SECRETS=true says that is intended.
 */
@Singleton
public class RequiredSecrets implements StartupCheck {

    private final GatewayConfig config;
    private final boolean allowDevSecrets;

    public RequiredSecrets(GatewayConfig config,
            @ConfigProperty(name = "GALAXYCO_ALLOW_DEV_SECRETS", defaultValue = "false") boolean allowDevSecrets) {
        this.config = config;
        this.allowDevSecrets = allowDevSecrets;
    }

    @Override
    public List<String> problems(boolean production) {
        return production ? problems(config.clerkWebhookSecret(), config.signalwireSigningKey(), allowDevSecrets) : List.of();
    }

    /** What is wrong with the secrets, each naming the variable to fix; empty when nothing is. */
    static List<String> problems(Optional<String> clerkSecret, Optional<String> signingKey, boolean allowDevSecrets) {
        List<String> problems = new ArrayList<>();
        if (clerkSecret.isEmpty()) {
            problems.add("set CLERK_WEBHOOK_SECRET");
        } else if (!isSvixSecret(clerkSecret.get())) {
            problems.add("CLERK_WEBHOOK_SECRET must be the whsec_... value of the Clerk webhook endpoint (whsec_ and base64)");
        } else if (!allowDevSecrets) {
            CommittedSecrets.secretProblem("CLERK_WEBHOOK_SECRET", clerkSecret)
                    .ifPresent(problem -> problems.add(problem + " (or GALAXYCO_ALLOW_DEV_SECRETS=true for a local run)"));
        }
        if (signingKey.isEmpty() || signingKey.get().isBlank()) {
            problems.add("set SIGNALWIRE_SIGNING_KEY (or SIGNALWIRE_TOKEN)");
        } else if (!allowDevSecrets) {
            // a signing key anyone can read lets anyone forge SignalWire's webhooks (inbound messages, calls, statuses)
            CommittedSecrets.secretProblem("SIGNALWIRE_SIGNING_KEY", signingKey)
                    .ifPresent(problem -> problems.add(problem + " (or GALAXYCO_ALLOW_DEV_SECRETS=true for a local run)"));
        }
        return problems;
    }

    static boolean isSvixSecret(String secret) {
        if (!secret.startsWith("whsec_")) {
            return false;
        }
        try {
            return Base64.getDecoder().decode(secret.substring("whsec_".length())).length >= 16;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
