package ai.galaxyco.phone.console.api;

import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * Forms act with the session cookie, so a page of another site must not be able to post them (cross-site request
 * forgery): a state-changing request whose Origin is not this console's own is refused. The cookie's SameSite=Lax
 * is the first guard; this one also holds for cookies set by Clerk.
 */
public class SameOriginFilter {

    @ServerRequestFilter
    public Response refuseCrossSiteForms(ContainerRequestContext request) {
        String method = request.getMethod();
        if ("GET".equals(method) || "HEAD".equals(method) || "OPTIONS".equals(method)) {
            return null;
        }
        String origin = request.getHeaderString("Origin");
        if (origin == null) {
            return null; // not a browser's cross-site request (browsers send Origin with every cross-site POST)
        }
        String host = request.getHeaderString("Host");
        try {
            URI from = URI.create(origin);
            String authority = from.getPort() == -1 ? from.getHost() : from.getHost() + ":" + from.getPort();
            if (host != null && host.equalsIgnoreCase(authority)) {
                return null;
            }
        } catch (IllegalArgumentException e) {
            // not an origin: refused below
        }
        return Response.status(403).type(MediaType.TEXT_PLAIN_TYPE)
                .entity("Refused: this form was sent from another site (" + origin + ").").build();
    }
}
