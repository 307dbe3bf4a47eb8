package ai.galaxyco.phone.kit.api;

import ai.galaxyco.phone.kit.config.AuthConfig;
import jakarta.enterprise.context.RequestScoped;
import jakarta.ws.rs.ForbiddenException;
import org.eclipse.microprofile.jwt.JsonWebToken;

/**
 * Decides whether the caller's token may act for a workspace. A user token's organization ({@code org_id}, or
 * {@code o.id} in Clerk's v2 session tokens) must equal the workspace in the path; a service token (issued by
 * SERVICE_JWT_ISSUER, see {@link CallerTokens}) may act for any workspace and is the only way to the operator
 * endpoints. No claim inside a Clerk token (groups, roles) grants the service role. Authentication itself
 * (signature, expiry, audience) is done by smallrye-jwt and {@link CallerTokens} before this runs.
 */
@RequestScoped
public class WorkspaceAccess {

    private final JsonWebToken token;
    private final String serviceIssuer;
    private final WorkspaceRateLimiter rateLimiter;
    private final io.vertx.core.http.HttpServerRequest request;

    public WorkspaceAccess(JsonWebToken token,
            AuthConfig config, WorkspaceRateLimiter rateLimiter, io.vertx.core.http.HttpServerRequest request) {
        this.token = token;
        this.serviceIssuer = config.serviceIssuer();
        this.rateLimiter = rateLimiter;
        this.request = request;
    }

    /**
     * For reading and sending: any member of the workspace, or a platform service.
     *
     * @throws ForbiddenException (403) when the token is for another workspace
     * @throws ProblemException (429 rate_limited, with Retry-After) when the workspace exceeds its request rate; counted
     *         only after authorisation, so nobody can use up another tenant's allowance
     */
    public void require(String workspaceId) {
        authorise(workspaceId, false);
    }

    /**
     * For changing the workspace's numbers (add, release, relabel, forward, retry a purchase) and reading its audit
     * trail: an admin of the workspace ({@link ClerkClaims#role}), or a platform service.
     *
     * @throws ProblemException (403 admin_role_required) for a member of the workspace, and as {@link #require}
     */
    public void requireAdmin(String workspaceId) {
        authorise(workspaceId, true);
    }

    private void authorise(String workspaceId, boolean adminOnly) {
        if (isServiceCaller()) {
            return;
        }
        String organization = ClerkClaims.organization(token::getClaim);
        if (organization == null || !organization.equals(workspaceId)) {
            throw new ForbiddenException("this token is not for workspace " + workspaceId);
        }
        if (adminOnly && ClerkClaims.role(token::getClaim) != OrganizationRole.ADMIN) {
            throw new ProblemException(403, "admin_role_required", "only an admin of workspace " + workspaceId
                    + " may do this (change its numbers, read its audit trail); this token's role is member (org_role org:admin, "
                    + "or o.rol admin, is needed)");
        }
        String endpointClass = "GET".equals(request.method().name()) ? "read" : "write";
        long retryAfter = rateLimiter.take(workspaceId, endpointClass);
        if (retryAfter > 0) {
            throw new ProblemException(429, "rate_limited", "workspace " + workspaceId + " made too many " + endpointClass
                    + " requests; retry after " + retryAfter + " s", java.util.Map.of("Retry-After", String.valueOf(retryAfter)));
        }
    }

    /** Who is calling, for the audit trail: the token's subject ({@code sub}), a user's or a platform service's. */
    public String actor() {
        String subject = token.getSubject();
        return subject == null ? "unknown" : subject;
    }

    /** The caller's role, for the audit trail: {@code service}, or the organisation role ({@code org:admin}, {@code org:member}). */
    public String actorRole() {
        return isServiceCaller() ? "service" : ClerkClaims.role(token::getClaim).clerkName();
    }

    /** When the caller's token expires: what it opened (a live stream) must not outlive it. */
    public java.time.Instant expiresAt() {
        return java.time.Instant.ofEpochSecond(token.getExpirationTime());
    }

    /** Whether the caller is a platform service: its token was verified with the service key, which alone issues these. */
    public boolean isServiceCaller() {
        return serviceIssuer.equals(token.getIssuer());
    }

    /** @throws ForbiddenException unless the caller is a platform service (a user token, whatever its claims, is not) */
    public void requireService() {
        if (!isServiceCaller()) {
            throw new ForbiddenException("this endpoint is for platform service tokens (issuer " + serviceIssuer
                    + "), not user tokens");
        }
    }
}
