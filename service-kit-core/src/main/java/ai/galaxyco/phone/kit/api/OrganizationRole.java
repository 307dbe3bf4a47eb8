package ai.galaxyco.phone.kit.api;

/**
 * What a signed-in user may do in their workspace: members read and send; admins also change its numbers (add,
 * release, relabel, forward, retry a purchase). Read from the Clerk token by {@link ClerkClaims#role}.
 */
public enum OrganizationRole {
    ADMIN,
    MEMBER;

    /** The role as Clerk names it in v1 tokens' {@code org_role}. */
    public String clerkName() {
        return this == ADMIN ? "org:admin" : "org:member";
    }
}
