package ai.galaxyco.phone.kit.api;

import ai.galaxyco.phone.kit.config.AuthConfig;
import ai.galaxyco.phone.kit.config.KeyText;
import jakarta.annotation.Priority;
import io.smallrye.jwt.auth.principal.DefaultJWTCallerPrincipalFactory;
import io.smallrye.jwt.auth.principal.JWTAuthContextInfo;
import io.smallrye.jwt.auth.principal.JWTCallerPrincipal;
import io.smallrye.jwt.auth.principal.JWTCallerPrincipalFactory;
import io.smallrye.jwt.auth.principal.ParseException;
import io.smallrye.jwt.util.KeyUtils;
import jakarta.enterprise.inject.Alternative;
import jakarta.inject.Singleton;
import jakarta.json.Json;
import jakarta.json.JsonException;
import jakarta.json.JsonReader;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.security.PublicKey;
import java.util.Base64;
import java.util.Optional;
import java.util.Set;
import org.jboss.logging.Logger;

/**
 * Verifies bearer tokens of two kinds that never mix. <b>User tokens</b> are Clerk session tokens, verified with
 * Clerk's key and issuer (mp.jwt.*) and, when CLERK_AUTHORIZED_PARTIES is set, carrying one of those origins as
 * {@code azp}. <b>Service tokens</b> come from a separate issuer (SERVICE_JWT_ISSUER) signed by a separate key
 * (SERVICE_JWT_PUBLIC_KEY), name this service as audience and live briefly. The token's unverified {@code iss}
 * only chooses which key verifies it, so no claim a Clerk user can put in a token (groups, roles) reaches the
 * service role: {@link WorkspaceAccess} grants it by issuer, and only this key can produce that issuer.
 */
@Singleton
@Alternative
@Priority(1)
public class CallerTokens extends JWTCallerPrincipalFactory {

    private static final Logger LOG = Logger.getLogger(CallerTokens.class);

    private final JWTCallerPrincipalFactory verifier = new DefaultJWTCallerPrincipalFactory();
    private final AuthConfig config;
    private final Optional<JWTAuthContextInfo> serviceTokens;

    public CallerTokens(AuthConfig config) {
        this.config = config;
        this.serviceTokens = config.servicePublicKey().map(key -> serviceContext(config, readKey(key)));
        if (serviceTokens.isEmpty()) {
            LOG.warn("SERVICE_JWT_PUBLIC_KEY is not set: no service token is accepted, operator endpoints answer 401");
        }
    }

    @Override
    public JWTCallerPrincipal parse(String token, JWTAuthContextInfo userTokens) throws ParseException {
        if (config.serviceIssuer().equals(unverifiedIssuer(token))) {
            if (serviceTokens.isEmpty()) {
                throw new ParseException("service tokens are not accepted here: SERVICE_JWT_PUBLIC_KEY is not set");
            }
            return verifier.parse(token, serviceTokens.get());
        }
        JWTCallerPrincipal user = verifier.parse(token, userTokens);
        Optional<Set<String>> parties = config.authorizedParties();
        if (parties.isPresent()) {
            String party = ClerkClaims.authorizedParty(user::getClaim);
            if (party == null || !parties.get().contains(party)) {
                throw new ParseException("the token's authorised party (azp) " + party + " is not in CLERK_AUTHORIZED_PARTIES");
            }
        }
        return user;
    }

    private static JWTAuthContextInfo serviceContext(AuthConfig config, PublicKey key) {
        JWTAuthContextInfo context = new JWTAuthContextInfo(key, config.serviceIssuer());
        context.setExpectedAudience(Set.of(config.serviceAudience()));
        context.setMaxTimeToLiveSecs(config.serviceTokenMaxLifetime().toSeconds());
        return context;
    }

    /** PEM or JWK text as given, or else a location (file:, classpath:, http(s): or a path) to read it from. */
    static PublicKey readKey(String keyOrLocation) {
        try {
            return KeyUtils.decodePublicKey(KeyText.read(keyOrLocation));
        } catch (Exception e) {
            throw new IllegalStateException("SERVICE_JWT_PUBLIC_KEY is neither a public key (PEM or JWK) nor a readable "
                    + "location of one: " + e, e);
        }
    }

    /** The {@code iss} claim before any verification: used only to pick the key, never trusted on its own. */
    static String unverifiedIssuer(String token) {
        String[] parts = token.split("\\.");
        if (parts.length < 2) {
            return null;
        }
        try {
            String payload = new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8);
            try (JsonReader reader = Json.createReader(new StringReader(payload))) {
                return reader.readObject().getString("iss", null);
            }
        } catch (IllegalArgumentException | JsonException | ClassCastException e) {
            return null; // not a JWT payload: the Clerk verification refuses it with its own reason
        }
    }
}
