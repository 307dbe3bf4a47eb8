package ai.galaxyco.phone.provisioning.api;

import ai.galaxyco.phone.kit.api.WorkspaceAccess;
import ai.galaxyco.phone.kit.domain.AuditTrail;
import ai.galaxyco.phone.model.api.DestinationCountries;
import ai.galaxyco.phone.model.values.DestinationPolicy;
import ai.galaxyco.phone.provisioning.domain.ForwardingDestinations;
import io.quarkus.security.Authenticated;
import jakarta.transaction.Transactional;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.time.Clock;
import java.util.Map;

/**
 * Operators (service role) set the countries one workspace's calls may be forwarded to, instead of
 * FORWARDING_ALLOWED_COUNTRIES, or take them back; a tenant cannot. The gateway follows through the assignments.
 */
@Path("/api/admin/workspaces/{workspaceId}/forwarding-destinations")
@Produces(MediaType.APPLICATION_JSON)
@Authenticated
public class ForwardingDestinationsAdminResource {

    private final WorkspaceAccess access;
    private final ForwardingDestinations destinations;
    private final AuditTrail audit;
    private final Clock clock;

    public ForwardingDestinationsAdminResource(WorkspaceAccess access, ForwardingDestinations destinations, AuditTrail audit,
            Clock clock) {
        this.access = access;
        this.destinations = destinations;
        this.audit = audit;
        this.clock = clock;
    }

    /** {@code {"allowedCountries": ["US", "CA", "GB"]}}. */
    @PUT
    @Consumes(MediaType.APPLICATION_JSON)
    @Transactional
    public DestinationCountries set(@PathParam("workspaceId") String workspaceId, DestinationCountries change) {
        access.requireService();
        return change(workspaceId, DestinationPolicy.of(change == null ? null : change.allowedCountries()), "destinations.override");
    }

    @DELETE
    @Transactional
    public DestinationCountries reset(@PathParam("workspaceId") String workspaceId) {
        access.requireService();
        return change(workspaceId, null, "destinations.reset");
    }

    private DestinationCountries change(String workspaceId, DestinationPolicy policy, String action) {
        DestinationCountries before = ForwardingDestinationsResource.view(destinations.of(workspaceId));
        destinations.change(workspaceId, policy, access.actor(), clock.instant());
        DestinationCountries after = ForwardingDestinationsResource.view(destinations.of(workspaceId));
        audit.record(workspaceId, action, "forwarding", Map.of("allowedCountries", before.allowedCountries(), "overridden",
                before.overridden()), Map.of("allowedCountries", after.allowedCountries(), "overridden", after.overridden()));
        return after;
    }
}
