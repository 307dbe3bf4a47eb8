package ai.galaxyco.phone.kit.api;

import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import java.util.function.Function;

/**
 * What a verified Clerk session token says about its holder, read the same way by the services and the console.
 * Takes the token's claim lookup ({@code jwt::getClaim}) so that this needs no JWT library of its own.
 */
public final class ClerkClaims {

    private ClerkClaims() {
    }

    /** The active organisation, which is the workspace: {@code org_id}, or {@code o.id} in Clerk's v2 session tokens; null without one. */
    public static String organization(Function<String, Object> claim) {
        Object orgId = claim.apply("org_id");
        if (orgId != null) {
            return text(orgId);
        }
        return claim.apply("o") instanceof JsonObject o && o.get("id") instanceof JsonString id ? id.getString() : null;
    }

    /**
     * The holder's role in the active organisation: {@code org_role} ({@code "org:admin"}) in v1 session tokens,
     * {@code o.rol} ({@code "admin"}) in v2. Only the admin role is an admin; a custom role, or a token naming no role
     * at all, is a member (least privilege).
     */
    public static OrganizationRole role(Function<String, Object> claim) {
        Object orgRole = claim.apply("org_role");
        String role = orgRole != null ? text(orgRole)
                : claim.apply("o") instanceof JsonObject o && o.get("rol") instanceof JsonString rol ? rol.getString() : null;
        return role != null && role.strip().replaceFirst("^org:", "").equals("admin") ? OrganizationRole.ADMIN
                : OrganizationRole.MEMBER;
    }

    /** {@code azp}: the origin of the front end the token was issued to; null without one. */
    public static String authorizedParty(Function<String, Object> claim) {
        Object azp = claim.apply("azp");
        return azp == null ? null : text(azp);
    }

    /** A JSON string claim as its value (never with the quotes its JSON form has). */
    private static String text(Object value) {
        return value instanceof JsonString s ? s.getString() : value.toString().replace("\"", "");
    }
}
