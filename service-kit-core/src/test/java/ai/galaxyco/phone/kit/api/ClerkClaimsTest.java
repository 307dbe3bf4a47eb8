package ai.galaxyco.phone.kit.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ClerkClaimsTest {

    private static JsonObject claims(String json) {
        return Json.createReader(new java.io.StringReader(json)).readObject();
    }

    @Test
    void v1TokensNameTheOrganisationInOrgId() {
        JsonObject token = claims("{\"org_id\":\"org_v1\",\"azp\":\"https://app.example.com\"}");
        assertEquals("org_v1", ClerkClaims.organization(token::get));
        assertEquals("https://app.example.com", ClerkClaims.authorizedParty(token::get));
    }

    @Test
    void v2TokensNameItInO() {
        JsonObject token = claims("{\"v\":2,\"o\":{\"id\":\"org_v2\",\"rol\":\"admin\"}}");
        assertEquals("org_v2", ClerkClaims.organization(token::get));
        assertNull(ClerkClaims.authorizedParty(token::get));
    }

    @Test
    void aTokenWithoutAnActiveOrganisationHasNone() {
        assertNull(ClerkClaims.organization(claims("{\"sub\":\"user_1\"}")::get));
        assertNull(ClerkClaims.organization(claims("{\"o\":{\"rol\":\"admin\"}}")::get));
    }

    @Test
    void plainStringClaimsReadTheSame() {
        Map<String, Object> token = Map.of("org_id", "org_plain", "azp", "\"https://quoted.example.com\"");
        assertEquals("org_plain", ClerkClaims.organization(token::get));
        assertEquals("https://quoted.example.com", ClerkClaims.authorizedParty(token::get));
    }

    @Test
    void onlyTheAdminRoleIsAnAdminInEitherShape() {
        assertEquals(OrganizationRole.ADMIN, ClerkClaims.role(claims("{\"org_id\":\"o\",\"org_role\":\"org:admin\"}")::get));
        assertEquals(OrganizationRole.ADMIN, ClerkClaims.role(claims("{\"o\":{\"id\":\"o\",\"rol\":\"admin\"}}")::get));
        assertEquals(OrganizationRole.MEMBER, ClerkClaims.role(claims("{\"org_id\":\"o\",\"org_role\":\"org:member\"}")::get));
        assertEquals(OrganizationRole.MEMBER, ClerkClaims.role(claims("{\"o\":{\"id\":\"o\",\"rol\":\"member\"}}")::get));
        // a custom role whose name merely contains "admin" is not the admin role
        assertEquals(OrganizationRole.MEMBER, ClerkClaims.role(claims("{\"org_role\":\"org:billing_admin\"}")::get));
        assertEquals(OrganizationRole.MEMBER, ClerkClaims.role(claims("{\"org_role\":\"org:admin2\"}")::get));
    }

    @Test
    void aTokenNamingNoRoleIsAMember() {
        assertEquals(OrganizationRole.MEMBER, ClerkClaims.role(claims("{\"org_id\":\"o\"}")::get));
        assertEquals(OrganizationRole.MEMBER, ClerkClaims.role(claims("{\"o\":{\"id\":\"o\"}}")::get));
        assertEquals(OrganizationRole.ADMIN, ClerkClaims.role(Map.<String, Object>of("org_role", "org:admin")::get));
    }
}
