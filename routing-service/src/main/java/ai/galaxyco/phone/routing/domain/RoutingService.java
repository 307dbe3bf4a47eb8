package ai.galaxyco.phone.routing.domain;

import ai.galaxyco.phone.kit.domain.AdvisoryLock;
import ai.galaxyco.phone.kit.messaging.AssignmentTable;
import ai.galaxyco.phone.kit.messaging.Outbox;
import ai.galaxyco.phone.model.Topics;
import ai.galaxyco.phone.model.events.ConsentChanged;
import ai.galaxyco.phone.model.events.InboundCall;
import ai.galaxyco.phone.model.events.InboundMessage;
import ai.galaxyco.phone.model.events.NumberAssignment;
import ai.galaxyco.phone.model.events.OutboundResult;
import ai.galaxyco.phone.model.values.Channel;
import ai.galaxyco.phone.model.values.MessageStatus;
import ai.galaxyco.phone.model.values.MessageText;
import ai.galaxyco.phone.model.values.NumberLabel;
import ai.galaxyco.phone.model.values.PhoneNumber;
import ai.galaxyco.phone.model.values.WorkspaceId;
import ai.galaxyco.phone.routing.config.RoutingConfig;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import jakarta.transaction.Transactional.TxType;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Resolves inbound messages and calls to a workspace and keeps conversations. Every write is keyed by the
 * provider's sid under a unique constraint, so a webhook delivered three times is one message.
 */
@ApplicationScoped
@Transactional(TxType.MANDATORY)
public class RoutingService {

    /** Who owns a number, as far as routing knows. */
    public record Owner(String workspaceId, String label) {
    }

    private final EntityManager em;
    private final Outbox outbox;
    private final RoutingConfig config;
    private final Clock clock;
    private final MeterRegistry registry;
    private final AssignmentTable assignments;
    private final InboundStore store;
    private final ForwardedMinutes forwardedMinutes;
    private final CallLog callLog;
    /** How long before a number's assignment an unrouted message to it may have arrived and still be its owner's. */
    private static final java.time.Duration UNROUTED_CATCH_UP_MARGIN = java.time.Duration.ofMinutes(5);

    public RoutingService(EntityManager em, Outbox outbox, AssignmentTable assignments, InboundStore store, RoutingConfig config,
            Clock clock, MeterRegistry registry, ForwardedMinutes forwardedMinutes, CallLog callLog) {
        this.em = em;
        this.callLog = callLog;
        this.forwardedMinutes = forwardedMinutes;
        this.store = store;
        this.outbox = outbox;
        this.config = config;
        this.clock = clock;
        this.registry = registry;
        this.assignments = assignments;
    }

    // ---------------------------------------------------------------- assignments (compacted topic)

    public void applyAssignment(String key, NumberAssignment assignment) {
        if (assignment != null && !assignment.shared()) {
            lockNumber(assignment.phoneNumber()); // see routeMessage: a message to it being stored as unrouted right now
        }
        assignments.apply(key, assignment);
        if (assignment != null && !assignment.shared()) {
            // a relabelled number takes its conversations to the new inbox
            em.createNativeQuery("update conversation set inbox = ?1 where workspace_id = ?2 and our_number = ?3 and inbox <> ?1")
                    .setParameter(1, assignment.label()).setParameter(2, assignment.workspaceId().value())
                    .setParameter(3, assignment.phoneNumber().e164()).executeUpdate();
            callLog.relabel(assignment.workspaceId().value(), assignment.phoneNumber().e164(), assignment.label());
            routeWhatArrivedFirst(assignment);
        }
    }

    /**
     * A message to a number just bought can overtake the number's assignment (two topics, no order between them):
     * it was stored as unrouted. It is routed now, to the new owner, if it came after the number was bought (less a
     * margin for clocks): before that the number was not ours at SignalWire, so nothing of another owner can be among
     * them. Media of such a message is not kept by the unrouted store and does not come along.
     */
    private void routeWhatArrivedFirst(NumberAssignment assignment) {
        Instant since = (assignment.assignedAt() != null ? assignment.assignedAt() : clock.instant()).minus(UNROUTED_CATCH_UP_MARGIN);
        List<UnroutedMessage> overtaken = UnroutedMessage.list("toNumber = ?1 and receivedAt >= ?2 order by receivedAt, id",
                assignment.phoneNumber().e164(), since);
        for (UnroutedMessage unrouted : overtaken) {
            unrouted.delete();
            em.flush(); // routeMessage checks the unrouted store for duplicates
            String body = unrouted.bodyOriginal == null ? unrouted.body : MessageText.fromOriginal(unrouted.bodyOriginal);
            routeMessage(new InboundMessage(unrouted.providerSid, null, PhoneNumber.parse(unrouted.fromNumber),
                    PhoneNumber.parse(unrouted.toNumber), body, Channel.valueOf(unrouted.channel), List.of(), 0, unrouted.receivedAt));
            registry.counter("routing.messages", "outcome", "routed_late").increment();
        }
    }

    /** The owner of {@code ourNumber} for a message from {@code contact}; empty means unrouted. */
    public Optional<Owner> resolve(PhoneNumber ourNumber, PhoneNumber contact) {
        Optional<AssignmentTable.Assignment> dedicated = assignments.dedicatedOwner(ourNumber);
        if (dedicated.isPresent()) {
            return Optional.of(new Owner(dedicated.get().workspaceId(), dedicated.get().label()));
        }
        if (assignments.isShared(ourNumber)) {
            @SuppressWarnings("unchecked")
            List<String> last = em.createNativeQuery("select workspace_id from shared_number_attribution "
                    + "where our_number = ?1 and contact = ?2 and greatest(last_sent_at, coalesce(last_reply_at, last_sent_at)) >= ?3")
                    .setParameter(1, ourNumber.e164()).setParameter(2, contact.e164())
                    .setParameter(3, Timestamp.from(clock.instant().minus(config.sharedReplyTtl()))).getResultList();
            if (!last.isEmpty()) {
                return Optional.of(new Owner(last.get(0), "Shared"));
            }
        }
        return Optional.empty();
    }

    // ---------------------------------------------------------------- inbound messages

    public void routeMessage(InboundMessage message) {
        if (alreadyStored(message.messageSid())) {
            registry.counter("routing.messages", "outcome", "duplicate").increment();
            return;
        }
        Instant receivedAt = message.receivedAt() != null ? message.receivedAt() : clock.instant();
        Optional<Owner> resolved = resolve(message.to(), message.from());
        if (resolved.isEmpty()) {
            // The number's assignment may be committing on the assignments consumer now: it looks for unrouted messages
            // before this transaction commits, and this transaction did not see it, so the message would stay unrouted.
            // Both take the number's lock; whoever comes second sees the other's commit.
            lockNumber(message.to());
            resolved = resolve(message.to(), message.from());
        }
        Optional<Owner> owner = resolved;
        ConsentKeywords.classify(message.body()).ifPresent(kind -> recordConsent(message, owner, kind, receivedAt));
        if (owner.isEmpty()) {
            UnroutedMessage unrouted = new UnroutedMessage();
            unrouted.providerSid = message.messageSid();
            unrouted.fromNumber = message.from().e164();
            unrouted.toNumber = message.to().e164();
            unrouted.channel = message.channel().name();
            unrouted.body = MessageText.storable(message.body());
            unrouted.bodyOriginal = MessageText.original(message.body());
            unrouted.reason = assignments.isShared(message.to())
                    ? "no workspace wrote to this contact from the shared number within " + config.sharedReplyTtl()
                    : "no workspace owns " + message.to();
            unrouted.receivedAt = receivedAt;
            unrouted.persist();
            registry.counter("routing.messages", "outcome", "unrouted").increment();
            return;
        }
        if (assignments.isShared(message.to())) {
            // the contact is talking to this workspace now: another workspace's message will not take them away
            em.createNativeQuery("update shared_number_attribution set last_reply_at = greatest(coalesce(last_reply_at, ?3), ?3) "
                    + "where our_number = ?1 and contact = ?2 and workspace_id = ?4")
                    .setParameter(1, message.to().e164()).setParameter(2, message.from().e164())
                    .setParameter(3, Timestamp.from(receivedAt)).setParameter(4, owner.get().workspaceId()).executeUpdate();
        }
        store.store(List.of(new InboundStore.Routed(message, owner.get().workspaceId(), owner.get().label(),
                inboxOf(owner.get().workspaceId(), message.to()), receivedAt)));
    }

    /** A transaction-scoped lock on one of our numbers, held until commit (by every routing instance alike). */
    private void lockNumber(PhoneNumber number) {
        AdvisoryLock.ROUTED_NUMBER.lockForTransaction(em, number.e164());
    }

    private boolean alreadyStored(String providerSid) {
        return !em.createNativeQuery("select 1 from conversation_message where provider_sid = ?1 union all "
                + "select 1 from unrouted_message where provider_sid = ?1").setParameter(1, providerSid).getResultList().isEmpty();
    }

    private void recordConsent(InboundMessage message, Optional<Owner> owner, ConsentChanged.Kind kind, Instant at) {
        if (kind != ConsentChanged.Kind.HELP) {
            em.createNativeQuery("insert into consent (our_number, contact, opted_out, keyword, updated_at) values (?1, ?2, ?3, ?4, ?5) "
                    + "on conflict (our_number, contact) do update set opted_out = excluded.opted_out, keyword = excluded.keyword, "
                    + "updated_at = excluded.updated_at")
                    .setParameter(1, message.to().e164()).setParameter(2, message.from().e164())
                    .setParameter(3, kind == ConsentChanged.Kind.OPT_OUT).setParameter(4, MessageText.storable(message.body().trim()))
                    .setParameter(5, Timestamp.from(at)).executeUpdate();
        }
        outbox.publish(Topics.CONSENT_CHANGES, message.to().e164(), new ConsentChanged(message.to(), message.from(),
                owner.map(o -> WorkspaceId.of(o.workspaceId())).orElse(null), kind, message.body().trim(), message.messageSid(), at));
        registry.counter("routing.consent", "kind", kind.name()).increment();
    }

    // ---------------------------------------------------------------- calls

    /**
     * A step of a call: the call log takes every one; the answer itself and its recording are also kept as events in
     * inbound_call, from which forwarded minutes are counted. A step that names no called number (a transcript whose
     * callback did not say) fills in the call the earlier steps resolved.
     */
    public void recordCall(InboundCall call) {
        Optional<Owner> owner = call.to() == null || call.from() == null ? Optional.empty() : resolve(call.to(), call.from());
        callLog.record(call, owner.map(Owner::workspaceId).orElse(null),
                owner.map(o -> inboxOf(o.workspaceId(), call.to())).orElse(null),
                owner.flatMap(o -> assignments.dedicatedOwner(call.to()).filter(a -> a.workspaceId().equals(o.workspaceId())))
                        .map(AssignmentTable.Assignment::label).orElse(null));
        if (call.disposition() == InboundCall.Disposition.DIAL_RESULT || call.disposition() == InboundCall.Disposition.TRANSCRIPTION) {
            return;
        }
        int inserted = em.createNativeQuery("insert into inbound_call (call_sid, disposition, workspace_id, from_number, to_number, "
                + "forwarded_to, recording_url, recording_seconds, received_at) values (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9) "
                + "on conflict (call_sid, disposition) do nothing")
                .setParameter(1, call.callSid()).setParameter(2, call.disposition().name())
                .setParameter(3, owner.map(Owner::workspaceId).orElse(null)).setParameter(4, call.from().e164())
                .setParameter(5, call.to().e164()).setParameter(6, call.forwardedTo() == null ? null : call.forwardedTo().e164())
                .setParameter(7, call.recordingUrl()).setParameter(8, call.recordingDurationSeconds())
                .setParameter(9, Timestamp.from(call.receivedAt() != null ? call.receivedAt() : clock.instant()))
                .executeUpdate();
        registry.counter("routing.calls", "outcome", inserted == 0 ? "duplicate" : owner.isPresent() ? "routed" : "unrouted").increment();
        if (inserted > 0 && call.disposition() == InboundCall.Disposition.FORWARDED) {
            forwardedMinutes.count(call.callSid()); // its final status may have come first
        }
    }

    // ---------------------------------------------------------------- outbound results

    public void recordOutbound(OutboundResult result) {
        Instant at = result.createdAt() != null ? result.createdAt() : clock.instant();
        MessageStatus status = MessageStatus.named(result.status());
        if (result.fromSharedNumber() && status != null && status.carrierAccepted()) {
            attribute(result, at);
        }
        Channel channel = Channel.SMS;
        Conversation conversation = conversation(result.workspaceId().value(), result.from(), result.to(), channel, at);
        ConversationMessage existing = ConversationMessage.find("outboundId", result.messageId()).firstResult();
        if (existing == null) {
            ConversationMessage stored = new ConversationMessage();
            stored.conversationId = conversation.id;
            stored.direction = "OUTBOUND";
            stored.outboundId = result.messageId();
            stored.providerSid = result.providerSid();
            stored.body = MessageText.storable(result.body());
            stored.bodyOriginal = MessageText.original(result.body());
            stored.status = result.status();
            stored.occurredAt = at;
            stored.createdAt = clock.instant();
            stored.persist();
        } else {
            if (existing.providerSid == null) {
                existing.providerSid = result.providerSid();
            }
            existing.status = result.status();
        }
    }

    /**
     * Who a reply to the shared number belongs to moves only on a message the carrier accepted (a queued or failed
     * message must not capture another workspace's contact), and never away from a workspace the contact has been
     * talking to: one the contact replied to within the TTL keeps the contact until that exchange is older than the TTL.
     */
    private void attribute(OutboundResult result, Instant at) {
        Timestamp conversationCutoff = Timestamp.from(clock.instant().minus(config.sharedReplyTtl()));
        em.createNativeQuery("insert into shared_number_attribution (our_number, contact, workspace_id, last_sent_at) "
                + "values (?1, ?2, ?3, ?4) on conflict (our_number, contact) do update set workspace_id = excluded.workspace_id, "
                + "last_sent_at = excluded.last_sent_at, last_reply_at = case when shared_number_attribution.workspace_id = "
                + "excluded.workspace_id then shared_number_attribution.last_reply_at end "
                + "where shared_number_attribution.last_sent_at <= excluded.last_sent_at and (shared_number_attribution.workspace_id "
                + "= excluded.workspace_id or shared_number_attribution.last_reply_at is null or shared_number_attribution.last_reply_at < ?5)")
                .setParameter(1, result.from().e164()).setParameter(2, result.to().e164())
                .setParameter(3, result.workspaceId().value()).setParameter(4, Timestamp.from(at))
                .setParameter(5, conversationCutoff).executeUpdate();
    }

    // ---------------------------------------------------------------- conversations

    /** An outbound message's conversation (inbound ones are stored by {@link InboundStore}, which also sets last_inbound_at). */
    private Conversation conversation(String workspaceId, PhoneNumber ourNumber, PhoneNumber contact, Channel channel, Instant at) {
        String threadChannel = channel == Channel.MMS ? Channel.SMS.name() : channel.name(); // one thread for SMS and MMS
        em.createNativeQuery("insert into conversation (id, workspace_id, contact, our_number, channel, created_at, last_message_at, "
                + "inbox) values (?1, ?2, ?3, ?4, ?5, ?6, ?6, ?7) "
                + "on conflict (workspace_id, our_number, contact, channel) do update "
                + "set last_message_at = greatest(conversation.last_message_at, excluded.last_message_at)")
                .setParameter(1, UUID.randomUUID()).setParameter(2, workspaceId).setParameter(3, contact.e164())
                .setParameter(4, ourNumber.e164()).setParameter(5, threadChannel).setParameter(6, Timestamp.from(at))
                .setParameter(7, inboxOf(workspaceId, ourNumber)).executeUpdate();
        return Conversation.find("workspaceId = ?1 and ourNumber = ?2 and contact = ?3 and channel = ?4", workspaceId,
                ourNumber.e164(), contact.e164(), threadChannel).firstResult();
    }

    /** The inbox of a workspace's number: its label; the shared number (and a number no longer assigned) is Main. */
    private String inboxOf(String workspaceId, PhoneNumber ourNumber) {
        return assignments.dedicatedOwner(ourNumber).filter(a -> a.workspaceId().equals(workspaceId))
                .map(AssignmentTable.Assignment::label).orElse(NumberLabel.MAIN.value());
    }
}
