package ai.galaxyco.phone.console.api;

import static ai.galaxyco.phone.console.api.PhonePage.encode;

import ai.galaxyco.phone.console.api.Operators.Operator;
import ai.galaxyco.phone.console.backend.ApiProblem;
import ai.galaxyco.phone.console.backend.ServiceApis;
import ai.galaxyco.phone.console.backend.ServiceApis.Service;
import ai.galaxyco.phone.console.config.ConsoleConfig;
import ai.galaxyco.phone.console.domain.LocalTokens;
import ai.galaxyco.phone.console.domain.Operations.Change;
import ai.galaxyco.phone.console.domain.Operations.DeadLetterTopic;
import ai.galaxyco.phone.console.domain.Operations.HeldGroup;
import ai.galaxyco.phone.console.domain.Operations.FailedWorkspace;
import ai.galaxyco.phone.console.domain.Operations.Orphan;
import ai.galaxyco.phone.console.domain.Operations.Pass;
import ai.galaxyco.phone.console.domain.Operations.Section;
import ai.galaxyco.phone.console.domain.Operations.Unrouted;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.FormParam;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
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
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The operator page ({@code /ops}, service tokens only): workspaces whose provisioning failed (Retry), reconciliation
 * passes the safety brake refused (Confirm), quarantined numbers, unrouted messages, and every service's dead letters
 * (Replay). Each part is read on its own, so one service being down leaves the others on the page.
 */
// the console signs people in itself (SignedInUsers, Operators read the session cookie): Quarkus guards nothing here
@jakarta.annotation.security.PermitAll
@Path("/ops")
@Produces(MediaType.TEXT_HTML)
public class OpsPage {

    @CheckedTemplate
    static class Templates {
        static native TemplateInstance ops(Section<FailedWorkspace> failed, Section<Pass> passes, Section<Orphan> orphans,
                Section<Unrouted> unrouted, Section<HeldGroup> held, Section<DeadLetterTopic> deadLetters, Section<Change> changes,
                String notice, String error);

        static native TemplateInstance opsSignIn(boolean local, String reason, String error);
    }

    /** The services whose operator endpoints the page reads, with the names their dead letters are shown under. */
    private static final Map<Service, String> SERVICES = Map.of(Service.PROVISIONING, "provisioning-service",
            Service.ROUTING, "routing-service", Service.OUTBOUND, "outbound-service", Service.ANALYTICS, "analytics-service");
    private static final Duration LOCAL_SESSION = Duration.ofMinutes(10);
    private static final Map<String, String> NOTICES = Map.of(
            "retrying", "Retrying the purchase now.",
            "confirmed", "Confirmed: a reconciliation pass ran with the brake lifted.",
            "replayed", "The dead letters were sent back to their topic.",
            "released", "Released: the held messages are sent in their turn.",
            "rejected", "Rejected: the held messages failed and are never sent.");

    private final Operators operators;
    private final ServiceApis apis;
    private final ObjectMapper json;
    private final ConsoleConfig config;
    private final Optional<LocalTokens> localServiceTokens;
    private final Clock clock;

    public OpsPage(Operators operators, ServiceApis apis, ObjectMapper json, ConsoleConfig config, Clock clock) {
        this.clock = clock;
        this.operators = operators;
        this.apis = apis;
        this.json = json;
        this.config = config;
        this.localServiceTokens = config.localSignIn().enabled() ? config.localSignIn().serviceKey().map(LocalTokens::from)
                : Optional.empty();
    }

    @GET
    public TemplateInstance page(@QueryParam("notice") String notice, @Context HttpHeaders headers) {
        return render(operators.current(headers), notice == null ? null : NOTICES.get(notice), null);
    }

    @POST
    @Path("/workspaces/{workspaceId}/retry")
    public Response retry(@PathParam("workspaceId") String workspaceId, @Context HttpHeaders headers) {
        Operator operator = operators.current(headers);
        return act(operator, "retrying", () -> apis.send(Service.PROVISIONING, "POST",
                "/api/workspaces/" + encode(workspaceId) + "/numbers/retry", operator.token(), null));
    }

    @POST
    @Path("/reconciliation/{passId}/confirm")
    public Response confirm(@PathParam("passId") String passId, @Context HttpHeaders headers) {
        Operator operator = operators.current(headers);
        return act(operator, "confirmed", () -> apis.send(
                Service.PROVISIONING, "POST", "/api/admin/reconciliation/" + encode(passId) + "/confirm", operator.token(), null));
    }

    @POST
    @Path("/dead-letters/{service}/{topic}/replay")
    public Response replay(@PathParam("service") String service, @PathParam("topic") String topic, @Context HttpHeaders headers) {
        Operator operator = operators.current(headers);
        Service target = SERVICES.entrySet().stream().filter(e -> e.getValue().equals(service)).map(Map.Entry::getKey)
                .findFirst().orElseThrow(NotFoundException::new);
        return act(operator, "replayed", () -> apis.send(target, "POST",
                "/api/admin/dead-letters/" + encode(topic) + "/replay", operator.token(), null));
    }

    /** The pumping guard's held messages of one workspace and range: {@code decision} is release or reject. */
    @POST
    @Path("/held/{workspaceId}/{range}/{decision}")
    public Response decide(@PathParam("workspaceId") String workspaceId, @PathParam("range") String range,
            @PathParam("decision") String decision, @Context HttpHeaders headers) {
        Operator operator = operators.current(headers);
        if (!decision.equals("release") && !decision.equals("reject")) {
            throw new NotFoundException();
        }
        return act(operator, decision + "d", () -> apis.send(Service.OUTBOUND, "POST",
                "/api/admin/messages/held-for-review/" + decision, operator.token(), Map.of("workspaceId", workspaceId, "range", range)));
    }

    /** The month's per-workspace cost table as a CSV download (analytics' export, with the operator's token). */
    @GET
    @Path("/analytics/workspaces.csv")
    public Response workspacesCsv(@QueryParam("month") String month, @QueryParam("sort") String sort,
            @Context HttpHeaders headers) {
        Operator operator = operators.current(headers);
        String chosen = month == null || month.isBlank() ? java.time.YearMonth.now(java.time.ZoneOffset.UTC).toString() : month;
        return UsageDownload.passOn(apis.download(Service.ANALYTICS, "/api/analytics/workspaces.csv?month=" + encode(chosen)
                + (sort == null || sort.isBlank() ? "" : "&sort=" + encode(sort)), operator.token()));
    }

    @GET
    @Path("/sign-in")
    public TemplateInstance signIn(@QueryParam("reason") String reason) {
        return Templates.opsSignIn(localServiceTokens.isPresent(), Operators.OperatorSignInRequired.sentenceOf(reason), null);
    }

    /** A service token pasted by the operator (minted by the platform's own tooling), kept in the operator cookie. */
    @POST
    @Path("/sign-in")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response signInWith(@FormParam("token") String token) {
        if (token == null || token.isBlank()) {
            return Response.status(400).entity(Templates.opsSignIn(localServiceTokens.isPresent(), null,
                    "Paste a service token.")).build();
        }
        try {
            operators.verify(token.trim());
        } catch (Operators.OperatorSignInRequired e) {
            return Response.status(401).entity(Templates.opsSignIn(localServiceTokens.isPresent(), null,
                    "That is " + e.getMessage() + ".")).build();
        }
        return Response.seeOther(UriBuilder.fromPath("/ops").build()).cookie(session(token.trim(), Operators.MAX_LIFETIME)).build();
    }

    /** Local stacks only: a ten-minute service token for every service, made with the stack's service key. */
    @POST
    @Path("/sign-in/local")
    public Response signInLocally() {
        LocalTokens tokens = localServiceTokens.orElseThrow(() -> new NotFoundException("local sign-in is not enabled"));
        String token = tokens.service(config.serviceIssuer(), List.copyOf(SERVICES.values()), clock.instant(), LOCAL_SESSION);
        return Response.seeOther(UriBuilder.fromPath("/ops").build()).cookie(session(token, LOCAL_SESSION)).build();
    }

    /** A POST (a form's button): a GET changes nothing. */
    @POST
    @Path("/sign-out")
    public Response signOut() {
        return Response.seeOther(UriBuilder.fromPath("/ops/sign-in").queryParam("reason", "signed_out").build())
                .cookie(session("", Duration.ZERO)).build();
    }

    private NewCookie session(String token, Duration lifetime) {
        return new NewCookie.Builder(Operators.OPERATOR_COOKIE).value(token).path("/").httpOnly(true)
                .secure(config.servedOverHttps()).sameSite(NewCookie.SameSite.STRICT).maxAge((int) lifetime.toSeconds())
                .build();
    }

    private Response act(Operator operator, String notice, Runnable call) {
        try {
            call.run();
        } catch (ApiProblem problem) {
            return Response.status(problem.status).entity(render(operator, null, problem.sentence())).build();
        }
        return Response.seeOther(UriBuilder.fromPath("/ops").queryParam("notice", notice).build()).build();
    }

    private TemplateInstance render(Operator operator, String notice, String error) {
        String token = operator.token();
        Section<FailedWorkspace> failed = section(() -> items(apis.get(Service.PROVISIONING,
                "/api/admin/workspaces?status=FAILED&limit=200", token), FailedWorkspace.class));
        Section<Pass> passes = section(() -> items(apis.get(Service.PROVISIONING, "/api/admin/reconciliation?limit=10", token),
                Pass.class));
        Section<Orphan> orphans = section(() -> items(apis.get(Service.PROVISIONING, "/api/admin/numbers/orphaned?limit=200", token),
                Orphan.class));
        Section<Unrouted> unrouted = section(() -> items(apis.get(Service.ROUTING, "/api/unrouted-messages?limit=20", token),
                Unrouted.class));
        Section<DeadLetterTopic> deadLetters = section(() -> {
            List<DeadLetterTopic> topics = new ArrayList<>();
            for (var service : List.of(Service.PROVISIONING, Service.ROUTING, Service.OUTBOUND, Service.ANALYTICS)) {
                for (JsonNode topic : apis.get(service, "/api/admin/dead-letters?limit=1", token).path("items")) {
                    topics.add(new DeadLetterTopic(SERVICES.get(service), topic.path("topic").asText(), topic.path("total").asInt(),
                            topic.path("pending").asInt()));
                }
            }
            return topics;
        });
        Section<HeldGroup> held = section(() -> heldGroups(apis.get(Service.OUTBOUND,
                "/api/admin/messages/held-for-review?limit=200", token)));
        Section<Change> changes = section(() -> {
            List<Change> recent = new ArrayList<>();
            for (var service : List.of(Service.PROVISIONING, Service.OUTBOUND)) {
                for (JsonNode entry : apis.get(service, "/api/admin/audit?limit=20", token).path("items")) {
                    recent.add(new Change(SERVICES.get(service), Instant.parse(entry.path("at").asText()),
                            entry.path("workspaceId").asText(null), entry.path("actor").asText(), entry.path("actorRole").asText(),
                            entry.path("action").asText(), entry.path("subject").asText(null)));
                }
            }
            recent.sort(Comparator.comparing(Change::at).reversed());
            return recent.subList(0, Math.min(20, recent.size()));
        });
        return Templates.ops(failed, passes, orphans, unrouted, held, deadLetters, changes, notice, error);
    }

    /** The held messages (oldest first) as one row per workspace and range, in the order their oldest was held. */
    private static List<HeldGroup> heldGroups(JsonNode page) {
        Map<List<String>, HeldGroup> groups = new java.util.LinkedHashMap<>();
        for (JsonNode message : page.path("items")) {
            List<String> key = List.of(message.path("workspaceId").asText(), message.path("range").asText());
            HeldGroup known = groups.get(key);
            groups.put(key, known == null ? new HeldGroup(key.get(0), key.get(1), 1, Instant.parse(message.path("createdAt").asText()))
                    : new HeldGroup(key.get(0), key.get(1), known.messages() + 1, known.oldest()));
        }
        return List.copyOf(groups.values());
    }

    private <T> List<T> items(JsonNode page, Class<T> type) {
        List<T> items = new ArrayList<>();
        page.path("items").forEach(item -> items.add(json.convertValue(item, type)));
        return items;
    }

    private static <T> Section<T> section(Supplier<List<T>> read) {
        try {
            return Section.of(read.get());
        } catch (ApiProblem problem) {
            return Section.failed(problem.sentence());
        }
    }
}
