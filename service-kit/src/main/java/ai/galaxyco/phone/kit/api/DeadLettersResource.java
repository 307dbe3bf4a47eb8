package ai.galaxyco.phone.kit.api;

import ai.galaxyco.phone.kit.domain.AuditTrail;
import ai.galaxyco.phone.kit.messaging.DeadLetterStore.TopicSummary;
import ai.galaxyco.phone.kit.messaging.DeadLetterStore;
import ai.galaxyco.phone.model.api.Page;
import io.quarkus.security.Authenticated;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Operators' view of this service's dead letters (service role): list them per topic with cause and age, and
 * replay one or all unresolved ones to their source topic once the cause is fixed.
 */
@Path("/api/admin/dead-letters")
@Produces(MediaType.APPLICATION_JSON)
@Authenticated
public class DeadLettersResource {

    public record Replayed(String topic, int replayed) {
    }

    private final WorkspaceAccess access;
    private final DeadLetterStore store;
    private final AuditTrail audit;

    public DeadLettersResource(WorkspaceAccess access, DeadLetterStore store, AuditTrail audit) {
        this.access = access;
        this.store = store;
        this.audit = audit;
    }

    /**
     * Every dead-letter topic of this service, or one ({@code ?topic=inbound-messages}), each with its newest
     * {@code ?limit=} records; in the list envelope (a service has a handful of topics: one page holds them all).
     */
    @GET
    public Page<TopicSummary> list(@QueryParam("topic") String topic, @QueryParam("limit") Integer limit) {
        access.requireService();
        Optional<String> only = Optional.ofNullable(topic).filter(t -> !t.isBlank()).map(this::known);
        int max = limit == null ? 100 : limit;
        if (max < 1 || max > 1000) {
            throw new ProblemException(400, "invalid_request", "limit must be between 1 and 1000");
        }
        return new Page<>(store.list(only, max), null);
    }

    /**
     * Replays the unresolved dead letters of {@code topic} (source or dead-letter name), or with {@code ?partition=&offset=}
     * exactly that one.
     */
    @POST
    @Path("/{topic}/replay")
    public Replayed replay(@PathParam("topic") String topic, @QueryParam("partition") Integer partition,
            @QueryParam("offset") Long offset) {
        access.requireService();
        if ((partition == null) != (offset == null)) {
            throw new ProblemException(400, "invalid_request", "give both partition and offset to replay one record, or neither to replay all");
        }
        String dlq = known(topic);
        Replayed replayed = new Replayed(dlq, store.replay(dlq, Optional.ofNullable(partition), Optional.ofNullable(offset)));
        Map<String, Object> what = new LinkedHashMap<>();
        what.put("replayed", replayed.replayed());
        if (partition != null) {
            what.put("partition", partition);
            what.put("offset", offset);
        }
        audit.recordDone(null, "dead_letters.replay", dlq, null, what);
        return replayed;
    }

    private String known(String topic) {
        return store.deadLetterTopic(topic).orElseThrow(() -> new NotFoundException("this service has no dead-letter topic for "
                + topic + "; its topics are " + store.deadLetterTopics()));
    }
}
