package ai.galaxyco.phone.analytics.domain;

import ai.galaxyco.phone.analytics.config.AnalyticsConfig;
import ai.galaxyco.phone.model.events.CallStatusChanged;
import ai.galaxyco.phone.model.events.InboundCall;
import ai.galaxyco.phone.model.events.NumberAssignment;
import ai.galaxyco.phone.model.events.OutboundResult;
import ai.galaxyco.phone.model.events.ProvisioningResult;
import ai.galaxyco.phone.model.events.RoutedMessage;
import ai.galaxyco.phone.model.values.Channel;
import ai.galaxyco.phone.model.values.MessageStatus;
import ai.galaxyco.phone.model.values.Money;
import ai.galaxyco.phone.model.values.Segments;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.hibernate.Session;

/**
 * Writes the usage ledger from the services' events. Every write is keyed by the fact's own identity (the outbound
 * message id, the inbound provider sid, the call sid), so a replayed or redelivered event, even under a new event id,
 * never makes a second fact. Runs inside the consumer's transaction.
 */
@ApplicationScoped
public class Ledger {

    /** Call statuses after which the duration is final. */
    private static final Set<String> CALL_ENDED = Set.of("completed", "busy", "no-answer", "failed", "canceled");

    private final EntityManager em;
    private final AnalyticsConfig.Prices prices;
    private final AnalyticsConfig.Settlement settlement;
    private final Clock clock;
    private final LiveFacts live;
    private final MeterRegistry registry;

    public Ledger(EntityManager em, AnalyticsConfig config, Clock clock, LiveFacts live, MeterRegistry registry) {
        this.em = em;
        this.prices = config.prices();
        this.settlement = config.settlement();
        this.clock = clock;
        this.live = live;
        this.registry = registry;
    }

    private static final String OUTBOUND_UPSERT = "insert into usage_fact (source_id, kind, workspace_id, channel, our_number, "
            + "plan, quantity, media_count, status, estimated_cost, actual_cost, occurred_at, updated_at, provider_sid, price_due_at) "
            + "values (?, 'MESSAGE_OUTBOUND', ?, ?, ?, (select plan from workspace_plan where workspace_id = ?), ?, ?, ?, ?, ?, ?, ?, "
            + "?, ?) on conflict (source_id, kind) do update set status = case when " + rank("excluded.status") + " >= "
            + rank("usage_fact.status") + " then excluded.status else usage_fact.status end, quantity = excluded.quantity, "
            + "channel = excluded.channel, media_count = excluded.media_count, estimated_cost = excluded.estimated_cost, "
            + "actual_cost = coalesce(excluded.actual_cost, usage_fact.actual_cost), "
            + "provider_sid = coalesce(excluded.provider_sid, usage_fact.provider_sid), "
            // once a price is known there is nothing to look up; once settlement has looked, its schedule stands
            + "price_due_at = case when coalesce(excluded.actual_cost, usage_fact.actual_cost) is not null then null "
            + "when usage_fact.price_checks > 0 then usage_fact.price_due_at "
            + "else least(usage_fact.price_due_at, excluded.price_due_at) end, updated_at = excluded.updated_at";

    private static final String INBOUND_INSERT = "insert into usage_fact (source_id, kind, workspace_id, channel, our_number, label, "
            + "plan, quantity, media_count, status, estimated_cost, occurred_at, updated_at, provider_sid, price_due_at) values (?, "
            + "'MESSAGE_INBOUND', ?, ?, ?, ?, (select plan from workspace_plan where workspace_id = ?), ?, ?, 'received', ?, ?, ?, ?, ?) "
            + "on conflict (source_id, kind) do nothing";

    public void recordOutbound(OutboundResult result) {
        recordOutbound(List.of(result));
    }

    /** A poll's outbound results, written in one JDBC batch in their order (a message's SENT before its DELIVERED). */
    public void recordOutbound(List<OutboundResult> results) {
        Instant now = clock.instant();
        List<LiveFacts.LiveFact> written = new ArrayList<>(results.size());
        batch(OUTBOUND_UPSERT, results, (insert, result) -> {
            String status = result.status() == null ? null : result.status().toUpperCase(Locale.ROOT);
            // failed messages are not charged, nor are ones that never reached SignalWire
            MessageStatus known = MessageStatus.named(status);
            boolean reachedSignalWire = result.providerSid() != null || (status != null && known != MessageStatus.QUEUED);
            boolean charged = reachedSignalWire && known != MessageStatus.FAILED;
            Channel channel = result.channel() == null ? Channel.SMS : result.channel();
            int segments = Math.max(result.segments(), 1);
            BigDecimal estimate = !charged ? BigDecimal.ZERO : prices.outbound().estimate(channel, segments);
            // SignalWire reports prices as negative amounts (money leaving the account)
            BigDecimal actual = result.price() == null ? null : result.price().abs();
            Instant at = result.createdAt() != null ? result.createdAt() : result.occurredAt() != null ? result.occurredAt() : now;
            Instant priceDue = actual != null || !charged || result.providerSid() == null ? null
                    : known != null && known.priced() ? now.plus(settlement.delay())
                    : channel == Channel.MMS && known == MessageStatus.SENT ? now.plus(settlement.mmsDelay()) : null;
            String workspace = result.workspaceId().value();
            insert.setString(1, result.messageId());
            insert.setString(2, workspace);
            insert.setString(3, channel.name());
            insert.setString(4, result.from() == null ? null : result.from().e164());
            insert.setString(5, workspace);
            insert.setInt(6, segments);
            insert.setInt(7, result.mediaCount());
            insert.setString(8, status);
            insert.setBigDecimal(9, estimate);
            insert.setBigDecimal(10, actual);
            insert.setObject(11, utc(at));
            insert.setObject(12, utc(now));
            insert.setString(13, result.providerSid());
            insert.setObject(14, priceDue == null ? null : utc(priceDue), Types.TIMESTAMP_WITH_TIMEZONE);
            written.add(new LiveFacts.LiveFact(workspace, "MESSAGE_OUTBOUND", channel.name(), result.messageId(), segments, status,
                    money(actual != null ? actual : estimate), at));
        });
        announce(written);
    }

    /** A message's status only moves forward (a replayed SENT after DELIVERED changes nothing), as outbound's own do. */
    private static String rank(String status) {
        return MessageStatus.sqlRank(status);
    }

    private static String money(BigDecimal amount) {
        return Money.usage(amount);
    }

    private static OffsetDateTime utc(Instant instant) {
        return instant.atOffset(ZoneOffset.UTC);
    }

    public void recordInbound(RoutedMessage message) {
        recordInbound(List.of(message));
    }

    /** A poll's routed messages in one JDBC batch; one seen before (by its provider sid) changes nothing. */
    public void recordInbound(List<RoutedMessage> messages) {
        Instant now = clock.instant();
        List<LiveFacts.LiveFact> candidates = new ArrayList<>(messages.size());
        int[] inserted = batch(INBOUND_INSERT, messages, (insert, message) -> {
            Channel channel = message.channel() == null ? Channel.SMS : message.channel();
            int media = message.media() == null ? 0 : message.media().size();
            String kindOfChannel = channel == Channel.WHATSAPP ? "WHATSAPP" : media > 0 || channel == Channel.MMS ? "MMS" : "SMS";
            int segments = "SMS".equals(kindOfChannel) ? Segments.count(message.body()) : 1;
            BigDecimal price = switch (kindOfChannel) {
                case "WHATSAPP" -> prices.whatsappInbound();
                case "MMS" -> prices.mmsInbound();
                default -> prices.smsInbound().multiply(BigDecimal.valueOf(segments));
            };
            Instant at = message.receivedAt() == null ? now : message.receivedAt();
            String workspace = message.workspaceId().value();
            insert.setString(1, message.messageSid());
            insert.setString(2, workspace);
            insert.setString(3, kindOfChannel);
            insert.setString(4, message.ourNumber() == null ? null : message.ourNumber().e164());
            insert.setString(5, message.label());
            insert.setString(6, workspace);
            insert.setInt(7, segments);
            insert.setInt(8, media);
            insert.setBigDecimal(9, price);
            insert.setObject(10, utc(at));
            insert.setObject(11, utc(now));
            insert.setString(12, message.messageSid());
            insert.setObject(13, utc(now.plus(settlement.delay())));
            candidates.add(new LiveFacts.LiveFact(workspace, "MESSAGE_INBOUND", kindOfChannel, message.messageSid(), segments,
                    "received", money(price), at));
        });
        List<LiveFacts.LiveFact> written = new ArrayList<>(candidates.size());
        for (int k = 0; k < inserted.length; k++) {
            if (inserted[k] > 0) {
                written.add(candidates.get(k));
            }
        }
        announce(written);
    }

    /**
     * Counts the facts written (bounded tags only: see MetricTags) and announces them to live subscribers once the
     * transaction commits.
     */
    private void announce(List<LiveFacts.LiveFact> written) {
        Map<String, Integer> byKindAndChannel = new HashMap<>();
        written.forEach(f -> byKindAndChannel.merge(f.kind() + "/" + f.channel(), 1, Integer::sum));
        byKindAndChannel.forEach((key, n) -> registry.counter("analytics.facts", "kind", key.substring(0, key.indexOf('/')),
                "channel", key.substring(key.indexOf('/') + 1)).increment(n));
        live.afterCommit(written);
    }

    /** Binds one statement per item. */
    @FunctionalInterface
    interface Binder<T> {
        void bind(PreparedStatement statement, T item) throws SQLException;
    }

    /**
     * Runs {@code sql} once per item as one JDBC batch on the transaction's connection: the statements are pipelined
     * (one round trip for the batch) and run in order, each with its own update count.
     */
    private <T> int[] batch(String sql, List<T> items, Binder<T> binder) {
        return em.unwrap(Session.class).doReturningWork(connection -> {
            try (PreparedStatement statement = connection.prepareStatement(sql)) {
                for (T item : items) {
                    binder.bind(statement, item);
                    statement.addBatch();
                }
                return statement.executeBatch();
            }
        });
    }

    /** The gateway's record of a call: which workspace and number it belongs to. */
    public void recordCall(InboundCall call) {
        if (call.workspaceId() == null) {
            return; // a call to a number no workspace holds: nobody to bill
        }
        if (call.disposition() == InboundCall.Disposition.DIAL_RESULT || call.disposition() == InboundCall.Disposition.TRANSCRIPTION) {
            return; // later steps of a call already recorded: they change neither its owner nor its length
        }
        em.createNativeQuery("insert into call_leg (call_sid, workspace_id, our_number, started_at, updated_at) values "
                + "(?1, ?2, ?3, ?4, ?5) on conflict (call_sid) do update set workspace_id = excluded.workspace_id, "
                + "our_number = excluded.our_number, started_at = coalesce(call_leg.started_at, excluded.started_at), "
                + "updated_at = excluded.updated_at")
                .setParameter(1, call.callSid()).setParameter(2, call.workspaceId().value())
                .setParameter(3, call.to() == null ? null : call.to().e164())
                .setParameter(4, Timestamp.from(call.receivedAt() == null ? clock.instant() : call.receivedAt()))
                .setParameter(5, Timestamp.from(clock.instant())).executeUpdate();
        settleCall(call.callSid());
    }

    /** SignalWire's call status callback: the final one carries the duration. */
    public void recordCallStatus(CallStatusChanged status) {
        if (status.status() == null || !CALL_ENDED.contains(status.status().toLowerCase(Locale.ROOT))) {
            return;
        }
        int seconds = status.durationSeconds() == null ? 0 : Math.max(status.durationSeconds(), 0);
        em.createNativeQuery("insert into call_leg (call_sid, seconds, status, updated_at) values (?1, ?2, ?3, ?4) "
                + "on conflict (call_sid) do update set seconds = excluded.seconds, status = excluded.status, "
                + "updated_at = excluded.updated_at")
                .setParameter(1, status.callSid()).setParameter(2, seconds).setParameter(3, status.status().toLowerCase(Locale.ROOT))
                .setParameter(4, Timestamp.from(clock.instant())).executeUpdate();
        settleCall(status.callSid());
    }

    /** Writes the CALL fact once both halves of the call are known (whichever arrived last calls this). */
    private void settleCall(String callSid) {
        @SuppressWarnings("unchecked")
        List<Object[]> rows = em.createNativeQuery("select workspace_id, our_number, started_at, seconds, status from call_leg "
                + "where call_sid = ?1 and workspace_id is not null and seconds is not null").setParameter(1, callSid).getResultList();
        if (rows.isEmpty()) {
            return;
        }
        Object[] leg = rows.get(0);
        int seconds = ((Number) leg[3]).intValue();
        BigDecimal cost = prices.voicePerMinute().multiply(BigDecimal.valueOf(seconds)).divide(BigDecimal.valueOf(60), 6,
                RoundingMode.HALF_EVEN);
        em.createNativeQuery("insert into usage_fact (source_id, kind, workspace_id, channel, our_number, plan, quantity, status, "
                + "estimated_cost, occurred_at, updated_at, provider_sid, price_due_at) values (?1, 'CALL', ?2, 'VOICE', ?3, "
                + "(select plan from workspace_plan where workspace_id = ?2), ?4, ?5, ?6, ?7, ?8, ?1, ?9) "
                + "on conflict (source_id, kind) do update set quantity = excluded.quantity, status = excluded.status, "
                + "estimated_cost = excluded.estimated_cost, updated_at = excluded.updated_at")
                .setParameter(1, callSid).setParameter(2, leg[0]).setParameter(3, leg[1]).setParameter(4, seconds)
                .setParameter(5, leg[4]).setParameter(6, cost).setParameter(7, leg[2] == null ? Timestamp.from(clock.instant()) : leg[2])
                .setParameter(8, Timestamp.from(clock.instant()))
                .setParameter(9, Timestamp.from(clock.instant().plus(settlement.delay()))).executeUpdate();
        announce(List.of(new LiveFacts.LiveFact((String) leg[0], "CALL", "VOICE", callSid, seconds, (String) leg[4], money(cost),
                leg[2] == null ? clock.instant() : Times.instant(leg[2]))));
    }

    /** The workspace's plan (stamped on later facts) and the provisioning outcome (for success rates, time to number). */
    public void recordProvisioning(ProvisioningResult result) {
        String workspace = result.workspaceId().value();
        Timestamp at = Timestamp.from(result.occurredAt() == null ? clock.instant() : result.occurredAt());
        em.createNativeQuery("insert into provisioning_event (workspace_id, status, plan, attempt, error_code, occurred_at) "
                + "values (?1, ?2, ?3, ?4, ?5, ?6)").setParameter(1, workspace).setParameter(2, result.status().name())
                .setParameter(3, result.plan() == null ? null : result.plan().name()).setParameter(4, result.attempt())
                .setParameter(5, result.errorCode()).setParameter(6, at).executeUpdate();
        if (result.plan() != null) {
            em.createNativeQuery("insert into workspace_plan (workspace_id, plan, updated_at) values (?1, ?2, ?3) "
                    + "on conflict (workspace_id) do update set plan = excluded.plan, updated_at = excluded.updated_at "
                    + "where workspace_plan.updated_at <= excluded.updated_at")
                    .setParameter(1, workspace).setParameter(2, result.plan().name()).setParameter(3, at).executeUpdate();
        }
    }

    /**
     * A dedicated number's assignment (from the compacted number-assignments topic, which carries every number a
     * workspace holds, Main and the extra labelled ones): the first assignment opens the interval the number is billed
     * over, a tombstone (null) closes it at {@code at}. The shared platform number (keys {@code +1…#org_…}) is not a
     * workspace's cost. A number held during its release grace period is still assigned, so still billed.
     */
    public void recordAssignment(String key, NumberAssignment assignment, Instant at) {
        if (key == null || key.contains("#") || (assignment != null && assignment.shared())) {
            return;
        }
        Timestamp when = Timestamp.from(at);
        if (assignment == null) {
            em.createNativeQuery("update number_interval set active_to = ?2 where phone_number = ?1 and active_to is null")
                    .setParameter(1, key).setParameter(2, when).executeUpdate();
            return;
        }
        String workspace = assignment.workspaceId().value();
        Timestamp from = assignment.assignedAt() == null ? when : Timestamp.from(assignment.assignedAt());
        // a number moves to another workspace only through a release; should it ever not, the old holder stops paying
        em.createNativeQuery("update number_interval set active_to = ?3 where phone_number = ?1 and workspace_id <> ?2 "
                + "and active_to is null").setParameter(1, key).setParameter(2, workspace).setParameter(3, from).executeUpdate();
        // one open interval per number and holder: a label change or a re-delivery changes nothing
        em.createNativeQuery("insert into number_interval (workspace_id, phone_number, active_from) select ?1, ?2, ?3 "
                + "where not exists (select 1 from number_interval where workspace_id = ?1 and phone_number = ?2 "
                + "and active_to is null)")
                .setParameter(1, workspace).setParameter(2, key).setParameter(3, from).executeUpdate();
    }
}
