package ai.galaxyco.phone.console.api;

import ai.galaxyco.phone.console.config.ConsoleConfig;
import io.smallrye.jwt.auth.principal.JWTAuthContextInfo;
import io.smallrye.jwt.auth.principal.JWTParser;
import io.smallrye.jwt.auth.principal.ParseException;
import io.smallrye.jwt.util.KeyUtils;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.core.HttpHeaders;
import java.time.Duration;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * Operators sign in to {@code /ops} with a platform service token (SERVICE_JWT_ISSUER, signed by the key whose public
 * half is SERVICE_JWT_PUBLIC_KEY): the only tokens the services' operator endpoints take, forwarded to them as they
 * are. It travels in its own cookie, so a Clerk session and an operator session never overwrite each other. A Clerk
 * token, whatever it claims, is no operator session.
 */
@ApplicationScoped
public class Operators {

    public static final String OPERATOR_COOKIE = "galaxyco_ops";
    /** The longest a service token may live, as the services accept it (SERVICE_JWT_MAX_LIFETIME's default). */
    static final Duration MAX_LIFETIME = Duration.ofMinutes(15);
    private static final Logger LOG = Logger.getLogger(Operators.class);

    /** Who holds a verified service token; {@code token} goes on to the services. */
    public record Operator(String subject, String token) {
    }

    /** No valid operator session; the sign-in page is told why by a code it shows as a fixed sentence. */
    public static class OperatorSignInRequired extends RuntimeException {
        static final java.util.Map<String, String> SENTENCES = java.util.Map.of(
                "no_session", "Sign in with a service token to continue.",
                "no_service_key", "This console takes no service tokens (SERVICE_JWT_PUBLIC_KEY is not set).",
                "token_invalid", "That is not a valid service token, or it has expired.",
                "signed_out", "You are signed out.");

        public final String code;

        public OperatorSignInRequired(String code, String reason) {
            super(reason);
            this.code = code;
        }

        /** The fixed sentence of a reason code; null for a code this page does not know. */
        public static String sentenceOf(String code) {
            return code == null ? null : SENTENCES.get(code);
        }
    }

    private final JWTParser parser;
    private final Optional<JWTAuthContextInfo> serviceTokens;

    public Operators(JWTParser parser, ConsoleConfig config) {
        this.parser = parser;
        this.serviceTokens = config.servicePublicKey().filter(key -> !key.isBlank()).map(key -> {
            JWTAuthContextInfo context = key.trim().startsWith("-----BEGIN") || key.trim().startsWith("{")
                    ? new JWTAuthContextInfo(decode(key), config.serviceIssuer())
                    : new JWTAuthContextInfo(key.trim(), config.serviceIssuer());
            context.setMaxTimeToLiveSecs(MAX_LIFETIME.toSeconds());
            return context;
        });
        if (serviceTokens.isEmpty()) {
            LOG.info("SERVICE_JWT_PUBLIC_KEY is not set: nobody can sign in to the operator page");
        }
    }

    /** @throws OperatorSignInRequired without a valid service token */
    public Operator current(HttpHeaders headers) {
        String token = SignedInUsers.tokenOf(headers, OPERATOR_COOKIE)
                .orElseThrow(() -> new OperatorSignInRequired("no_session", "no operator session"));
        return verify(token);
    }

    public Operator verify(String token) {
        if (serviceTokens.isEmpty()) {
            throw new OperatorSignInRequired("no_service_key", "this console takes no service tokens (SERVICE_JWT_PUBLIC_KEY is not set)");
        }
        try {
            var jwt = parser.parse(token, serviceTokens.get());
            return new Operator(jwt.getSubject(), token);
        } catch (ParseException e) {
            LOG.debugf("operator token refused: %s (%s)", e.getMessage(), e.getCause());
            throw new OperatorSignInRequired("token_invalid", "not a valid service token, or it has expired");
        }
    }

    private static java.security.PublicKey decode(String key) {
        try {
            return KeyUtils.decodePublicKey(key.trim());
        } catch (Exception e) {
            throw new IllegalStateException("SERVICE_JWT_PUBLIC_KEY is not a public key (PEM or JWK): " + e.getMessage(), e);
        }
    }
}
