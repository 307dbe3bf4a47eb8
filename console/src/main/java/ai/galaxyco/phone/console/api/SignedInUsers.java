package ai.galaxyco.phone.console.api;

import ai.galaxyco.phone.console.config.ConsoleConfig;
import ai.galaxyco.phone.console.domain.SignedInUser;
import ai.galaxyco.phone.kit.api.ClerkClaims;
import io.smallrye.jwt.auth.principal.JWTParser;
import io.smallrye.jwt.auth.principal.ParseException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.core.HttpHeaders;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.eclipse.microprofile.jwt.JsonWebToken;
import org.jboss.logging.Logger;

/**
 * Reads the Clerk session token of a page request (cookie {@code __session}, as Clerk's front end sets it, or
 * {@code Authorization: Bearer}) and verifies it as the services do: signature by Clerk's key (JWKS), issuer,
 * expiry, and {@code azp} among CLERK_AUTHORIZED_PARTIES. The active organisation is the workspace.
 */
@ApplicationScoped
public class SignedInUsers {

    public static final String SESSION_COOKIE = "__session";
    private static final Logger LOG = Logger.getLogger(SignedInUsers.class);

    /**
     * No token, or one that is not valid: the page asks the visitor to sign in. The sign-in page is told why by a
     * code ({@code ?reason=}), which it shows as one of a few fixed sentences: a link can never put words on it.
     */
    public static class SignInRequired extends RuntimeException {
        static final Map<String, String> SENTENCES = Map.of(
                "no_session", "Sign in to continue.",
                "session_invalid", "Your session is not valid or has expired. Sign in again.",
                "other_front_end", "Your session was issued for another front end. Sign in again.",
                "no_workspace", "Your session has no active workspace. Choose one and sign in again.",
                "signed_out", "You are signed out.");

        public final String code;

        public SignInRequired(String code, String reason) {
            super(reason);
            this.code = code;
        }

        /** The fixed sentence of a reason code; null for a code this page does not know (nothing is shown). */
        public static String sentenceOf(String code) {
            return code == null ? null : SENTENCES.get(code);
        }
    }

    /** A valid token for another workspace than the page's. */
    public static class OtherWorkspace extends RuntimeException {
        public final String signedInTo;

        public OtherWorkspace(String signedInTo, String requested) {
            super("signed in to " + signedInTo + ", not " + requested);
            this.signedInTo = signedInTo;
        }
    }

    private final JWTParser parser;
    private final Optional<Set<String>> authorizedParties;

    public SignedInUsers(JWTParser parser, ConsoleConfig config) {
        this.parser = parser;
        this.authorizedParties = config.authorizedParties();
    }

    /** @throws SignInRequired without a valid session token */
    public SignedInUser current(HttpHeaders headers) {
        String token = tokenOf(headers, SESSION_COOKIE).orElseThrow(() -> new SignInRequired("no_session", "no session"));
        JsonWebToken jwt;
        try {
            jwt = parser.parse(token);
        } catch (ParseException e) {
            LOG.debugf("session token refused: %s (%s)", e.getMessage(), e.getCause());
            throw new SignInRequired("session_invalid", "the session is not valid or has expired");
        }
        if (authorizedParties.isPresent()) {
            String party = ClerkClaims.authorizedParty(jwt::getClaim);
            if (party == null || !authorizedParties.get().contains(party)) {
                throw new SignInRequired("other_front_end", "the session was issued for another front end (" + party + ")");
            }
        }
        String organization = ClerkClaims.organization(jwt::getClaim);
        if (organization == null) {
            throw new SignInRequired("no_workspace", "the session has no active workspace");
        }
        return new SignedInUser(jwt.getSubject(), organization, ClerkClaims.role(jwt::getClaim), token);
    }

    /** @throws OtherWorkspace when the session's workspace is not {@code workspaceId} */
    public SignedInUser forWorkspace(HttpHeaders headers, String workspaceId) {
        SignedInUser user = current(headers);
        if (!user.workspaceId().equals(workspaceId)) {
            throw new OtherWorkspace(user.workspaceId(), workspaceId);
        }
        return user;
    }

    /** A bearer token from {@code Authorization}, else from the named cookie (Clerk's {@code __session}, or the operator's). */
    static Optional<String> tokenOf(HttpHeaders headers, String cookieName) {
        String authorization = headers.getHeaderString(HttpHeaders.AUTHORIZATION);
        if (authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return Optional.of(authorization.substring(7).trim());
        }
        var cookie = headers.getCookies().get(cookieName);
        return cookie == null || cookie.getValue().isBlank() ? Optional.empty() : Optional.of(cookie.getValue());
    }
}
