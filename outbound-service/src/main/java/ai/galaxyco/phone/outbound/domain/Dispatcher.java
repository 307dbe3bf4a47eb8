package ai.galaxyco.phone.outbound.domain;

import ai.galaxyco.phone.kit.domain.Backoff;
import ai.galaxyco.phone.kit.signalwire.SignalWireException;
import ai.galaxyco.phone.model.values.MessageStatus;
import ai.galaxyco.phone.model.values.PhoneNumber;
import ai.galaxyco.phone.outbound.config.OutboundConfig;
import ai.galaxyco.phone.outbound.signalwire.MessagesApi;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.logging.Log;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.persistence.EntityManager;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * Sends queued messages, driven from the database so that an accepted message survives a crash. Each
 * sender number has a {@link Lane}: a carrier limit (long code 1 segment/s, toll-free 3/s by default) is a ceiling
 * on every interval, so a request may leave only once the previous one's segments have drained, counted from the
 * moment that previous request actually left (not from when it was planned): lateness is never paid back with a
 * burst. A burst waits in line instead of failing, and different numbers send in parallel.
 *
 * <p>Crash window: a message is marked SENDING before the request and gets its sid after the answer. If the
 * process dies between SignalWire accepting the request and that commit, the message is sent again after
 * {@code outbound.sending-recovery-after}. The window is one HTTP round trip plus one commit.
 */
@ApplicationScoped
public class Dispatcher {

    private static final int CLAIM_BATCH = 200;
    /** The error code of a message whose recipient opted out while it waited to be sent. */
    public static final String OPTED_OUT_AT_DISPATCH = "recipient_opted_out";
    /** SignalWire's error for a sender in no active 10DLC campaign. */
    static final String UNREGISTERED_SENDER = "21717";
    /** Lanes idle this long are forgotten (they start afresh, which a lane idle for a whole slot does anyway). */
    private static final Duration LANE_IDLE_EXPIRY = Duration.ofMinutes(1);

    private final MessagesApi messages;
    private final StatusService statuses;
    private final SenderDirectory senders;
    private final ResultPublisher results;
    private final RegistrationRequests registrations;
    private final OutboundConfig config;
    private final EntityManager em;
    private final Clock clock;
    private final MeterRegistry registry;
    private final ExecutorService executor;
    private final ScheduledExecutorService loop = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "outbound-dispatch");
        t.setDaemon(true);
        return t;
    });
    private final Semaphore inFlight;
    private final LaneOwnership ownership;
    /** The pace of each sender number this instance sends from (LaneOwnership gives each number to one instance). */
    private final Map<String, Lane> lanes = new ConcurrentHashMap<>();
    /** When each workspace last had a message claimed on the shared number: the longest-waiting goes next. */
    private final Map<String, Instant> sharedServedAt = new ConcurrentHashMap<>();
    /** Messages this process has claimed and not yet finished sending. */
    private final Set<UUID> sending = ConcurrentHashMap.newKeySet();
    private volatile Instant lastRecovery = Instant.EPOCH;

    public Dispatcher(MessagesApi messages, StatusService statuses, SenderDirectory senders, ResultPublisher results,
            RegistrationRequests registrations, OutboundConfig config, EntityManager em, Clock clock, MeterRegistry registry,
            LaneOwnership ownership) {
        this.ownership = ownership;
        this.registrations = registrations;
        this.messages = messages;
        this.statuses = statuses;
        this.senders = senders;
        this.results = results;
        this.config = config;
        this.em = em;
        this.clock = clock;
        this.registry = registry;
        this.inFlight = new Semaphore(config.parallelism());
        this.executor = Executors.newFixedThreadPool(config.parallelism(), r -> {
            Thread t = new Thread(r, "outbound-send");
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * The dispatch loop runs on its own thread rather than as a {@code @Scheduled} method: Quarkus' scheduler looks
     * for due triggers only once a second, which would cap every number at one message per second and let a
     * message wait up to a second for nothing.
     */
    void start(@Observes StartupEvent event) {
        loop.scheduleWithFixedDelay(() -> {
            try {
                tick();
            } catch (RuntimeException e) {
                // an exception would end a fixed-delay schedule; the next round retries (e.g. after a database outage)
                registry.counter("outbound.dispatch.errors").increment();
                Log.warnf("Dispatch round failed, retrying: %s", e.getMessage());
            }
        }, config.dispatchInterval().toMillis(), config.dispatchInterval().toMillis(), TimeUnit.MILLISECONDS);
    }

    void stop(@Observes ShutdownEvent event) {
        loop.shutdown();
        executor.shutdown();
    }

    record Claim(UUID id, String from, String to, String body, List<String> mediaUrls, Instant createdAt, Lane lane,
            Duration slot, Instant ambiguousSince) {
    }

    /**
     * One sender number's pace: the earliest moment its next request may leave, and whether a claimed message has
     * yet to leave (a lane holds at most one such message, so the next slot is always known before the next claim).
     */
    static final class Lane {
        private Instant nextDeparture = Instant.EPOCH;
        private boolean claimed;

        synchronized boolean couldClaim(Instant now, Duration ahead) {
            return !claimed && !nextDeparture.isAfter(now.plus(ahead));
        }

        /** Claims the lane if its next departure is within {@code ahead} of {@code now}. */
        synchronized boolean tryClaim(Instant now, Duration ahead) {
            if (!couldClaim(now, ahead)) {
                return false;
            }
            claimed = true;
            return true;
        }

        synchronized Instant nextDeparture() {
            return nextDeparture;
        }

        /** The claimed request left at {@code at} and occupies the number for {@code slot}. */
        synchronized void departed(Instant at, Duration slot) {
            Instant next = at.plus(slot);
            nextDeparture = next.isAfter(nextDeparture) ? next : nextDeparture;
            claimed = false;
        }

        synchronized void release() {
            claimed = false;
        }

        /** The carrier asked us to slow down: nothing leaves before {@code until}. */
        synchronized void holdUntil(Instant until) {
            nextDeparture = until.isAfter(nextDeparture) ? until : nextDeparture;
        }

        synchronized boolean idleSince(Instant cutoff) {
            return !claimed && nextDeparture.isBefore(cutoff);
        }
    }

    void tick() {
        Instant now = clock.instant();
        if (Duration.between(lastRecovery, now).toSeconds() >= 10) {
            lastRecovery = now;
            QuarkusTransaction.requiringNew().run(this::requeueStuckSending);
            QuarkusTransaction.requiringNew().run(statuses::applyParkedReports); // a safety net behind lockSid
            QuarkusTransaction.requiringNew().run(this::failExpiredHolds);
            QuarkusTransaction.requiringNew().run(senders::releaseSendable);
            lanes.values().removeIf(lane -> lane.idleSince(now.minus(LANE_IDLE_EXPIRY)));
            sharedServedAt.values().removeIf(at -> at.isBefore(now.minus(LANE_IDLE_EXPIRY)));
        }
        for (Claim claim : claim(now)) {
            inFlight.acquireUninterruptibly();
            sending.add(claim.id());
            executor.submit(() -> {
                try {
                    send(claim);
                } finally {
                    sending.remove(claim.id());
                    inFlight.release();
                }
            });
        }
    }

    /** The oldest due message of every sender number (of the buckets this instance owns) whose turn is (nearly) due, marked SENDING. */
    List<Claim> claim(Instant now) {
        List<Integer> buckets = ownership.usable();
        if (buckets.isEmpty()) {
            return List.of(); // another instance sends from every number now
        }
        List<Lane> claimedLanes = new ArrayList<>();
        try {
            return QuarkusTransaction.requiringNew().call(() -> {
                Duration ahead = config.dispatchInterval().multipliedBy(2);
                // lanes that cannot send now take no place in the batch, so every backlogged number gets its turn;
                // the shared number has a head per workspace, so one workspace's blast cannot hold up the others
                List<String> blocked = new ArrayList<>(lanes.entrySet().stream()
                        .filter(e -> !e.getValue().couldClaim(now, ahead)).map(Map.Entry::getKey).toList());
                if (blocked.isEmpty()) {
                    blocked.add("");
                }
                @SuppressWarnings("unchecked")
                List<OutboundMessage> heads = new ArrayList<>(em.createNativeQuery("select * from message where id in ("
                        + "select distinct on (from_number, case when from_shared then workspace_id else '' end) id from message "
                        + "where status = 'QUEUED' and held_reason is null and next_attempt_at <= :now and from_number not in (:blocked) "
                        + "and " + LaneOwnership.SQL_BUCKET + " in (:buckets) "
                        + "order by from_number, case when from_shared then workspace_id else '' end, created_at) "
                        + "order by created_at limit " + CLAIM_BATCH + " for update skip locked", OutboundMessage.class)
                        .setParameter("now", now).setParameter("blocked", blocked).setParameter("buckets", buckets).getResultList());
                // within a lane, the workspace served longest ago goes first (only the shared lane has several heads)
                heads.sort(java.util.Comparator.<OutboundMessage, String>comparing(m -> m.fromNumber)
                        .thenComparing(m -> m.fromShared ? sharedServedAt.getOrDefault(m.workspaceId, Instant.EPOCH) : Instant.EPOCH)
                        .thenComparing(m -> m.createdAt));
                Set<UUID> optedOut = optedOut(heads);
                List<Claim> claims = new ArrayList<>();
                for (OutboundMessage m : heads) {
                    if (optedOut.contains(m.id)) {
                        refuseOptedOut(m, now);
                        continue;
                    }
                    Lane lane = lanes.computeIfAbsent(m.fromNumber, n -> new Lane());
                    // claimed up to two ticks before its turn, so that it leaves on time rather than up to a tick late
                    if (!lane.tryClaim(now, ahead)) {
                        continue; // its previous request has not left yet, or its segments are still draining
                    }
                    claimedLanes.add(lane);
                    double rate = PhoneNumber.parse(m.fromNumber).isTollFree() ? config.pacing().tollFreePerSecond()
                            : config.pacing().longCodePerSecond();
                    // a multi-segment message occupies the number for all of its segments
                    Duration slot = Duration.ofNanos((long) (m.segments / rate * 1_000_000_000L)).plus(config.pacing().margin());
                    if (m.fromShared) {
                        sharedServedAt.put(m.workspaceId, now);
                    }
                    m.status = MessageStatus.SENDING;
                    m.sendingStartedAt = now;
                    m.attempts++;
                    m.updatedAt = now;
                    registry.timer("outbound.queue.wait").record(Duration.between(m.createdAt, now));
                    claims.add(new Claim(m.id, m.fromNumber, m.toNumber, m.body,
                            m.mediaUrlList(), m.createdAt, lane, slot, m.ambiguousSince));
                }
                return claims;
            });
        } catch (RuntimeException e) {
            claimedLanes.forEach(Lane::release); // nothing was claimed after all
            throw e;
        }
    }

    /**
     * Which of these queued messages go to someone who has since opted out of their sender number. Checked here, in
     * the transaction that claims them, because a STOP can arrive while a message waits its turn (a long code sends
     * one segment a second, so a backlog of minutes is normal).
     */
    private Set<UUID> optedOut(List<OutboundMessage> heads) {
        if (heads.isEmpty()) {
            return Set.of();
        }
        @SuppressWarnings("unchecked")
        List<Object> ids = em.createNativeQuery("select m.id from message m join opt_out o on o.our_number = m.from_number "
                + "and o.contact = m.to_number where o.opted_out and m.id in (:ids)")
                .setParameter("ids", heads.stream().map(m -> m.id).toList()).getResultList();
        Set<UUID> found = new HashSet<>();
        ids.forEach(id -> found.add(id instanceof UUID uuid ? uuid : UUID.fromString(id.toString())));
        return found;
    }

    private void refuseOptedOut(OutboundMessage m, Instant now) {
        m.status = MessageStatus.FAILED;
        m.errorCode = OPTED_OUT_AT_DISPATCH;
        m.errorMessage = m.toNumber + " opted out of messages from " + m.fromNumber + " after this message was accepted";
        m.updatedAt = now;
        results.publish(m);
        registry.counter("outbound.refused", "reason", "opted_out_at_dispatch").increment();
    }

    /** Sleeps until the lane's turn; only this claim's thread can be waiting on it (one claimed message per lane). */
    private void awaitTurn(Lane lane) {
        while (true) {
            long waitMillis = Duration.between(clock.instant(), lane.nextDeparture()).toMillis();
            if (waitMillis <= 0) {
                return;
            }
            try {
                Thread.sleep(waitMillis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    void send(Claim claim) {
        if (claim.ambiguousSince() != null) {
            // an earlier attempt may have reached SignalWire: never send twice, ask first
            Optional<MessagesApi.Accepted> already;
            try {
                already = messages.findSent(claim.from(), claim.to(), claim.body(), claim.ambiguousSince());
            } catch (SignalWireException e) {
                claim.lane().release();
                failed(claim, e, true, e.codeOrStatus());
                return;
            }
            if (already.isPresent()) {
                claim.lane().release();
                registry.counter("outbound.ambiguous", "outcome", "found").increment();
                Log.infof("Message %s was sent by an earlier attempt (sid %s): not sending it again", claim.id(), already.get().sid());
                recordAccepted(claim, already.get(), null);
                return;
            }
            registry.counter("outbound.ambiguous", "outcome", "not_found").increment();
        }
        awaitTurn(claim.lane());
        // the slot counts from the moment the request leaves; if it never left (or we cannot tell), from now
        Instant[] departed = {null};
        long started = System.nanoTime();
        try {
            // our message id travels in the callback URL, so a report can always be tied to its message
            String callback = config.publicUrl().replaceAll("/+$", "") + "/api/webhooks/signalwire/status?ref=" + claim.id();
            MessagesApi.Accepted accepted;
            try {
                accepted = messages.send(claim.from(), claim.to(), claim.body(), claim.mediaUrls(), callback, () -> {
                    departed[0] = clock.instant();
                    claim.lane().departed(departed[0], claim.slot());
                });
            } finally {
                if (departed[0] == null) {
                    claim.lane().departed(clock.instant(), claim.slot());
                }
            }
            registry.timer("outbound.send.latency").record(Duration.ofNanos(System.nanoTime() - started));
            recordAccepted(claim, accepted, departed[0]);
            registry.counter("outbound.sent", "channel", claim.mediaUrls().isEmpty() ? "SMS" : "MMS").increment();
        } catch (SignalWireException e) {
            failed(claim, e, e.isTransient(), e.codeOrStatus());
        } catch (RuntimeException e) {
            failed(claim, e, true, e.getClass().getSimpleName()); // the commit of the sid failed: the send is ambiguous
        }
    }

    /** @param departedAt when the accepted request left, or null when an earlier attempt's send was found */
    private void recordAccepted(Claim claim, MessagesApi.Accepted accepted, Instant departedAt) {
        QuarkusTransaction.requiringNew().run(() -> {
            statuses.lockSid(accepted.sid()); // see StatusService.lockSid: a callback racing this commit is never lost
            OutboundMessage m = OutboundMessage.findById(claim.id());
            m.providerSid = accepted.sid();
            if (departedAt != null) {
                m.departedAt = departedAt;
            }
            m.providerStatus = accepted.status();
            if (accepted.segments() != null) {
                m.segments = accepted.segments();
            }
            m.price = accepted.price();
            m.priceUnit = accepted.priceUnit();
            m.errorCode = null;
            m.errorMessage = null;
            m.ambiguousSince = null;
            m.updatedAt = clock.instant();
            statuses.apply(m, accepted.status(), null);
            results.publish(m);
            statuses.applyPending(m); // callbacks that overtook this answer
        });
    }

    private void failed(Claim claim, RuntimeException e, boolean transientFailure, String code) {
        if (e instanceof SignalWireException s && s.httpStatus() == 429) {
            claim.lane().holdUntil(clock.instant().plusSeconds(1));
        }
        if (UNREGISTERED_SENDER.equals(code) && holdForRegistration(claim, e)) {
            return;
        }
        QuarkusTransaction.requiringNew().run(() -> {
            OutboundMessage m = OutboundMessage.findById(claim.id());
            m.errorCode = code;
            m.errorMessage = e.getMessage() == null ? null : e.getMessage().substring(0, Math.min(1000, e.getMessage().length()));
            m.updatedAt = clock.instant();
            boolean ambiguous = !(e instanceof SignalWireException s) || s.httpStatus() == 0 || s.httpStatus() >= 500;
            if (ambiguous && m.ambiguousSince == null) {
                m.ambiguousSince = m.sendingStartedAt != null ? m.sendingStartedAt : clock.instant();
            }
            if (transientFailure && m.attempts < config.maxAttempts()) {
                m.status = MessageStatus.QUEUED;
                m.nextAttemptAt = clock.instant().plus(backoff(m.attempts));
                registry.counter("outbound.retries", "error_code", code).increment();
                Log.warnf("Send of %s failed (%s), retry %d: %s", m.id, code, m.attempts, e.getMessage());
                return;
            }
            m.status = MessageStatus.FAILED;
            if (StatusService.OPTED_OUT.equals(code)) {
                senders.setOptOut(m.fromNumber, m.toNumber, true, "signalwire:21610");
            }
            registry.counter("outbound.failed", "error_code", code).increment();
            results.publish(m);
        });
    }

    /**
     * Messages held for their number's registration longer than REGISTRATION_HOLD fail with that reason; messages held
     * for review that no operator released within PUMPING_REVIEW_HOLD fail as held_for_review_expired.
     */
    void failExpiredHolds() {
        Instant now = clock.instant();
        @SuppressWarnings("unchecked")
        List<OutboundMessage> expired = em.createNativeQuery("select * from message where status = 'QUEUED' and ((held_reason = :review "
                + "and created_at < :reviewCutoff) or (held_reason is not null and held_reason <> :review and created_at < :cutoff)) "
                + "order by created_at limit " + CLAIM_BATCH + " for update skip locked", OutboundMessage.class)
                .setParameter("review", PumpingGuard.HELD_FOR_REVIEW)
                .setParameter("reviewCutoff", now.minus(config.pumping().reviewHold()))
                .setParameter("cutoff", now.minus(config.registrationHold())).getResultList();
        for (OutboundMessage m : expired) {
            boolean review = PumpingGuard.HELD_FOR_REVIEW.equals(m.heldReason);
            m.status = MessageStatus.FAILED;
            m.errorCode = review ? PumpingGuard.HELD_FOR_REVIEW + "_expired" : m.heldReason;
            m.errorMessage = review ? "held for review as a possible SMS pumping burst; no operator released it within "
                    + config.pumping().reviewHold()
                    : m.fromNumber + " was still not registered to send (10DLC campaign or toll-free verification) after "
                    + config.registrationHold();
            m.heldReason = null;
            m.updatedAt = now;
            results.publish(m);
            registry.counter("outbound.failed", "error_code", m.errorCode).increment();
        }
    }

    /** Messages left SENDING by a process that died mid-request go back to the queue. */
    void requeueStuckSending() {
        // never one this process is still sending (a slow answer is not a crash): that would send it twice
        List<UUID> stillSending = sending.isEmpty() ? List.of(new UUID(0, 0)) : List.copyOf(sending);
        int requeued = em.createNativeQuery("update message set status = 'QUEUED', next_attempt_at = :now, "
                + "ambiguous_since = coalesce(ambiguous_since, sending_started_at) where status = 'SENDING' "
                + "and provider_sid is null and sending_started_at < :cutoff and id not in (:sending)")
                .setParameter("now", clock.instant()).setParameter("cutoff", clock.instant().minus(config.sendingRecoveryAfter()))
                .setParameter("sending", stillSending)
                .executeUpdate();
        if (requeued > 0) {
            registry.counter("outbound.requeued.after.crash").increment(requeued);
            Log.warnf("Re-queued %d messages left SENDING by an earlier process", requeued);
        }
    }

    /**
     * SignalWire refused the sender as in no active 10DLC campaign (21717): the message waits (QUEUED,
     * awaiting_registration) with the number's whole queue, and provisioning is asked to register the number again.
     * Only a number that was expected to send is held: one never registered by us (UNREGISTERED, no campaign) would
     * wait for a registration that is not coming, so its message fails as before (provisioning still hears of it).
     */
    private boolean holdForRegistration(Claim claim, RuntimeException e) {
        return QuarkusTransaction.requiringNew().call(() -> {
            OutboundMessage m = OutboundMessage.findById(claim.id());
            var assignment = m.fromShared ? null : senders.assignmentOf(m.fromNumber).orElse(null);
            registrations.request(m, e.getMessage());
            if (assignment == null || "UNREGISTERED".equals(assignment.messaging())) {
                return false;
            }
            senders.refusedAsUnregistered(m.fromNumber);
            m.status = MessageStatus.QUEUED;
            m.heldReason = SenderDirectory.AWAITING_REGISTRATION;
            m.attempts = Math.max(0, m.attempts - 1); // the carrier's refusal is not a failed attempt of ours
            m.errorCode = UNREGISTERED_SENDER;
            m.errorMessage = e.getMessage();
            m.nextAttemptAt = clock.instant();
            m.updatedAt = clock.instant();
            registry.counter("outbound.held", "reason", "unregistered_sender").increment();
            Log.warnf("%s was refused as unregistered (21717): its messages wait for its registration", m.fromNumber);
            return true;
        });
    }

    /** With jitter, so retries from many messages that failed together do not arrive together. */
    Duration backoff(int attempts) {
        return new Backoff(config.initialRetryDelay(), config.maxRetryDelay()).jittered(attempts);
    }
}
