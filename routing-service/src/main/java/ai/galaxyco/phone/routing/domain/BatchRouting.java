package ai.galaxyco.phone.routing.domain;

import ai.galaxyco.phone.kit.messaging.Outbox;
import ai.galaxyco.phone.model.EventJson;
import ai.galaxyco.phone.model.Topics;
import ai.galaxyco.phone.model.events.InboundMessage;
import ai.galaxyco.phone.model.events.RoutedMessage;
import ai.galaxyco.phone.model.values.Channel;
import ai.galaxyco.phone.model.values.MessageText;
import ai.galaxyco.phone.model.values.WorkspaceId;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import jakarta.transaction.Transactional.TxType;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.hibernate.Session;

/**
 * Routes a poll of inbound messages in a fixed number of statements instead of several per message. The common case,
 * a message to a workspace's dedicated number that is not a consent keyword, is written in bulk: the poll's stored
 * sids in one query, the owners of its numbers in one, its conversations in one multi-row upsert, its messages and
 * its routed events as two JDBC batches. Every other message (no owner, the shared number, STOP/START/HELP) goes
 * through {@link RoutingService#routeMessage} one by one, which holds those rules. Same rows, same events as routing
 * each message alone (RoutingServiceTest and the consumer tests run both paths).
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
    private final Outbox outbox;
    private final Clock clock;
    private final MeterRegistry registry;

    public BatchRouting(EntityManager em, RoutingService routing, Outbox outbox, Clock clock, MeterRegistry registry) {
        this.em = em;
        this.routing = routing;
        this.outbox = outbox;
        this.clock = clock;
        this.registry = registry;
    }

    /** A dedicated number's owner and label. */
    private record Owner(String workspaceId, String label) {
    }

    /** One conversation of the poll: its key columns and the span of its messages' times. */
    private static final class PollConversation {
        final String workspaceId;
        final String ourNumber;
        final String contact;
        final String channel;
        final String inbox;
        Instant first;
        Instant last;
        UUID id;

        PollConversation(String workspaceId, String ourNumber, String contact, String channel, String inbox, Instant at) {
            this.workspaceId = workspaceId;
            this.ourNumber = ourNumber;
            this.contact = contact;
            this.channel = channel;
            this.inbox = inbox;
            this.first = at;
            this.last = at;
        }
    }

    private record Routed(InboundMessage message, Owner owner, PollConversation thread, Instant receivedAt) {
    }

    public void routeMessages(List<InboundMessage> messages) {
        if (messages.isEmpty()) {
            return;
        }
        Session session = em.unwrap(Session.class);
        Set<String> seen = session.doReturningWork(c -> storedSids(c, messages));
        Map<String, Owner> owners = session.doReturningWork(c -> dedicatedOwners(c, messages));
        Map<String, PollConversation> threads = new LinkedHashMap<>();
        List<Routed> bulk = new ArrayList<>(messages.size());
        int duplicates = 0;
        for (InboundMessage message : messages) {
            if (!seen.add(message.messageSid())) {
                duplicates++; // stored before, or earlier in this poll under another event id
                continue;
            }
            Owner owner = owners.get(message.to().e164());
            if (owner == null || ConsentKeywords.classify(message.body()).isPresent()) {
                routing.routeMessage(message);
                continue;
            }
            Instant receivedAt = message.receivedAt() != null ? message.receivedAt() : clock.instant();
            String channel = message.channel() == Channel.MMS ? Channel.SMS.name() : message.channel().name(); // one thread for SMS and MMS
            PollConversation thread = threads.computeIfAbsent(threadKey(owner.workspaceId(), message.to().e164(),
                    message.from().e164(), channel), k -> new PollConversation(owner.workspaceId(), message.to().e164(),
                    message.from().e164(), channel, owner.label(), receivedAt));
            thread.first = thread.first.isBefore(receivedAt) ? thread.first : receivedAt;
            thread.last = thread.last.isAfter(receivedAt) ? thread.last : receivedAt;
            bulk.add(new Routed(message, owner, thread, receivedAt));
        }
        if (!bulk.isEmpty()) {
            session.doWork(c -> {
                upsertConversations(c, threads);
                insertMessages(c, bulk);
            });
            List<Outbox.Keyed<RoutedMessage>> events = new ArrayList<>(bulk.size());
            for (Routed r : bulk) {
                InboundMessage m = r.message();
                events.add(new Outbox.Keyed<>(r.owner().workspaceId(), new RoutedMessage(m.messageSid(), WorkspaceId.of(r.owner().workspaceId()),
                        r.thread().id.toString(), m.to(), r.owner().label(), m.from(), m.channel(), m.body(), m.media(), r.receivedAt())));
            }
            outbox.publishAll(Topics.ROUTED_MESSAGES, events);
            registry.counter("routing.messages", "outcome", "routed").increment(bulk.size());
        }
        if (duplicates > 0) {
            registry.counter("routing.messages", "outcome", "duplicate").increment(duplicates);
        }
    }

    /** A conversation's unique key (workspace, our number, contact, channel) within a poll. */
    private static String threadKey(String workspaceId, String ourNumber, String contact, String channel) {
        return workspaceId + '|' + ourNumber + '|' + contact + '|' + channel;
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

    private static Map<String, Owner> dedicatedOwners(Connection c, List<InboundMessage> messages) throws SQLException {
        String[] numbers = messages.stream().map(m -> m.to().e164()).distinct().toArray(String[]::new);
        Map<String, Owner> owners = new HashMap<>();
        // as AssignmentTable#dedicatedOwner: the shared number is never a dedicated owner
        try (PreparedStatement query = c.prepareStatement("select assignment_key, workspace_id, label from number_assignment "
                + "where assignment_key = any(?) and not shared")) {
            query.setArray(1, c.createArrayOf("text", numbers));
            try (ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    owners.put(rows.getString(1), new Owner(rows.getString(2), rows.getString(3)));
                }
            }
        }
        return owners;
    }

    /** One statement for the poll's conversations; each gets its id back (new or existing). */
    private static void upsertConversations(Connection c, Map<String, PollConversation> threads) throws SQLException {
        int n = threads.size();
        UUID[] ids = new UUID[n];
        String[] workspaces = new String[n];
        String[] contacts = new String[n];
        String[] numbers = new String[n];
        String[] channels = new String[n];
        String[] inboxes = new String[n];
        Timestamp[] firsts = new Timestamp[n];
        Timestamp[] lasts = new Timestamp[n];
        int i = 0;
        for (PollConversation t : threads.values()) {
            ids[i] = UUID.randomUUID();
            workspaces[i] = t.workspaceId;
            contacts[i] = t.contact;
            numbers[i] = t.ourNumber;
            channels[i] = t.channel;
            inboxes[i] = t.inbox;
            firsts[i] = Timestamp.from(t.first);
            lasts[i] = Timestamp.from(t.last);
            i++;
        }
        // as RoutingService#conversation, for many threads at once (the keys are distinct, as a multi-row upsert needs)
        try (PreparedStatement upsert = c.prepareStatement("insert into conversation (id, workspace_id, contact, our_number, channel, "
                + "created_at, last_message_at, inbox, last_inbound_at) "
                + "select * from unnest(?::uuid[], ?::text[], ?::text[], ?::text[], ?::text[], ?::timestamptz[], ?::timestamptz[], "
                + "?::text[], ?::timestamptz[]) "
                + "on conflict (workspace_id, our_number, contact, channel) do update "
                + "set last_message_at = greatest(conversation.last_message_at, excluded.last_message_at), "
                + "last_inbound_at = greatest(conversation.last_inbound_at, excluded.last_inbound_at) "
                + "returning id, workspace_id, our_number, contact, channel")) {
            upsert.setArray(1, c.createArrayOf("uuid", ids));
            upsert.setArray(2, c.createArrayOf("text", workspaces));
            upsert.setArray(3, c.createArrayOf("text", contacts));
            upsert.setArray(4, c.createArrayOf("text", numbers));
            upsert.setArray(5, c.createArrayOf("text", channels));
            upsert.setArray(6, c.createArrayOf("timestamptz", firsts));
            upsert.setArray(7, c.createArrayOf("timestamptz", lasts));
            upsert.setArray(8, c.createArrayOf("text", inboxes));
            upsert.setArray(9, c.createArrayOf("timestamptz", lasts));
            try (ResultSet rows = upsert.executeQuery()) {
                while (rows.next()) {
                    threads.get(threadKey(rows.getString(2), rows.getString(3), rows.getString(4), rows.getString(5))).id =
                            rows.getObject(1, UUID.class);
                }
            }
        }
    }

    private void insertMessages(Connection c, List<Routed> bulk) throws SQLException {
        Timestamp now = Timestamp.from(clock.instant());
        try (PreparedStatement insert = c.prepareStatement("insert into conversation_message (conversation_id, direction, provider_sid, "
                + "body, body_original, media, status, occurred_at, created_at) values (?, 'INBOUND', ?, ?, ?, ?, 'received', ?, ?)")) {
            for (Routed r : bulk) {
                InboundMessage m = r.message();
                insert.setObject(1, r.thread().id);
                insert.setString(2, m.messageSid());
                insert.setString(3, MessageText.storable(m.body()));
                insert.setBytes(4, MessageText.original(m.body()));
                insert.setString(5, m.media() == null || m.media().isEmpty() ? null : EventJson.write(m.media()));
                insert.setTimestamp(6, Timestamp.from(r.receivedAt()));
                insert.setTimestamp(7, now);
                insert.addBatch();
            }
            insert.executeBatch();
        }
    }
}
