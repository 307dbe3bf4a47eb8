package ai.galaxyco.phone.kit.config;

import io.smallrye.config.ConfigMapping;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;

/**
 * Who may call a service's API. User tokens are Clerk session tokens (mp.jwt.* says where Clerk's key is and
 * which issuer it uses); service tokens come from a separate issuer and key pair that no Clerk user can reach.
 * Defaults and environment names are in the kit's microprofile-config.properties.
 */
@ConfigMapping(prefix = "galaxyco.auth")
public interface AuthConfig {

    /** SERVICE_JWT_ISSUER: the {@code iss} of platform service tokens; must differ from Clerk's. */
    String serviceIssuer();

    /**
     * SERVICE_JWT_PUBLIC_KEY: the service tokens' verification key, as PEM text or a location (file:, classpath:,
     * http(s):). Unset: no service token is accepted, so the operator endpoints answer 401.
     */
    Optional<String> servicePublicKey();

    /** SERVICE_JWT_AUDIENCE: the {@code aud} a service token must name to call this service (its name). */
    String serviceAudience();

    /** SERVICE_JWT_MAX_LIFETIME: longest accepted {@code exp - iat} of a service token. */
    Duration serviceTokenMaxLifetime();

    /**
     * CLERK_AUTHORIZED_PARTIES: the front end's origins (comma-separated); a user token's {@code azp} must be one
     * of them. Required in production.
     */
    Optional<Set<String>> authorizedParties();
}
