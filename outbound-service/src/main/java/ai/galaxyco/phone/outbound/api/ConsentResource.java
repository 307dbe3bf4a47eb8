package ai.galaxyco.phone.outbound.api;

import ai.galaxyco.phone.kit.api.WorkspaceAccess;
import ai.galaxyco.phone.model.values.PhoneNumber;
import ai.galaxyco.phone.outbound.domain.SendRefused;
import ai.galaxyco.phone.outbound.domain.SenderDirectory;
import io.quarkus.security.Authenticated;
import jakarta.transaction.Transactional;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.time.Instant;
import java.util.List;

/**
 * Whether a contact may be written to from each of the workspace's numbers: opt-outs (STOP, or a carrier's 21610) hold
 * per pair of our number and the contact, so the console can disable its composer for the number chosen.
 */
@Path("/api/workspaces/{workspaceId}/contacts/{contact}/consent")
@Produces(MediaType.APPLICATION_JSON)
@Authenticated
public class ConsentResource {

    /** {@code optedOut} with where it came from ({@code keyword:STOP}, {@code signalwire:21610}) and since when. */
    public record NumberConsent(String phoneNumber, String label, boolean shared, boolean optedOut, String source, Instant since) {
    }

    public record ContactConsent(String contact, List<NumberConsent> numbers) {
    }

    private final WorkspaceAccess access;
    private final SenderDirectory senders;

    public ConsentResource(WorkspaceAccess access, SenderDirectory senders) {
        this.access = access;
        this.senders = senders;
    }

    @GET
    @Transactional
    public ContactConsent consent(@PathParam("workspaceId") String workspaceId, @PathParam("contact") String contact) {
        access.require(workspaceId);
        String e164;
        try {
            e164 = PhoneNumber.parse(contact).e164();
        } catch (IllegalArgumentException e) {
            throw new SendRefused(SendRefused.Reason.INVALID_REQUEST, "contact: " + e.getMessage());
        }
        List<NumberConsent> numbers = senders.sendersOf(workspaceId).stream().map(sender -> {
            var optOut = senders.optOutOf(sender.e164(), e164);
            return new NumberConsent(sender.e164(), sender.label(), sender.shared(), optOut.map(o -> o.optedOut()).orElse(false),
                    optOut.map(o -> o.source()).orElse(null), optOut.map(o -> o.updatedAt()).orElse(null));
        }).toList();
        return new ContactConsent(e164, numbers);
    }
}
