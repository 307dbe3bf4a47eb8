package ai.galaxyco.phone.outbound.domain;

import ai.galaxyco.phone.kit.domain.AdvisoryLock;
import ai.galaxyco.phone.kit.domain.DestinationOverrides;
import ai.galaxyco.phone.model.EventJson;
import ai.galaxyco.phone.model.values.Channel;
import ai.galaxyco.phone.model.values.DestinationPolicy;
import ai.galaxyco.phone.model.values.MessageStatus;
import ai.galaxyco.phone.model.values.MessageText;
import ai.galaxyco.phone.model.values.NumberLabel;
import ai.galaxyco.phone.model.values.OutboundPrices;
import ai.galaxyco.phone.model.values.PhoneNumber;
import ai.galaxyco.phone.model.values.Segments;
import ai.galaxyco.phone.outbound.domain.SenderDirectory.Sender;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.PersistenceException;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** Accepts send commands (from the API or the outbound-requests topic): validates, picks the sender, stores. */
@ApplicationScoped
public class MessageService {

    public static final int MAX_BODY = 1600;
    public static final int MAX_MEDIA = 8;

    /** A send command, as the API or the topic gives it. */
    public record SendCommand(String workspaceId, String to, String body, List<String> mediaUrls, String from, String label,
            String idempotencyKey) {
    }

    private final SenderDirectory senders;
    private final SpendBudgets budgets;
    private final PumpingGuard pumpingGuard;
    private final DestinationOverrides overrides;
    private final OutboundPrices prices;
    private final Clock clock;
    private final MeterRegistry registry;

    private final int sharedDailyCap;
    private final boolean sendViaSharedWhilePending;
    private final DestinationPolicy platformDestinations;

    public MessageService(SenderDirectory senders, SpendBudgets budgets, PumpingGuard pumpingGuard, DestinationOverrides overrides,
            Clock clock, MeterRegistry registry, ai.galaxyco.phone.outbound.config.OutboundConfig config) {
        this.overrides = overrides;
        this.pumpingGuard = pumpingGuard;
        this.budgets = budgets;
        this.prices = config.prices().outbound();
        this.sharedDailyCap = config.sharedDailyCap();
        this.sendViaSharedWhilePending = config.sendViaSharedWhilePending();
        this.platformDestinations = DestinationPolicy.of(config.messagingAllowedCountries());
        this.senders = senders;
        this.clock = clock;
        this.registry = registry;
    }

    /**
     * Stores the message (QUEUED) or returns the one stored earlier under the same idempotency key.
     *
     * @throws SendRefused with the reason
     */
    public OutboundMessage accept(SendCommand command) {
        PhoneNumber to = validate(command);
        try {
            return QuarkusTransaction.requiringNew().call(() -> existing(command).orElseGet(() -> store(command, to)));
        } catch (PersistenceException e) {
            // the same idempotency key raced us and won: answer with its message
            return QuarkusTransaction.requiringNew().call(() -> existing(command)).orElseThrow(() -> e);
        }
    }

    private Optional<OutboundMessage> existing(SendCommand command) {
        if (command.idempotencyKey() == null) {
            return Optional.empty();
        }
        return OutboundMessage.find("workspaceId = ?1 and idempotencyKey = ?2", command.workspaceId(), command.idempotencyKey())
                .firstResultOptional();
    }

    private OutboundMessage store(SendCommand command, PhoneNumber to) {
        requireAllowedDestination(command.workspaceId(), to);
        Sender sender = chooseSender(command, to);
        boolean held = false;
        if (!sender.sendable() && !senders.sendableLocked(sender.e164())) {
            // the number is not registered (10DLC) or verified (toll-free) yet: carriers would refuse the message
            Optional<String> shared = sendViaSharedWhilePending && (command.from() == null || command.from().isBlank())
                    ? senders.sharedNumber() : Optional.empty();
            if (shared.isPresent()) {
                sender = new Sender(shared.get(), NumberLabel.MAIN.value(), true, true);
                registry.counter("outbound.via.shared.while.pending").increment();
            } else {
                held = true;
                registry.counter("outbound.held", "reason", SenderDirectory.AWAITING_REGISTRATION).increment();
            }
        }
        if (senders.isOptedOut(sender.e164(), to.e164())) {
            registry.counter("outbound.refused", "reason", "opted_out").increment();
            throw new SendRefused(SendRefused.Reason.RECIPIENT_OPTED_OUT, to + " opted out of messages from " + sender.e164()
                    + " (replied STOP); they must reply START before you can write again");
        }
        Instant now = clock.instant();
        int segments = Segments.count(command.body());
        boolean hasMedia = command.mediaUrls() != null && !command.mediaUrls().isEmpty();
        // the workspace's allowances (the shared number's daily cap, the spend budgets) are checked and used in one step
        AdvisoryLock.WORKSPACE_ALLOWANCE.lockForTransaction(OutboundMessage.getEntityManager(), command.workspaceId());
        if (sender.shared()) {
            requireSharedQuota(command.workspaceId(), segments, now);
        }
        budgets.charge(command.workspaceId(), prices.estimate(hasMedia ? Channel.MMS : Channel.SMS, segments), now);
        PumpingGuard.Verdict pumping = pumpingGuard.judge(command.workspaceId(), to, now);
        OutboundMessage message = new OutboundMessage();
        message.id = UUID.randomUUID();
        message.workspaceId = command.workspaceId();
        message.idempotencyKey = command.idempotencyKey();
        message.fromNumber = sender.e164();
        message.fromShared = sender.shared();
        message.toNumber = to.e164();
        message.body = command.body() == null || command.body().isEmpty() ? null : command.body();
        message.mediaUrls = command.mediaUrls() == null || command.mediaUrls().isEmpty() ? null : EventJson.write(command.mediaUrls());
        message.status = MessageStatus.QUEUED;
        message.heldReason = pumping.hold() ? PumpingGuard.HELD_FOR_REVIEW : held ? SenderDirectory.AWAITING_REGISTRATION : null;
        message.recipientRange = pumping.range();
        message.newRecipient = pumping.newRecipient();
        message.segments = segments;
        message.nextAttemptAt = now;
        message.createdAt = now;
        message.updatedAt = now;
        message.persistAndFlush();
        registry.counter("outbound.accepted").increment();
        return message;
    }

    /**
     * The shared number is one lane (one segment a second) for every Starter workspace: each may use at most
     * {@code outbound.shared-daily-cap} segments of it per UTC day (SHARED_DAILY_CAP, default 200). Called under the
     * workspace's allowance lock, which makes the sum and the insert one step: without it, concurrent sends each saw
     * room and all went.
     */
    private void requireSharedQuota(String workspaceId, int segments, Instant now) {
        Instant dayStart = now.truncatedTo(java.time.temporal.ChronoUnit.DAYS);
        long used = ((Number) OutboundMessage.getEntityManager().createNativeQuery("select coalesce(sum(segments), 0) from message "
                + "where workspace_id = ?1 and from_shared and created_at >= ?2 and status <> 'FAILED'")
                .setParameter(1, workspaceId).setParameter(2, dayStart).getSingleResult()).longValue();
        if (used + segments > sharedDailyCap) {
            registry.counter("outbound.refused", "reason", "shared_number_quota").increment();
            throw new SendRefused(SendRefused.Reason.SHARED_NUMBER_QUOTA, "workspace " + workspaceId + " has used " + used + " of its "
                    + sharedDailyCap + " segments on the shared number today (UTC); upgrade to Pro for a number of your own");
        }
    }

    /**
     * {@code from} if the workspace owns it; else the number labelled {@code label}; else (a reply) the number the
     * contact last wrote to, if the workspace still holds it; else Main; else the first dedicated number, else the
     * shared platform number.
     */
    private Sender chooseSender(SendCommand command, PhoneNumber to) {
        List<Sender> owned = senders.sendersOf(command.workspaceId());
        if (command.from() != null && !command.from().isBlank()) {
            PhoneNumber from = parse(command.from(), "from");
            return owned.stream().filter(s -> s.e164().equals(from.e164())).findFirst()
                    .orElseThrow(() -> new SendRefused(SendRefused.Reason.SENDER_NOT_OWNED, "workspace " + command.workspaceId()
                            + " does not own " + from));
        }
        if (owned.isEmpty()) {
            registry.counter("outbound.refused", "reason", "no_number").increment();
            throw new SendRefused(SendRefused.Reason.NO_SENDER_NUMBER, senders.whyNoSender(command.workspaceId()));
        }
        if (command.label() != null && !command.label().isBlank()) {
            NumberLabel label;
            try {
                label = NumberLabel.parse(command.label());
            } catch (IllegalArgumentException e) {
                throw new SendRefused(SendRefused.Reason.INVALID_LABEL, e.getMessage());
            }
            return owned.stream().filter(s -> s.label().trim().equalsIgnoreCase(label.value())).findFirst()
                    .orElseThrow(() -> new SendRefused(SendRefused.Reason.NO_NUMBER_FOR_LABEL, "workspace " + command.workspaceId()
                            + " has no active number labelled \"" + label + "\""));
        }
        Optional<String> sticky = senders.lastWrittenTo(command.workspaceId(), to.e164());
        return owned.stream().filter(s -> sticky.isPresent() && s.e164().equals(sticky.get())).findFirst()
                .or(() -> owned.stream().filter(s -> !s.shared() && s.label().trim().equalsIgnoreCase(NumberLabel.MAIN.value())).findFirst())
                .orElse(owned.get(0)); // dedicated first, shared platform number otherwise
    }

    private PhoneNumber validate(SendCommand command) {
        refuseNul("to", command.to());
        refuseNul("body", command.body());
        refuseNul("from", command.from());
        refuseNul("label", command.label());
        refuseNul("Idempotency-Key", command.idempotencyKey());
        if (command.mediaUrls() != null) {
            command.mediaUrls().forEach(url -> refuseNul("mediaUrls", url));
        }
        PhoneNumber to = parse(command.to(), "to");
        if (!to.isValid()) {
            throw new SendRefused(SendRefused.Reason.INVALID_REQUEST, "to: " + to + " is not a valid, dialable number");
        }
        boolean hasBody = command.body() != null && !command.body().isEmpty();
        List<String> media = command.mediaUrls() == null ? List.of() : command.mediaUrls();
        if (!hasBody && media.isEmpty()) {
            throw new SendRefused(SendRefused.Reason.INVALID_REQUEST, "body or mediaUrls is required");
        }
        if (hasBody && command.body().length() > MAX_BODY) {
            throw new SendRefused(SendRefused.Reason.INVALID_REQUEST, "body is " + command.body().length() + " characters; at most "
                    + MAX_BODY + " are allowed");
        }
        if (media.size() > MAX_MEDIA) {
            throw new SendRefused(SendRefused.Reason.INVALID_REQUEST, "at most " + MAX_MEDIA + " mediaUrls are allowed, got " + media.size());
        }
        for (String url : media) {
            if (url == null || !(url.startsWith("https://") || url.startsWith("http://"))) {
                throw new SendRefused(SendRefused.Reason.INVALID_REQUEST, "mediaUrls must be http(s) URLs: " + url);
            }
        }
        return to;
    }

    /**
     * Where the workspace may send: MESSAGING_ALLOWED_COUNTRIES, or the countries an operator set for it (see
     * MessagingDestinationsResource).
     */
    public DestinationOverrides.Effective destinationsOf(String workspaceId) {
        return overrides.of(workspaceId, DestinationOverrides.Purpose.MESSAGING, platformDestinations);
    }

    /** Recipients of the allowed countries only, and never a premium-rate (or similar) number: SMS pumping cashes in there. */
    private void requireAllowedDestination(String workspaceId, PhoneNumber to) {
        var refusal = destinationsOf(workspaceId).policy().refusalOf(to).orElse(null);
        if (refusal == null) {
            return;
        }
        SendRefused.Reason reason = switch (refusal.reason()) {
            case INVALID -> SendRefused.Reason.INVALID_REQUEST;
            case NUMBER_TYPE -> SendRefused.Reason.DESTINATION_NUMBER_TYPE_NOT_ALLOWED;
            case COUNTRY -> SendRefused.Reason.DESTINATION_COUNTRY_NOT_ALLOWED;
        };
        registry.counter("outbound.refused", "reason", reason.code()).increment();
        throw new SendRefused(reason, "to: " + refusal.detail());
    }

    /** Carriers cannot deliver U+0000 and PostgreSQL cannot store it: refused with a reason, never a 500. */
    private static void refuseNul(String field, String value) {
        if (MessageText.containsNul(value)) {
            throw new SendRefused(SendRefused.Reason.INVALID_REQUEST, field + " contains U+0000 (NUL), which carriers cannot deliver; "
                    + "remove it (if it stood for '@', send '@')");
        }
    }

    private static PhoneNumber parse(String raw, String field) {
        try {
            return PhoneNumber.parse(raw);
        } catch (IllegalArgumentException e) {
            throw new SendRefused(SendRefused.Reason.INVALID_REQUEST, field + ": " + e.getMessage());
        }
    }
}
