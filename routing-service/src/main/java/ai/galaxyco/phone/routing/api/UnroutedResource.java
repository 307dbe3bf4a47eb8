package ai.galaxyco.phone.routing.api;

import ai.galaxyco.phone.kit.api.WorkspaceAccess;
import ai.galaxyco.phone.routing.domain.UnroutedMessage;
import ai.galaxyco.phone.model.values.MessageText;
import io.quarkus.security.Authenticated;
import jakarta.transaction.Transactional;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.time.Instant;
import java.util.List;

/** Inbound messages that reached no workspace; for operators (service role only). */
@Path("/api/unrouted-messages")
@Produces(MediaType.APPLICATION_JSON)
@Authenticated
public class UnroutedResource {

    public record UnroutedView(String providerSid, String from, String to, String channel, String body, String originalBody,
            String reason, Instant receivedAt) {
    }

    private final WorkspaceAccess access;

    public UnroutedResource(WorkspaceAccess access) {
        this.access = access;
    }

    @GET
    @Transactional
    public List<UnroutedView> list() {
        access.requireService();
        return UnroutedMessage.<UnroutedMessage>find("order by id desc").page(0, 500).list().stream()
                .map(u -> new UnroutedView(u.providerSid, u.fromNumber, u.toNumber, u.channel, u.body,
                        MessageText.fromOriginal(u.bodyOriginal), u.reason, u.receivedAt))
                .toList();
    }
}
