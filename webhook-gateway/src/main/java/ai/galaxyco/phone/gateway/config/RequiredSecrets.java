package ai.galaxyco.phone.gateway.config;

import io.quarkus.runtime.LaunchMode;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.event.Observes;
import java.util.ArrayList;
import java.util.List;

/** In the prod profile a missing secret stops start-up, naming the variable to set. */
public class RequiredSecrets {

    void check(@Observes StartupEvent event, GatewayConfig config) {
        if (LaunchMode.current() != LaunchMode.NORMAL) {
            return;
        }
        List<String> missing = new ArrayList<>();
        if (config.clerkWebhookSecret().isEmpty()) {
            missing.add("CLERK_WEBHOOK_SECRET");
        }
        if (config.signalwireSigningKey().isEmpty()) {
            missing.add("SIGNALWIRE_SIGNING_KEY (or SIGNALWIRE_TOKEN)");
        }
        if (!missing.isEmpty()) {
            throw new IllegalStateException("webhook-gateway cannot start: set " + String.join(", ", missing));
        }
    }
}
