package ai.galaxyco.phone.testsupport;

import static io.restassured.RestAssured.given;

import io.restassured.specification.RequestSpecification;
import java.util.ArrayList;
import java.util.List;

/**
 * Checks that a workspace-scoped endpoint refuses everyone but the workspace: no token, an expired token,
 * an unsigned one and one minted for another front end (azp) get 401, a valid token for another workspace gets
 * 403, while the workspace's own token (both Clerk token shapes) gets past authorisation, so an endpoint that refused
 * everyone would fail; that an endpoint changing numbers admits the workspace's admins and refuses its members (403
 * admin_role_required); and that an operator endpoint refuses everything but a service token addressed to this service.
 */
public final class Tenancy {

    private Tenancy() {
    }

    /**
     * Call it on a workspace nobody else uses: the admitted calls are real requests (with a {@code {}} body).
     *
     * @return what went wrong, empty when the endpoint refused every caller it should and admitted the workspace's own
     */
    public static List<String> refusalsOf(String method, String path, String workspaceId) {
        List<String> problems = outsiderRefusalsOf(method, path, workspaceId);
        expectAdmitted(problems, method, path, TestTokens.forMember(workspaceId), "a member's token");
        expectAdmitted(problems, method, path, TestTokens.forMemberV2(workspaceId), "a member's token (v2 shape)");
        return problems;
    }

    /**
     * As {@link #refusalsOf}, for an endpoint only the workspace's admins may call: its members, in either token
     * shape or with no role claim, get 403 admin_role_required.
     */
    public static List<String> adminRefusalsOf(String method, String path, String workspaceId) {
        List<String> problems = outsiderRefusalsOf(method, path, workspaceId);
        expectAdminRequired(problems, method, path, TestTokens.forMember(workspaceId), "a member's token");
        expectAdminRequired(problems, method, path, TestTokens.forMemberV2(workspaceId), "a member's token (v2 shape)");
        expectAdminRequired(problems, method, path, TestTokens.forWorkspaceWithoutRole(workspaceId), "a token naming no role");
        return problems;
    }

    private static List<String> outsiderRefusalsOf(String method, String path, String workspaceId) {
        List<String> problems = new ArrayList<>();
        expect(problems, method, path, null, 401, "no token");
        expect(problems, method, path, TestTokens.expiredForWorkspace(workspaceId), 401, "expired token");
        expect(problems, method, path, TestTokens.unsigned(workspaceId), 401, "unsigned token");
        expect(problems, method, path, TestTokens.forWorkspaceFromParty(workspaceId, "https://evil.example"), 401,
                "a token for another front end");
        expect(problems, method, path, TestTokens.forWorkspaceFromParty(workspaceId, null), 401, "a token without azp");
        expect(problems, method, path, TestTokens.forWorkspace(workspaceId + "_other"), 403, "another workspace's token");
        expect(problems, method, path, TestTokens.clerkTokenClaimingServiceRole(), 403,
                "a Clerk token whose groups claim phone-service");
        expectAdmitted(problems, method, path, TestTokens.forWorkspace(workspaceId), "the workspace's own token");
        expectAdmitted(problems, method, path, TestTokens.forWorkspaceV2(workspaceId), "the workspace's own token (v2 shape)");
        return problems;
    }

    /**
     * @param service this service's name, the audience its service tokens must carry
     * @return what went wrong, empty when only a service token for {@code service} got past authorisation
     */
    public static List<String> serviceRoleRefusalsOf(String method, String path, String service) {
        List<String> problems = new ArrayList<>();
        expect(problems, method, path, null, 401, "no token");
        expect(problems, method, path, TestTokens.forWorkspace("org_any"), 403, "a workspace member's token");
        expect(problems, method, path, TestTokens.clerkTokenClaimingServiceRole(), 403,
                "a Clerk token whose groups claim phone-service");
        expect(problems, method, path, TestTokens.forServiceAudience(List.of("some-other-service")), 401,
                "a service token for another audience");
        expect(problems, method, path, TestTokens.longLivedServiceToken(), 401, "a service token living a day");
        expectAdmitted(problems, method, path, TestTokens.forServiceAudience(List.of(service)), "a service token for " + service);
        return problems;
    }

    private static void expectAdminRequired(List<String> problems, String method, String path, String token, String who) {
        var answer = request(token).request(method, path);
        String code = answer.statusCode() == 403 ? answer.jsonPath().getString("code") : null;
        if (!"admin_role_required".equals(code)) {
            problems.add(method + " " + path + " with " + who + ": " + answer.statusCode() + " " + code
                    + " instead of 403 admin_role_required");
        }
    }

    /** Past authorisation: whatever the endpoint then answers (200, 400 for the empty body, 404), not 401 or 403. */
    private static void expectAdmitted(List<String> problems, String method, String path, String token, String who) {
        int admitted = call(method, path, token);
        if (admitted == 401 || admitted == 403) {
            problems.add(method + " " + path + " refused " + who + " with " + admitted);
        }
    }

    private static int call(String method, String path, String token) {
        return request(token).request(method, path).statusCode();
    }

    private static RequestSpecification request(String token) {
        RequestSpecification request = given().contentType("application/json").body("{}");
        return token == null ? request : request.auth().oauth2(token);
    }

    private static void expect(List<String> problems, String method, String path, String token, int status, String who) {
        int actual = call(method, path, token);
        if (actual != status) {
            problems.add(method + " " + path + " with " + who + ": " + actual + " instead of " + status);
        }
    }
}
