package ai.galaxyco.phone.outbound.api;

import ai.galaxyco.phone.kit.api.WorkspaceAccess;
import ai.galaxyco.phone.kit.domain.AuditTrail;
import ai.galaxyco.phone.kit.domain.DestinationOverrides;
import ai.galaxyco.phone.model.api.DestinationCountries;
import ai.galaxyco.phone.model.values.DestinationPolicy;
import ai.galaxyco.phone.outbound.domain.MessageService;
import io.quarkus.security.Authenticated;
import jakarta.transaction.Transactional;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.time.Clock;
import java.util.Map;

/**
 * The countries a workspace may send messages to: members read them; only an operator (service role) sets the
 * workspace's own instead of MESSAGING_ALLOWED_COUNTRIES, or takes them back.
 */
@Path("/api")
@Produces(MediaType.APPLICATION_JSON)
@Authenticated
public class MessagingDestinationsResource {

    private final WorkspaceAccess access;
    private final DestinationOverrides overrides;
    private final MessageService messages;
    private final AuditTrail audit;
    private final Clock clock;

    public MessagingDestinationsResource(WorkspaceAccess access, DestinationOverrides overrides, MessageService messages,
            AuditTrail audit, Clock clock) {
        this.access = access;
        this.overrides = overrides;
        this.messages = messages;
        this.audit = audit;
        this.clock = clock;
    }

    @GET
    @Path("/workspaces/{workspaceId}/messaging-destinations")
    @Transactional
    public DestinationCountries get(@PathParam("workspaceId") String workspaceId) {
        access.require(workspaceId);
        return view(workspaceId);
    }

    /** {@code {"allowedCountries": ["US", "CA", "GB"]}}: the workspace's own, replacing MESSAGING_ALLOWED_COUNTRIES. */
    @PUT
    @Path("/admin/workspaces/{workspaceId}/messaging-destinations")
    @Consumes(MediaType.APPLICATION_JSON)
    @Transactional
    public DestinationCountries set(@PathParam("workspaceId") String workspaceId, DestinationCountries change) {
        access.requireService();
        DestinationPolicy policy = DestinationPolicy.of(change == null ? null : change.allowedCountries());
        return change(workspaceId, policy, "destinations.override");
    }

    @DELETE
    @Path("/admin/workspaces/{workspaceId}/messaging-destinations")
    @Transactional
    public DestinationCountries reset(@PathParam("workspaceId") String workspaceId) {
        access.requireService();
        return change(workspaceId, null, "destinations.reset");
    }

    private DestinationCountries change(String workspaceId, DestinationPolicy policy, String action) {
        DestinationCountries before = view(workspaceId);
        overrides.override(workspaceId, DestinationOverrides.Purpose.MESSAGING, policy, access.actor(), clock.instant());
        DestinationCountries after = view(workspaceId);
        audit.record(workspaceId, action, "messaging", fields(before), fields(after));
        return after;
    }

    private DestinationCountries view(String workspaceId) {
        DestinationOverrides.Effective effective = messages.destinationsOf(workspaceId);
        return new DestinationCountries(effective.countries(), effective.overridden());
    }

    private static Map<String, Object> fields(DestinationCountries countries) {
        return Map.of("allowedCountries", countries.allowedCountries(), "overridden", countries.overridden());
    }
}
