package ai.galaxyco.phone.testsupport;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.Map;

/** Points smallrye-jwt at Clerk's test public key and the services at the service tokens' one (see {@link TestTokens}). */
public class JwtResource implements QuarkusTestResourceLifecycleManager {

    @Override
    public Map<String, String> start() {
        return Map.of("mp.jwt.verify.publickey.location", TestTokens.publicKeyLocation(),
                "mp.jwt.verify.issuer", TestTokens.ISSUER,
                "galaxyco.auth.service-issuer", TestTokens.SERVICE_ISSUER,
                "galaxyco.auth.service-public-key", TestTokens.servicePublicKeyLocation(),
                "galaxyco.auth.authorized-parties", TestTokens.AUTHORIZED_PARTY);
    }

    @Override
    public void stop() {
    }
}
