package ai.galaxyco.phone.console.domain;

import ai.galaxyco.phone.kit.api.OrganizationRole;

/**
 * Who is looking at the console: a Clerk user whose active organisation is {@code workspaceId}, with their role in
 * it. {@code token} is their session token, forwarded to the services, which check it (and the role) again.
 */
public record SignedInUser(String subject, String workspaceId, OrganizationRole role, String token) {

    /** Admins change the workspace's numbers; members read and send, and the pages hide the rest from them. */
    public boolean isAdmin() {
        return role == OrganizationRole.ADMIN;
    }
}
