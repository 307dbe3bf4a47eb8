package ai.galaxyco.phone.testsupport;

import static io.restassured.RestAssured.given;

import io.restassured.specification.RequestSpecification;
import java.util.ArrayList;
import java.util.List;

/**
 * Checks that a workspace-scoped endpoint refuses everyone but the workspace: no token, an expired token and
 * an unsigned one get 401, a valid token for another workspace gets 403.
 */
public final class Tenancy {

    private Tenancy() {
    }

    /** @return what went wrong, empty when the endpoint refused every caller it should */
    public static List<String> refusalsOf(String method, String path, String workspaceId) {
        List<String> problems = new ArrayList<>();
        expect(problems, method, path, null, 401, "no token");
        expect(problems, method, path, TestTokens.expiredForWorkspace(workspaceId), 401, "expired token");
        expect(problems, method, path, TestTokens.unsigned(workspaceId), 401, "unsigned token");
        expect(problems, method, path, TestTokens.forWorkspace(workspaceId + "_other"), 403, "another workspace's token");
        return problems;
    }

    private static void expect(List<String> problems, String method, String path, String token, int status, String who) {
        RequestSpecification request = given().contentType("application/json").body("{}");
        if (token != null) {
            request = request.auth().oauth2(token);
        }
        int actual = request.request(method, path).statusCode();
        if (actual != status) {
            problems.add(method + " " + path + " with " + who + ": " + actual + " instead of " + status);
        }
    }
}
