package ai.galaxyco.phone.console.api;

import ai.galaxyco.phone.console.backend.ApiProblem;
import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriBuilder;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/** Every failure of a page as a page with a sentence (never a stack trace or a service's raw JSON). */
public class ErrorPages {

    private static final org.jboss.logging.Logger LOG = org.jboss.logging.Logger.getLogger(ErrorPages.class);

    @CheckedTemplate
    static class Templates {
        static native TemplateInstance error(String title, String sentence, String workspaceId, String linkHref, String linkText);
    }

    private final SignInPage signIn;

    public ErrorPages(SignInPage signIn) {
        this.signIn = signIn;
    }

    @ServerExceptionMapper
    public Response signInRequired(SignedInUsers.SignInRequired e) {
        if (signIn.localSignInEnabled()) {
            return Response.seeOther(UriBuilder.fromPath("/sign-in").queryParam("reason", e.code).build()).build();
        }
        return page(401, "Sign in", "You are not signed in (" + e.getMessage() + "). Sign in through the GalaxyCo app.",
                null, "/sign-in", "Sign in");
    }

    @ServerExceptionMapper
    public Response operatorSignInRequired(Operators.OperatorSignInRequired e) {
        return Response.seeOther(UriBuilder.fromPath("/ops/sign-in").queryParam("reason", e.code).build()).build();
    }

    @ServerExceptionMapper
    public Response otherWorkspace(SignedInUsers.OtherWorkspace e) {
        return page(403, "Another workspace", "This page belongs to another workspace. You are signed in to "
                + e.signedInTo + ".", e.signedInTo, "/w/" + e.signedInTo + "/phone", "Go to your workspace");
    }

    @ServerExceptionMapper
    public Response apiProblem(ApiProblem e) {
        return page(e.status, "Something went wrong", e.sentence(), null, "/", "Back to the console");
    }

    /** Anything else is the console's own fault: logged with its stack trace, shown as a sentence. */
    @ServerExceptionMapper(priority = jakarta.ws.rs.Priorities.USER + 1000)
    public Response unexpected(RuntimeException e) {
        if (e instanceof jakarta.ws.rs.WebApplicationException web) {
            int status = web.getResponse().getStatus();
            return page(status, status == 404 ? "Not found" : "Refused", status == 404 ? "There is no such page."
                    : "The request was refused (" + status + ").", null, "/", "Back to the console");
        }
        LOG.error("page failed", e);
        return page(500, "Something went wrong", "The console failed to show this page; the error is logged. Try again "
                + "in a moment.", null, "/", "Back to the console");
    }

    private static Response page(int status, String title, String sentence, String workspaceId, String href, String text) {
        return Response.status(status).type(MediaType.TEXT_HTML_TYPE)
                .entity(Templates.error(title, sentence, workspaceId, href, text).render()).build();
    }
}
