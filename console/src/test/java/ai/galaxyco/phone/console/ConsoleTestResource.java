package ai.galaxyco.phone.console;

import ai.galaxyco.phone.testsupport.TestTokens;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.Map;

/**
 * Clerk's and the service tokens' test keys for the console, its local sign-in enabled with the Clerk key (not the
 * service key: no one-click operator), and no service reachable.
 */
public class ConsoleTestResource implements QuarkusTestResourceLifecycleManager {

    /** Nothing listens here: every call to a service fails to connect. */
    static final String NO_SERVICE = "http://127.0.0.1:9";

    @Override
    public Map<String, String> start() {
        return Map.ofEntries(Map.entry("mp.jwt.verify.publickey.location", TestTokens.publicKeyLocation()),
                Map.entry("mp.jwt.verify.issuer", TestTokens.ISSUER),
                Map.entry("galaxyco.console.authorized-parties", TestTokens.AUTHORIZED_PARTY),
                Map.entry("galaxyco.console.local-sign-in.user-key", TestTokens.clerkPrivateKeyPem().toString()),
                Map.entry("galaxyco.console.local-sign-in.user-issuer", TestTokens.ISSUER),
                Map.entry("galaxyco.console.service-issuer", TestTokens.SERVICE_ISSUER),
                Map.entry("galaxyco.console.service-public-key", TestTokens.servicePublicKeyLocation()),
                Map.entry("galaxyco.console.provisioning-url", NO_SERVICE),
                Map.entry("galaxyco.console.routing-url", NO_SERVICE),
                Map.entry("galaxyco.console.outbound-url", NO_SERVICE),
                Map.entry("galaxyco.console.analytics-url", NO_SERVICE));
    }

    @Override
    public void stop() {
    }
}
