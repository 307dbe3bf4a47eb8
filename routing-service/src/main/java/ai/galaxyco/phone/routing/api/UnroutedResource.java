package ai.galaxyco.phone.routing.api;

import ai.galaxyco.phone.kit.api.PageRequest;
import ai.galaxyco.phone.kit.api.WorkspaceAccess;
import ai.galaxyco.phone.model.api.Page;
import ai.galaxyco.phone.routing.domain.UnroutedMessage;
import ai.galaxyco.phone.model.values.MessageText;
import io.quarkus.security.Authenticated;
import jakarta.transaction.Transactional;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
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

    /** Newest first; the cursor is the last item's row id. */
    @GET
    @Transactional
    public Page<UnroutedView> list(@QueryParam("limit") Integer limit, @QueryParam("cursor") String cursor) {
        access.requireService();
        PageRequest page = PageRequest.of(limit, cursor, 1);
        List<UnroutedMessage> rows = page.first()
                ? UnroutedMessage.<UnroutedMessage>find("order by id desc").page(0, page.fetch()).list()
                : UnroutedMessage.<UnroutedMessage>find("id < ?1 order by id desc", page.longKey(0)).page(0, page.fetch()).list();
        return page.page(rows, u -> List.of(u.id.toString()), u -> new UnroutedView(u.providerSid, u.fromNumber, u.toNumber,
                u.channel, u.body, MessageText.fromOriginal(u.bodyOriginal), u.reason, u.receivedAt));
    }
}
