package ai.galaxyco.phone.console;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Issue 33: a console configured to be served at an https origin (CONSOLE_ORIGIN) sets Secure cookies, sends HSTS,
 * and takes forms whose Origin is that one only, whatever the request's Host says.
 */
@QuarkusTest
@TestProfile(ConsoleOverHttpsTest.ServedOverHttps.class)
@QuarkusTestResource(ConsoleTestResource.class)
class ConsoleOverHttpsTest {

    static final String ORIGIN = "https://console.galaxyco.test";

    public static class ServedOverHttps implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("galaxyco.console.origins", ORIGIN);
        }
    }

    @Test
    void cookiesAreSecureHstsIsSentAndFormsComeFromTheConfiguredOriginOnly() {
        Response signedIn = given().redirects().follow(false).header("Origin", ORIGIN)
                .contentType("application/x-www-form-urlencoded").formParam("workspaceId", "org_a").post("/sign-in");
        signedIn.then().statusCode(303);
        String cookie = signedIn.getHeader("Set-Cookie");
        assertTrue(cookie.startsWith("__session=") && cookie.contains("Secure") && cookie.contains("HttpOnly"), cookie);
        given().get("/sign-in").then().header("Strict-Transport-Security", containsString("max-age="));
        // the request's own Host is no evidence: an Origin naming the Host the request was sent to is not the console's
        String host = "localhost:" + io.restassured.RestAssured.port;
        given().redirects().follow(false).header("Origin", "http://" + host).header("Sec-Fetch-Site", "same-origin")
                .post("/sign-out").then().statusCode(403).body(containsString("another site"));
        given().redirects().follow(false).header("Origin", ORIGIN).post("/sign-out").then().statusCode(303)
                .header("Set-Cookie", containsString("Secure"));
    }
}
