package ai.galaxyco.phone.analytics.domain;

import ai.galaxyco.phone.analytics.config.AnalyticsConfig;
import ai.galaxyco.phone.model.events.CallStatusChanged;
import ai.galaxyco.phone.model.events.InboundCall;
import ai.galaxyco.phone.model.events.OutboundResult;
import ai.galaxyco.phone.model.events.ProvisioningResult;
import ai.galaxyco.phone.model.events.RoutedMessage;
import ai.galaxyco.phone.model.values.Channel;
import ai.galaxyco.phone.model.values.Segments;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Set;

/**
 * Writes the usage ledger from the services' events. Every write is keyed by the fact's own identity (the outbound
 * message id, the inbound provider sid, the call sid), so a replayed or redelivered event, even under a new event id,
 * never makes a second fact. Runs inside the consumer's transaction.
 */
@ApplicationScoped
public class Ledger {

    /** Outbound statuses after which SignalWire prices the message. */
    private static final Set<String> FINAL = Set.of("DELIVERED", "UNDELIVERED");
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

    /** Facts written or updated, by kind and channel (bounded tags only: see MetricTags). */
    private void count(String kind, String channel) {
        registry.counter("analytics.facts", "kind", kind, "channel", channel).increment();
    }

    public void recordOutbound(OutboundResult result) {
        String status = result.status() == null ? null : result.status().toUpperCase(java.util.Locale.ROOT);
        // failed messages are not charged, nor are ones that never reached SignalWire
        boolean reachedSignalWire = result.providerSid() != null || (status != null && !"QUEUED".equals(status));
        boolean charged = reachedSignalWire && !"FAILED".equals(status);
        Channel channel = result.channel() == null ? Channel.SMS : result.channel();
        int segments = Math.max(result.segments(), 1);
        BigDecimal estimate = !charged ? BigDecimal.ZERO : switch (channel) {
            case MMS -> prices.mmsOutbound();
            case WHATSAPP -> prices.whatsappOutbound();
            default -> prices.smsOutbound().multiply(BigDecimal.valueOf(segments));
        };
        // SignalWire reports prices as negative amounts (money leaving the account)
        BigDecimal actual = result.price() == null ? null : result.price().abs();
        Instant at = result.createdAt() != null ? result.createdAt() : result.occurredAt();
        Instant now = clock.instant();
        Instant priceDue = actual != null || !charged || result.providerSid() == null ? null
                : FINAL.contains(status) ? now.plus(settlement.delay())
                : channel == Channel.MMS && "SENT".equals(status) ? now.plus(settlement.mmsDelay()) : null;
        em.createNativeQuery("insert into usage_fact (source_id, kind, workspace_id, channel, our_number, plan, quantity, "
                + "media_count, status, estimated_cost, actual_cost, occurred_at, updated_at, provider_sid, price_due_at) "
                + "values (?1, 'MESSAGE_OUTBOUND', ?2, ?10, ?3, (select plan from workspace_plan where workspace_id = ?2), ?4, ?11, "
                + "?5, ?6, ?7, ?8, ?9, ?12, ?13) "
                + "on conflict (source_id, kind) do update set status = case when " + rank("excluded.status") + " >= "
                + rank("usage_fact.status") + " then excluded.status else usage_fact.status end, quantity = excluded.quantity, "
                + "channel = excluded.channel, media_count = excluded.media_count, estimated_cost = excluded.estimated_cost, "
                + "actual_cost = coalesce(excluded.actual_cost, usage_fact.actual_cost), "
                + "provider_sid = coalesce(excluded.provider_sid, usage_fact.provider_sid), "
                // once a price is known there is nothing to look up; once settlement has looked, its schedule stands
                + "price_due_at = case when coalesce(excluded.actual_cost, usage_fact.actual_cost) is not null then null "
                + "when usage_fact.price_checks > 0 then usage_fact.price_due_at "
                + "else least(usage_fact.price_due_at, excluded.price_due_at) end, updated_at = excluded.updated_at")
                .setParameter(1, result.messageId()).setParameter(2, result.workspaceId().value())
                .setParameter(3, result.from() == null ? null : result.from().e164()).setParameter(4, segments)
                .setParameter(5, status).setParameter(6, estimate).setParameter(7, actual)
                .setParameter(8, Timestamp.from(at == null ? now : at)).setParameter(9, Timestamp.from(now))
                .setParameter(10, channel.name()).setParameter(11, result.mediaCount()).setParameter(12, result.providerSid())
                .setParameter(13, priceDue == null ? null : Timestamp.from(priceDue))
                .executeUpdate();
        count("MESSAGE_OUTBOUND", channel.name());
        live.afterCommit(new LiveFacts.LiveFact(result.workspaceId().value(), "MESSAGE_OUTBOUND", channel.name(), result.messageId(),
                segments, status, money(actual != null ? actual : estimate), at == null ? now : at));
    }

    /** A message's status only moves forward (a replayed SENT after DELIVERED changes nothing), as outbound's own do. */
    private static String rank(String status) {
        return "(case " + status + " when 'QUEUED' then 0 when 'SENDING' then 1 when 'SENT' then 2 else 3 end)";
    }

    private static String money(BigDecimal amount) {
        return amount.setScale(4, RoundingMode.HALF_EVEN).toPlainString();
    }

    public void recordInbound(RoutedMessage message) {
        Channel channel = message.channel() == null ? Channel.SMS : message.channel();
        int media = message.media() == null ? 0 : message.media().size();
        String kindOfChannel = channel == Channel.WHATSAPP ? "WHATSAPP" : media > 0 || channel == Channel.MMS ? "MMS" : "SMS";
        int segments = "SMS".equals(kindOfChannel) ? Segments.count(message.body()) : 1;
        BigDecimal price = switch (kindOfChannel) {
            case "WHATSAPP" -> prices.whatsappInbound();
            case "MMS" -> prices.mmsInbound();
            default -> prices.smsInbound().multiply(BigDecimal.valueOf(segments));
        };
        int inserted = em.createNativeQuery("insert into usage_fact (source_id, kind, workspace_id, channel, our_number, label, plan, "
                + "quantity, media_count, status, estimated_cost, occurred_at, updated_at, provider_sid, price_due_at) values (?1, "
                + "'MESSAGE_INBOUND', ?2, ?3, ?4, ?5, (select plan from workspace_plan where workspace_id = ?2), ?6, ?7, 'received', ?8, "
                + "?9, ?10, ?1, ?11) on conflict (source_id, kind) do nothing")
                .setParameter(1, message.messageSid()).setParameter(2, message.workspaceId().value()).setParameter(3, kindOfChannel)
                .setParameter(4, message.ourNumber() == null ? null : message.ourNumber().e164()).setParameter(5, message.label())
                .setParameter(6, segments).setParameter(7, media).setParameter(8, price)
                .setParameter(9, Timestamp.from(message.receivedAt() == null ? clock.instant() : message.receivedAt()))
                .setParameter(10, Timestamp.from(clock.instant()))
                .setParameter(11, Timestamp.from(clock.instant().plus(settlement.delay()))).executeUpdate();
        if (inserted > 0) {
            count("MESSAGE_INBOUND", kindOfChannel);
            live.afterCommit(new LiveFacts.LiveFact(message.workspaceId().value(), "MESSAGE_INBOUND", kindOfChannel,
                    message.messageSid(), segments, "received", money(price),
                    message.receivedAt() == null ? clock.instant() : message.receivedAt()));
        }
    }

    /** The gateway's record of a call: which workspace and number it belongs to. */
    public void recordCall(InboundCall call) {
        if (call.workspaceId() == null) {
            return; // a call to a number no workspace holds: nobody to bill
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
        if (status.status() == null || !CALL_ENDED.contains(status.status().toLowerCase(java.util.Locale.ROOT))) {
            return;
        }
        int seconds = status.durationSeconds() == null ? 0 : Math.max(status.durationSeconds(), 0);
        em.createNativeQuery("insert into call_leg (call_sid, seconds, status, updated_at) values (?1, ?2, ?3, ?4) "
                + "on conflict (call_sid) do update set seconds = excluded.seconds, status = excluded.status, "
                + "updated_at = excluded.updated_at")
                .setParameter(1, status.callSid()).setParameter(2, seconds).setParameter(3, status.status().toLowerCase(java.util.Locale.ROOT))
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
        count("CALL", "VOICE");
        live.afterCommit(new LiveFacts.LiveFact((String) leg[0], "CALL", "VOICE", callSid, seconds, (String) leg[4], money(cost),
                leg[2] == null ? clock.instant() : Times.instant(leg[2])));
    }

    /** The workspace's plan, and the dedicated numbers it holds (their monthly price is prorated over these intervals). */
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
        switch (result.status()) {
            case ACTIVE -> {
                if (result.phoneNumber() != null) {
                    // one open interval per number: a redelivered ACTIVE changes nothing
                    em.createNativeQuery("insert into number_interval (workspace_id, phone_number, active_from) select ?1, ?2, ?3 "
                            + "where not exists (select 1 from number_interval where workspace_id = ?1 and phone_number = ?2 "
                            + "and active_to is null)")
                            .setParameter(1, workspace).setParameter(2, result.phoneNumber().e164()).setParameter(3, at).executeUpdate();
                }
            }
            case RELEASED -> {
                if (result.phoneNumber() != null) {
                    em.createNativeQuery("update number_interval set active_to = ?3 where workspace_id = ?1 and phone_number = ?2 "
                            + "and active_to is null").setParameter(1, workspace).setParameter(2, result.phoneNumber().e164())
                            .setParameter(3, at).executeUpdate();
                } else {
                    closeAll(workspace, at);
                }
            }
            case REMOVED -> closeAll(workspace, at);
            default -> {
                // PROVISIONING, FAILED, SHARED, RELEASE_PENDING: a number held (in its grace period, too) is still billed
            }
        }
    }

    private void closeAll(String workspace, Timestamp at) {
        em.createNativeQuery("update number_interval set active_to = ?2 where workspace_id = ?1 and active_to is null")
                .setParameter(1, workspace).setParameter(2, at).executeUpdate();
    }
}
