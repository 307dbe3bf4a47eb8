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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.hibernate.Session;

/**
 * The one way an inbound message routed to a workspace is stored: its conversation upserted (SMS and MMS of a
 * contact share one thread), the message inserted, and its routed event published. Both routing paths end here: the
 * poll's common case in bulk ({@link BatchRouting}) and each message that needs a rule first, one at a time
 * ({@link RoutingService#routeMessage}). A batch costs the same three statements as one message: a multi-row
 * conversation upsert, a JDBC batch of messages, a JDBC batch of outbox rows.
 */
@ApplicationScoped
@Transactional(TxType.MANDATORY)
public class InboundStore {

    /**
     * A message and where it goes: the owning workspace, the label its event carries (the number's; "Shared" on the
     * shared number) and the conversation's inbox (the number's label; Main on the shared number).
     */
    public record Routed(InboundMessage message, String workspaceId, String label, String inbox, Instant receivedAt) {
    }

    /** One conversation of a batch: its key columns and the span of its messages' times. */
    private static final class ConversationRow {
        final String workspaceId;
        final String ourNumber;
        final String contact;
        final String channel;
        final String inbox;
        Instant first;
        Instant last;
        UUID id;

        ConversationRow(String workspaceId, String ourNumber, String contact, String channel, String inbox, Instant at) {
            this.workspaceId = workspaceId;
            this.ourNumber = ourNumber;
            this.contact = contact;
            this.channel = channel;
            this.inbox = inbox;
            this.first = at;
            this.last = at;
        }
    }

    private final EntityManager em;
    private final Outbox outbox;
    private final Clock clock;
    private final MeterRegistry registry;

    public InboundStore(EntityManager em, Outbox outbox, Clock clock, MeterRegistry registry) {
        this.em = em;
        this.outbox = outbox;
        this.clock = clock;
        this.registry = registry;
    }

    /** Stores and publishes {@code messages} (no sid twice: the callers drop what was stored before). */
    public void store(List<Routed> messages) {
        if (messages.isEmpty()) {
            return;
        }
        Map<String, ConversationRow> threads = new LinkedHashMap<>();
        List<ConversationRow> threadOf = new ArrayList<>(messages.size());
        for (Routed r : messages) {
            InboundMessage m = r.message();
            String channel = m.channel() == Channel.MMS ? Channel.SMS.name() : m.channel().name(); // one thread for SMS and MMS
            ConversationRow thread = threads.computeIfAbsent(threadKey(r.workspaceId(), m.to().e164(), m.from().e164(), channel),
                    k -> new ConversationRow(r.workspaceId(), m.to().e164(), m.from().e164(), channel, r.inbox(), r.receivedAt()));
            thread.first = thread.first.isBefore(r.receivedAt()) ? thread.first : r.receivedAt();
            thread.last = thread.last.isAfter(r.receivedAt()) ? thread.last : r.receivedAt();
            threadOf.add(thread);
        }
        em.unwrap(Session.class).doWork(c -> {
            upsertConversations(c, threads);
            insertMessages(c, messages, threadOf);
        });
        List<Outbox.Keyed<RoutedMessage>> events = new ArrayList<>(messages.size());
        for (int i = 0; i < messages.size(); i++) {
            Routed r = messages.get(i);
            InboundMessage m = r.message();
            events.add(new Outbox.Keyed<>(r.workspaceId(), new RoutedMessage(m.messageSid(), WorkspaceId.of(r.workspaceId()),
                    threadOf.get(i).id.toString(), m.to(), r.label(), m.from(), m.channel(), m.body(), m.media(), r.receivedAt())));
        }
        outbox.publishAll(Topics.ROUTED_MESSAGES, events);
        registry.counter("routing.messages", "outcome", "routed").increment(messages.size());
    }

    /** A conversation's unique key (workspace, our number, contact, channel) within a batch. */
    private static String threadKey(String workspaceId, String ourNumber, String contact, String channel) {
        return workspaceId + '|' + ourNumber + '|' + contact + '|' + channel;
    }

    /** One statement for the batch's conversations; each gets its id back (new or existing). */
    private static void upsertConversations(Connection c, Map<String, ConversationRow> threads) throws SQLException {
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
        for (ConversationRow t : threads.values()) {
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
        // the keys are distinct, as a multi-row upsert needs; an outbound message's conversation is upserted alike
        // (RoutingService#conversation) but leaves last_inbound_at alone
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

    private void insertMessages(Connection c, List<Routed> messages, List<ConversationRow> threadOf) throws SQLException {
        Timestamp now = Timestamp.from(clock.instant());
        try (PreparedStatement insert = c.prepareStatement("insert into conversation_message (conversation_id, direction, provider_sid, "
                + "body, body_original, media, status, occurred_at, created_at) values (?, 'INBOUND', ?, ?, ?, ?, 'received', ?, ?)")) {
            for (int i = 0; i < messages.size(); i++) {
                InboundMessage m = messages.get(i).message();
                insert.setObject(1, threadOf.get(i).id);
                insert.setString(2, m.messageSid());
                insert.setString(3, MessageText.storable(m.body()));
                insert.setBytes(4, MessageText.original(m.body()));
                insert.setString(5, m.media() == null || m.media().isEmpty() ? null : EventJson.write(m.media()));
                insert.setTimestamp(6, Timestamp.from(messages.get(i).receivedAt()));
                insert.setTimestamp(7, now);
                insert.addBatch();
            }
            insert.executeBatch();
        }
    }
}
