package ai.galaxyco.phone.outbound.api;

import ai.galaxyco.phone.kit.api.PageRequest;
import ai.galaxyco.phone.kit.api.ProblemException;
import ai.galaxyco.phone.kit.api.WorkspaceAccess;
import ai.galaxyco.phone.kit.domain.AuditTrail;
import ai.galaxyco.phone.model.api.Page;
import ai.galaxyco.phone.outbound.domain.OutboundMessage;
import ai.galaxyco.phone.outbound.domain.PumpingGuard;
import ai.galaxyco.phone.outbound.domain.ResultPublisher;
import io.quarkus.security.Authenticated;
import jakarta.transaction.Transactional;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * Operators (service role) review the messages the pumping guard held: list them, release the legitimate ones (they
 * are sent in their turn) or reject the rest (they fail, never sent).
 */
@Path("/api/admin/messages/held-for-review")
@Produces(MediaType.APPLICATION_JSON)
@Authenticated
public class HeldForReviewResource {

    public record HeldMessage(String id, String workspaceId, String from, String to, String range, Instant createdAt) {
    }

    /** A workspace's held messages (in one {@code range}, if given), or the {@code messageIds} named. */
    public record Decision(String workspaceId, String range, List<String> messageIds) {
    }

    public record Outcome(int released, int rejected) {
    }

    private final WorkspaceAccess access;
    private final PumpingGuard guard;
    private final ResultPublisher results;
    private final AuditTrail audit;
    private final Clock clock;

    public HeldForReviewResource(WorkspaceAccess access, PumpingGuard guard, ResultPublisher results, AuditTrail audit, Clock clock) {
        this.access = access;
        this.audit = audit;
        this.guard = guard;
        this.results = results;
        this.clock = clock;
    }

    /** Oldest first; {@code workspaceId} narrows it to one workspace. */
    @GET
    @Transactional
    public Page<HeldMessage> list(@QueryParam("workspaceId") String workspaceId, @QueryParam("limit") Integer limit,
            @QueryParam("cursor") String cursor) {
        access.requireService();
        PageRequest page = PageRequest.of(limit, cursor, 2);
        StringBuilder query = new StringBuilder("status = ?1 and heldReason = ?2");
        List<Object> parameters = new java.util.ArrayList<>(List.of(ai.galaxyco.phone.model.values.MessageStatus.QUEUED,
                PumpingGuard.HELD_FOR_REVIEW));
        if (workspaceId != null && !workspaceId.isBlank()) {
            parameters.add(workspaceId);
            query.append(" and workspaceId = ?").append(parameters.size());
        }
        if (!page.first()) {
            parameters.add(Instant.parse(page.after().get(0)));
            parameters.add(UUID.fromString(page.after().get(1)));
            query.append(" and (createdAt > ?").append(parameters.size() - 1).append(" or (createdAt = ?")
                    .append(parameters.size() - 1).append(" and id > ?").append(parameters.size()).append("))");
        }
        List<OutboundMessage> rows = OutboundMessage.<OutboundMessage>find(query + " order by createdAt, id", parameters.toArray())
                .page(0, page.fetch()).list();
        return page.page(rows, m -> List.of(m.createdAt.toString(), m.id.toString()),
                m -> new HeldMessage(m.id.toString(), m.workspaceId, m.fromNumber, m.toNumber, m.recipientRange, m.createdAt));
    }

    @POST
    @Path("/release")
    @Consumes(MediaType.APPLICATION_JSON)
    @Transactional
    public Outcome release(Decision decision) {
        access.requireService();
        List<OutboundMessage> released = guard.release(selection(decision), clock.instant());
        recordPerWorkspace("held_messages.release", released);
        return new Outcome(released.size(), 0);
    }

    @POST
    @Path("/reject")
    @Consumes(MediaType.APPLICATION_JSON)
    @Transactional
    public Outcome reject(Decision decision) {
        access.requireService();
        List<OutboundMessage> rejected = guard.reject(selection(decision), clock.instant(), results);
        recordPerWorkspace("held_messages.reject", rejected);
        return new Outcome(0, rejected.size());
    }

    /** One audit record per workspace whose messages the operator decided on, naming the messages and their ranges. */
    private void recordPerWorkspace(String action, List<OutboundMessage> decided) {
        decided.stream().collect(java.util.stream.Collectors.groupingBy(m -> m.workspaceId, java.util.TreeMap::new,
                java.util.stream.Collectors.toList())).forEach((workspaceId, messages) -> audit.record(workspaceId, action,
                        messages.stream().map(m -> m.recipientRange).distinct().sorted().collect(java.util.stream.Collectors.joining(",")),
                        java.util.Map.of("heldReason", PumpingGuard.HELD_FOR_REVIEW),
                        java.util.Map.of("messages", messages.stream().map(m -> m.id.toString()).toList())));
    }

    private static PumpingGuard.Selection selection(Decision decision) {
        boolean byWorkspace = decision != null && decision.workspaceId() != null && !decision.workspaceId().isBlank();
        boolean byIds = decision != null && decision.messageIds() != null && !decision.messageIds().isEmpty();
        if (!byWorkspace && !byIds) {
            throw new ProblemException(400, "invalid_request", "send {\"workspaceId\": \"org_...\", \"range\": \"1415555\"} "
                    + "(range optional) or {\"messageIds\": [\"...\"]}");
        }
        List<UUID> ids = null;
        if (byIds) {
            try {
                ids = decision.messageIds().stream().map(UUID::fromString).toList();
            } catch (IllegalArgumentException e) {
                throw new ProblemException(400, "invalid_request", "messageIds are message ids as POST .../messages returned them");
            }
        }
        return new PumpingGuard.Selection(byWorkspace ? decision.workspaceId() : null,
                decision.range() == null || decision.range().isBlank() ? null : decision.range().strip(), ids);
    }
}
