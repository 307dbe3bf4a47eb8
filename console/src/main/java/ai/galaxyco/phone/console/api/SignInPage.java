package ai.galaxyco.phone.console.api;

import ai.galaxyco.phone.console.backend.ApiProblem;
import ai.galaxyco.phone.console.backend.ServiceApis;
import ai.galaxyco.phone.console.backend.ServiceApis.Service;
import ai.galaxyco.phone.console.config.ConsoleConfig;
import ai.galaxyco.phone.console.domain.LocalTokens;
import ai.galaxyco.phone.kit.api.OrganizationRole;
import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.FormParam;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.NewCookie;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriBuilder;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * Signing in and out. In production Clerk's front end signs users in and sets the {@code __session} cookie; this
 * page then only says so. On a local stack (a development key given, and not the prod profile) it lists the
 * workspaces provisioning knows and signs in as one with a token made like {@code ./stack token}.
 */
// the console signs people in itself (SignedInUsers, Operators read the session cookie): Quarkus guards nothing here
@jakarta.annotation.security.PermitAll
@Path("/")
@Produces(MediaType.TEXT_HTML)
public class SignInPage {

    @CheckedTemplate
    static class Templates {
        static native TemplateInstance signIn(boolean local, List<WorkspaceChoice> workspaces, String reason, String error);
    }

    public record WorkspaceChoice(String workspaceId, String name, String plan, String status) {
    }

    private static final Logger LOG = Logger.getLogger(SignInPage.class);
    private static final Duration SESSION = Duration.ofHours(1);

    private final SignedInUsers users;
    private final ServiceApis apis;
    private final ConsoleConfig config;
    private final Clock clock;
    private final Optional<LocalTokens> userTokens;
    private final Optional<LocalTokens> serviceTokens;

    public SignInPage(SignedInUsers users, ServiceApis apis, ConsoleConfig config, Clock clock) {
        this.users = users;
        this.apis = apis;
        this.config = config;
        this.clock = clock;
        boolean local = config.localSignIn().enabled();
        if (!local && config.localSignIn().userKey().isPresent()) {
            LOG.warn("CONSOLE_LOCAL_SIGNING_KEY is ignored: local sign-in needs the local profile (QUARKUS_PROFILE=local); "
                    + "users sign in through Clerk");
        }
        this.userTokens = local ? config.localSignIn().userKey().map(LocalTokens::from) : Optional.empty();
        this.serviceTokens = local ? config.localSignIn().serviceKey().map(LocalTokens::from) : Optional.empty();
    }

    public boolean localSignInEnabled() {
        return userTokens.isPresent();
    }

    @GET
    public Response home(@Context HttpHeaders headers) {
        try {
            return Response.seeOther(UriBuilder.fromPath("/w/{w}/phone").build(users.current(headers).workspaceId())).build();
        } catch (SignedInUsers.SignInRequired e) {
            return Response.seeOther(UriBuilder.fromPath("/sign-in").build()).build();
        }
    }

    @GET
    @Path("sign-in")
    public TemplateInstance signIn(@QueryParam("reason") String reason) {
        return Templates.signIn(localSignInEnabled(), localSignInEnabled() ? knownWorkspaces() : List.of(),
                SignedInUsers.SignInRequired.sentenceOf(reason), null);
    }

    @POST
    @Path("sign-in")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response signInAs(@FormParam("workspaceId") String workspaceId, @FormParam("role") String role) {
        LocalTokens tokens = userTokens.orElseThrow(() -> new NotFoundException("local sign-in is not enabled"));
        if (workspaceId == null || !workspaceId.trim().matches("[A-Za-z0-9_\\-]{1,64}")) {
            return Response.status(400).entity(Templates.signIn(true, knownWorkspaces(), null,
                    "A workspace id is letters, digits, - and _, such as org_demo.")).build();
        }
        String id = workspaceId.trim();
        String party = config.authorizedParties().flatMap(p -> p.stream().sorted().findFirst()).orElse("http://localhost:3000");
        // an admin unless the member role is asked for, as ./stack token <workspace> [--role org:member]
        OrganizationRole as = OrganizationRole.MEMBER.clerkName().equals(role) ? OrganizationRole.MEMBER : OrganizationRole.ADMIN;
        String token = tokens.user(config.localSignIn().userIssuer(), party, id, as, clock.instant(), SESSION);
        return Response.seeOther(UriBuilder.fromPath("/w/{w}/phone").build(id)).cookie(session(token, SESSION)).build();
    }

    /** A POST (a form's button): a GET changes nothing, or any page could sign its visitor out with an image. */
    @POST
    @Path("sign-out")
    public Response signOut() {
        return Response.seeOther(UriBuilder.fromPath("/sign-in").queryParam("reason", "signed_out").build())
                .cookie(session("", Duration.ZERO)).build();
    }

    private NewCookie session(String token, Duration lifetime) {
        return new NewCookie.Builder(SignedInUsers.SESSION_COOKIE).value(token).path("/").httpOnly(true)
                .secure(config.servedOverHttps()).sameSite(NewCookie.SameSite.LAX).maxAge((int) lifetime.toSeconds()).build();
    }

    /** Every workspace provisioning knows, asked with a short service token; empty (free text only) without the key. */
    private List<WorkspaceChoice> knownWorkspaces() {
        if (serviceTokens.isEmpty()) {
            return List.of();
        }
        String token = serviceTokens.get().service(config.serviceIssuer(), List.of("provisioning-service"),
                clock.instant(), Duration.ofMinutes(5));
        List<WorkspaceChoice> choices = new ArrayList<>();
        try {
            JsonNode page = apis.get(Service.PROVISIONING, "/api/admin/workspaces?limit=200", token);
            for (JsonNode w : page.path("items")) {
                choices.add(new WorkspaceChoice(w.path("workspaceId").asText(), w.path("name").asText(null),
                        w.path("plan").asText(), w.path("status").asText()));
            }
        } catch (ApiProblem e) {
            LOG.warnf("cannot list the workspaces for the sign-in page: %s", e.getMessage());
        }
        return choices;
    }
}
