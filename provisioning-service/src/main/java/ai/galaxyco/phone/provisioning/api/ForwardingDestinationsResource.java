package ai.galaxyco.phone.provisioning.api;

import ai.galaxyco.phone.kit.api.WorkspaceAccess;
import ai.galaxyco.phone.kit.domain.DestinationOverrides.Effective;
import ai.galaxyco.phone.model.api.DestinationCountries;
import ai.galaxyco.phone.provisioning.domain.ForwardingDestinations;
import io.quarkus.security.Authenticated;
import jakarta.transaction.Transactional;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

/** The countries a workspace's calls may be forwarded to, for its members; operators set them (ForwardingDestinationsAdminResource). */
@Path("/api/workspaces/{workspaceId}/forwarding-destinations")
@Produces(MediaType.APPLICATION_JSON)
@Authenticated
public class ForwardingDestinationsResource {

    private final WorkspaceAccess access;
    private final ForwardingDestinations destinations;

    public ForwardingDestinationsResource(WorkspaceAccess access, ForwardingDestinations destinations) {
        this.access = access;
        this.destinations = destinations;
    }

    @GET
    @Transactional
    public DestinationCountries get(@PathParam("workspaceId") String workspaceId) {
        access.require(workspaceId);
        return view(destinations.of(workspaceId));
    }

    static DestinationCountries view(Effective effective) {
        return new DestinationCountries(effective.countries(), effective.overridden());
    }
}
