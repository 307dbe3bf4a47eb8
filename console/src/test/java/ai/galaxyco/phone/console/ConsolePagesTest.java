package ai.galaxyco.phone.console;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.galaxyco.phone.testsupport.TestTokens;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import org.junit.jupiter.api.Test;

/**
 * Signing in and the pages' refusals, over HTTP. The pages with the services behind them are tested in a real
 * browser by e2e-tests (ConsoleBrowserE2ETest), which also shows the packaged (prod) console has no local sign-in.
 */
@QuarkusTest
@QuarkusTestResource(ConsoleTestResource.class)
class ConsolePagesTest {

    static Response signIn(String workspaceId) {
        return fromThePage().contentType("application/x-www-form-urlencoded").formParam("workspaceId", workspaceId)
                .post("/sign-in");
    }

    /** A request as the console's own page sends it: a browser says the form is same-origin. */
    static io.restassured.specification.RequestSpecification fromThePage() {
        return given().redirects().follow(false).header("Sec-Fetch-Site", "same-origin");
    }

    @Test
    void withoutASessionEveryPageLeadsToSignIn() {
        given().redirects().follow(false).get("/w/org_a/usage").then().statusCode(303)
                .header("Location", containsString("/sign-in?reason=no_session"));
        given().redirects().follow(false).get("/").then().statusCode(303).header("Location", containsString("/sign-in"));
        // the local sign-in page (a development key is configured and this is not the prod profile)
        given().get("/sign-in").then().statusCode(200).body(containsString("name=\"workspaceId\""));
    }

    @Test
    void theLocalSignInPageSignsInAsTheChosenWorkspaceOnly() {
        Response answer = signIn("org_a");
        answer.then().statusCode(303).header("Location", containsString("/w/org_a/phone"));
        String cookie = answer.getHeader("Set-Cookie");
        assertTrue(cookie.startsWith("__session=") && cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"), cookie);
        String session = answer.getCookie("__session");
        given().cookie("__session", session).get("/w/org_a/usage").then().statusCode(200)
                .body(containsString("not available")).body(containsString("org_a"));
        given().cookie("__session", session).get("/w/org_b/usage").then().statusCode(403)
                .body(containsString("belongs to another workspace")).body(not(containsString("not available")));
        given().redirects().follow(false).cookie("__session", session).get("/").then().statusCode(303)
                .header("Location", containsString("/w/org_a/phone"));
        signIn("org a; drop").then().statusCode(400).body(containsString("A workspace id is letters"));
        fromThePage().post("/sign-out").then().statusCode(303).header("Set-Cookie", startsWith("__session=;"))
                .header("Location", containsString("/sign-in?reason=signed_out"));
    }

    @Test
    void theLocalSignInMintsAnAdminUnlessAMemberIsAskedFor() {
        assertTrue(claimsOf(signIn("org_a").getCookie("__session")).contains("\"org_role\":\"org:admin\""));
        String member = fromThePage().contentType("application/x-www-form-urlencoded")
                .formParam("workspaceId", "org_a").formParam("role", "org:member").post("/sign-in").getCookie("__session");
        assertTrue(claimsOf(member).contains("\"org_role\":\"org:member\""), claimsOf(member));
        // anything else asked for is not a role a sign-in can choose: the default applies
        String other = fromThePage().contentType("application/x-www-form-urlencoded")
                .formParam("workspaceId", "org_a").formParam("role", "org:owner").post("/sign-in").getCookie("__session");
        assertTrue(claimsOf(other).contains("\"org_role\":\"org:admin\""), claimsOf(other));
    }

    private static String claimsOf(String jwt) {
        return new String(java.util.Base64.getUrlDecoder().decode(jwt.split("\\.")[1]), java.nio.charset.StandardCharsets.UTF_8);
    }

    @Test
    void tokensTheServicesWouldRefuseAreNoSession() {
        for (String token : new String[] {TestTokens.forWorkspaceFromParty("org_a", "https://evil.example"),
                TestTokens.expiredForWorkspace("org_a"), TestTokens.unsigned("org_a"), "not-a-jwt"}) {
            given().redirects().follow(false).cookie("__session", token).get("/w/org_a/usage").then().statusCode(303)
                    .header("Location", containsString("/sign-in"));
        }
        // Clerk's v2 tokens carry the organisation as o.id; an Authorization header works as the cookie does
        given().auth().oauth2(TestTokens.forWorkspaceV2("org_v2")).get("/w/org_v2/usage").then().statusCode(200);
    }

    @Test
    void aServiceThatCannotBeReachedIsASentenceNotAStackTrace() {
        given().cookie("__session", TestTokens.forWorkspace("org_a")).get("/w/org_a/phone").then().statusCode(503)
                .contentType(startsWith("text/html")).body(containsString("cannot be reached right now"))
                .body(not(containsString("Exception")));
    }

    /** Issue 34: the calls page, its voicemail audio and its heard mark, with routing unreachable and without a session. */
    @Test
    void theCallsPageAndItsRecordingsAreSentencesWhenRoutingCannotBeReachedAndNeedASession() {
        for (String path : new String[] {"/w/org_a/calls", "/w/org_a/calls/7/recording"}) {
            given().cookie("__session", TestTokens.forWorkspace("org_a")).get(path).then().statusCode(503)
                    .contentType(startsWith("text/html")).body(containsString("cannot be reached right now"))
                    .body(not(containsString("Exception")));
            given().redirects().follow(false).get(path).then().statusCode(303).header("Location", containsString("/sign-in"));
        }
        given().cookie("__session", TestTokens.forWorkspace("org_b")).redirects().follow(false).get("/w/org_a/calls/7/recording")
                .then().statusCode(403);
        // marking heard changes something: a POST from the console's own page only
        given().redirects().follow(false).cookie("__session", TestTokens.forWorkspace("org_a")).get("/w/org_a/calls/7/heard").then()
                .statusCode(405);
        given().redirects().follow(false).cookie("__session", TestTokens.forWorkspace("org_a")).header("Sec-Fetch-Site", "cross-site")
                .post("/w/org_a/calls/7/heard").then().statusCode(403);
    }

    @Test
    void aDownloadWhoseServiceCannotBeReachedIsASentence() {
        given().cookie("__session", TestTokens.forWorkspace("org_a")).get("/w/org_a/usage.csv").then().statusCode(503)
                .contentType(startsWith("text/html")).body(containsString("cannot be reached right now"));
        given().redirects().follow(false).get("/w/org_a/usage.csv").then().statusCode(303)
                .header("Location", containsString("/sign-in"));
        given().redirects().follow(false).get("/ops/analytics/workspaces.csv").then().statusCode(303)
                .header("Location", containsString("/ops/sign-in"));
    }

    @Test
    void aFormPostedFromAnotherSiteIsRefused() {
        given().redirects().follow(false).cookie("__session", TestTokens.forWorkspace("org_a")).header("Origin", "https://evil.example")
                .contentType("application/x-www-form-urlencoded").formParam("label", "Main")
                .post("/w/org_a/phone/numbers/request").then().statusCode(403).body(containsString("another site"));
    }

    @Test
    void unknownPagesArePagesToo() {
        // a page, not the services' problem JSON: the console turns the kit core's problem mappers off
        given().get("/no-such-page").then().statusCode(404).contentType(startsWith("text/html"));
        given().get("/console.css").then().statusCode(200).contentType(startsWith("text/css"));
        given().get("/console.js").then().statusCode(200).body(containsString("followLive"));
        given().get("/favicon.svg").then().statusCode(200).contentType(startsWith("image/svg+xml"));
        given().get("/sign-in").then().body(containsString("<link rel=\"icon\" href=\"/favicon.svg\""));
    }

    @Test
    void theOperatorPageTakesServiceTokensOnlyAndShowsWhatItCouldNotRead() {
        given().redirects().follow(false).get("/ops").then().statusCode(303).header("Location", containsString("/ops/sign-in"));
        // a Clerk token is no operator session, in the operator cookie or as a bearer token
        given().redirects().follow(false).cookie("galaxyco_ops", TestTokens.forWorkspace("org_a")).get("/ops").then()
                .statusCode(303).header("Location", containsString("/ops/sign-in"));
        given().redirects().follow(false).auth().oauth2(TestTokens.clerkTokenClaimingServiceRole()).get("/ops").then()
                .statusCode(303);
        fromThePage().contentType("application/x-www-form-urlencoded")
                .formParam("token", TestTokens.forWorkspace("org_a")).post("/ops/sign-in").then().statusCode(401)
                .body(containsString("not a valid service token"));
        fromThePage().contentType("application/x-www-form-urlencoded")
                .formParam("token", TestTokens.longLivedServiceToken()).post("/ops/sign-in").then().statusCode(401);
        Response signedIn = fromThePage().contentType("application/x-www-form-urlencoded")
                .formParam("token", TestTokens.forService()).post("/ops/sign-in");
        signedIn.then().statusCode(303).header("Location", containsString("/ops"))
                .header("Set-Cookie", containsString("SameSite=Strict"));
        // no service answers here: every part of the page says so, and the page is still there
        given().cookie("galaxyco_ops", signedIn.getCookie("galaxyco_ops")).get("/ops").then().statusCode(200)
                .body(containsString("Workspaces whose provisioning failed"))
                .body(containsString("The provisioning service cannot be reached right now"))
                .body(containsString("The routing service cannot be reached right now"));
        // no service key of the stack's here: no one-click local operator
        fromThePage().post("/ops/sign-in/local").then().statusCode(404);
    }

    @Test
    void signInTakesOnlyWorkspaceIds() {
        signIn("").then().statusCode(400);
        signIn("org_" + "x".repeat(70)).then().statusCode(400).body(not(containsString("Exception")));
        signIn("org_ok-1").then().statusCode(303).header("Location", containsString("/w/org_ok-1/phone"));
    }

    /** Issue 33: every page says how it may be used, and is not cached (pages hold messages). */
    @Test
    void everyPageCarriesItsSecurityHeaders() {
        for (String page : new String[] {"/sign-in", "/no-such-page", "/ops/sign-in"}) {
            given().get(page).then()
                    .header("Content-Security-Policy", org.hamcrest.Matchers.equalTo("default-src 'self'; script-src 'self'; "
                            + "style-src 'self' 'unsafe-inline'; img-src 'self' data:; object-src 'none'; base-uri 'none'; "
                            + "form-action 'self'; frame-ancestors 'none'"))
                    .header("X-Content-Type-Options", "nosniff").header("Referrer-Policy", "same-origin")
                    .header("Cache-Control", "no-store").header("Strict-Transport-Security", org.hamcrest.Matchers.nullValue());
        }
        given().cookie("__session", TestTokens.forWorkspace("org_a")).get("/w/org_a/usage").then().statusCode(200)
                .header("Cache-Control", "no-store");
    }

    /** Issue 33: a state change must say it comes from the console's page; a GET changes nothing. */
    @Test
    void stateChangingRequestsMustSayWhereTheyComeFromAndGetChangesNothing() {
        given().redirects().follow(false).post("/sign-out").then().statusCode(403)
                .body(containsString("does not say where it comes from"));
        given().redirects().follow(false).header("Sec-Fetch-Site", "cross-site").post("/sign-out").then().statusCode(403);
        given().redirects().follow(false).header("Sec-Fetch-Site", "same-site").post("/sign-out").then().statusCode(403);
        fromThePage().post("/sign-out").then().statusCode(303);
        // signing out, opening a thread: POSTs; a GET of the old sign-out link signs nobody out
        given().redirects().follow(false).cookie("__session", TestTokens.forWorkspace("org_a")).get("/sign-out").then()
                .statusCode(405).header("Set-Cookie", org.hamcrest.Matchers.nullValue());
        given().redirects().follow(false).get("/w/org_a/conversations/c1/read").then().statusCode(405);
    }

    /** Issue 33: the sign-in pages show one of their own sentences for a reason code, never text from the link. */
    @Test
    void theReasonOnASignInPageIsOneOfItsOwnSentences() {
        given().get("/sign-in?reason=session_invalid").then().statusCode(200)
                .body(containsString("Your session is not valid or has expired. Sign in again."));
        given().get("/sign-in?reason=Your+account+is+locked.+Call+%2B19005550100").then().statusCode(200)
                .body(not(containsString("locked"))).body(not(containsString("19005550100")));
        given().get("/ops/sign-in?reason=token_invalid").then().statusCode(200)
                .body(containsString("That is not a valid service token, or it has expired."));
        given().get("/ops/sign-in?reason=%3Cb%3Ebold%3C%2Fb%3E").then().statusCode(200).body(not(containsString("bold")));
    }
}
