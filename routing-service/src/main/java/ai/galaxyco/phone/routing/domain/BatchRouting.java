package ai.galaxyco.phone.routing.domain;

import ai.galaxyco.phone.kit.messaging.AssignmentTable;
import ai.galaxyco.phone.model.events.InboundMessage;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import jakarta.transaction.Transactional.TxType;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.hibernate.Session;

/**
 * Routes a poll of inbound messages in a fixed number of statements instead of several per message. The common case,
 * a message to a workspace's dedicated number that is not a consent keyword, is written in bulk: the poll's stored
 * sids in one query, the owners of its numbers in one, and the rest by {@link InboundStore} (a multi-row conversation
 * upsert, two JDBC batches). Every other message (no owner, the shared number, STOP/START/HELP) goes through
 * {@link RoutingService#routeMessage} one by one, which holds those rules and stores through the same
 * {@link InboundStore}: one way to store a routed message, whichever path it takes.
 *
 * <p>Why: with one Hibernate transaction per poll, each message's native queries made Hibernate flush-check every
 * entity the poll had persisted so far, so a poll of n messages cost O(n²) (JFR: ~40% of routing's CPU in
 * {@code AbstractFlushingEventListener}), and identity ids made every insert its own round trip.
 */
@ApplicationScoped
@Transactional(TxType.MANDATORY)
public class BatchRouting {

    private final EntityManager em;
    private final RoutingService routing;
    private final InboundStore store;
    private final AssignmentTable assignments;
    private final Clock clock;
    private final MeterRegistry registry;

    public BatchRouting(EntityManager em, RoutingService routing, InboundStore store, AssignmentTable assignments, Clock clock,
            MeterRegistry registry) {
        this.em = em;
        this.routing = routing;
        this.store = store;
        this.assignments = assignments;
        this.clock = clock;
        this.registry = registry;
    }

    public void routeMessages(List<InboundMessage> messages) {
        if (messages.isEmpty()) {
            return;
        }
        Session session = em.unwrap(Session.class);
        Set<String> seen = session.doReturningWork(c -> storedSids(c, messages));
        Map<String, AssignmentTable.Assignment> owners = assignments.dedicatedOwners(messages.stream().map(m -> m.to().e164()).toList());
        List<InboundStore.Routed> bulk = new ArrayList<>(messages.size());
        int duplicates = 0;
        for (InboundMessage message : messages) {
            if (!seen.add(message.messageSid())) {
                duplicates++; // stored before, or earlier in this poll under another event id
                continue;
            }
            AssignmentTable.Assignment owner = owners.get(message.to().e164());
            if (owner == null || ConsentKeywords.classify(message.body()).isPresent()) {
                routing.routeMessage(message);
                continue;
            }
            Instant receivedAt = message.receivedAt() != null ? message.receivedAt() : clock.instant();
            // a dedicated number: its label is the event's label and the conversation's inbox alike
            bulk.add(new InboundStore.Routed(message, owner.workspaceId(), owner.label(), owner.label(), receivedAt));
        }
        store.store(bulk);
        if (duplicates > 0) {
            registry.counter("routing.messages", "outcome", "duplicate").increment(duplicates);
        }
    }

    private static Set<String> storedSids(Connection c, List<InboundMessage> messages) throws SQLException {
        String[] sids = messages.stream().map(InboundMessage::messageSid).distinct().toArray(String[]::new);
        Set<String> stored = new HashSet<>();
        try (PreparedStatement query = c.prepareStatement("select provider_sid from conversation_message where provider_sid = any(?) "
                + "union all select provider_sid from unrouted_message where provider_sid = any(?)")) {
            query.setArray(1, c.createArrayOf("text", sids));
            query.setArray(2, c.createArrayOf("text", sids));
            try (ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    stored.add(rows.getString(1));
                }
            }
        }
        return stored;
    }
}
