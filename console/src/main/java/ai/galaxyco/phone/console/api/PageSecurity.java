package ai.galaxyco.phone.console.api;

import ai.galaxyco.phone.console.config.ConsoleConfig;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.Optional;
import java.util.Set;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;
import org.jboss.resteasy.reactive.server.ServerResponseFilter;

/**
 * Forms act with the session cookie, so a page of another site must not be able to post them (cross-site request
 * forgery). A state-changing request must show where it comes from: its {@code Origin} is one of CONSOLE_ORIGIN's
 * (never compared with {@code Host}, which the request itself names), or, where no origin is configured or the
 * browser sent none, {@code Sec-Fetch-Site: same-origin}; a request that carries neither is refused. The cookie's
 * SameSite is the first guard; this one also holds for cookies set by Clerk.
 *
 * <p>Every page answers with the headers that keep it to itself: a content security policy without inline script
 * (media and images only from the console's own routes), no MIME sniffing, no referrer outside the console, no
 * caching (pages hold messages), and HSTS when the console is served over https.
 */
public class PageSecurity {

    static final String CONTENT_SECURITY_POLICY = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
            + "img-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    private final Optional<Set<String>> origins;
    private final boolean https;

    public PageSecurity(ConsoleConfig config) {
        this.origins = config.origins();
        this.https = config.servedOverHttps();
    }

    @ServerRequestFilter
    public Response refuseCrossSiteForms(ContainerRequestContext request) {
        String method = request.getMethod();
        if ("GET".equals(method) || "HEAD".equals(method) || "OPTIONS".equals(method)) {
            return null;
        }
        String origin = request.getHeaderString("Origin");
        if (origin != null && origins.isPresent()) {
            return origins.get().contains(origin) ? null : refused("this form was sent from another site (" + origin + ")");
        }
        String site = request.getHeaderString("Sec-Fetch-Site");
        if ("same-origin".equalsIgnoreCase(site)) {
            return null;
        }
        return refused(site != null ? "this form was sent from another site (Sec-Fetch-Site: " + site + ")"
                : origin != null ? "this form was sent from another site (" + origin + ")"
                : "the request does not say where it comes from (no Origin or Sec-Fetch-Site header)");
    }

    @ServerResponseFilter
    public void keepPagesToThemselves(ContainerResponseContext response) {
        var headers = response.getHeaders();
        headers.putSingle("Content-Security-Policy", CONTENT_SECURITY_POLICY);
        headers.putSingle("X-Content-Type-Options", "nosniff");
        headers.putSingle("Referrer-Policy", "same-origin");
        headers.putSingle("Cache-Control", "no-store");
        if (https) {
            headers.putSingle("Strict-Transport-Security", "max-age=31536000; includeSubDomains");
        }
    }

    private static Response refused(String why) {
        return Response.status(403).type(MediaType.TEXT_PLAIN_TYPE).entity("Refused: " + why + ".").build();
    }
}
