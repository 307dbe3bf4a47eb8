package ai.galaxyco.phone.console.domain;

/**
 * Who is looking at the console: a Clerk user whose active organisation is {@code workspaceId}. {@code token} is
 * their session token, forwarded to the services, which check it again.
 */
public record SignedInUser(String subject, String workspaceId, String token) {
}
