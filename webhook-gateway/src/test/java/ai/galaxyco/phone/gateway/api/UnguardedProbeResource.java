package ai.galaxyco.phone.gateway.api;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import org.eclipse.microprofile.openapi.annotations.Operation;

/**
 * Test only: an endpoint that states no guard, as a forgetful change would add one. With
 * deny-unannotated-endpoints it must be refused, never open (HostileInputTest).
 */
@Path("/test-only/unguarded")
public class UnguardedProbeResource {

    @GET
    @Operation(hidden = true)
    public String open() {
        return "open to anyone";
    }
}
