package ai.galaxyco.phone.outbound.domain;

import ai.galaxyco.phone.kit.signalwire.SignalWireException;
import ai.galaxyco.phone.model.EventJson;
import ai.galaxyco.phone.model.values.PhoneNumber;
import ai.galaxyco.phone.outbound.config.OutboundConfig;
import ai.galaxyco.phone.outbound.signalwire.MessagesApi;
import com.fasterxml.jackson.core.type.TypeReference;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.logging.Log;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.persistence.EntityManager;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Sends queued messages, driven from the database so that an accepted message survives a crash. Each
 * sender number has a lane that admits one message when the previous one's segments have "drained" at the
 * number's rate (long code 1/s, toll-free 3/s by default): a burst waits in line instead of failing, and
 * different numbers send in parallel.
 *
 * <p>Crash window: a message is marked SENDING before the request and gets its sid after the answer. If the
 * process dies between SignalWire accepting the request and that commit, the message is sent again after
 * {@code outbound.sending-recovery-after}. The window is one HTTP round trip plus one commit.
 */
@ApplicationScoped
public class Dispatcher {

    private static final int CLAIM_BATCH = 200;
    private static final TypeReference<List<String>> URLS = new TypeReference<>() {
    };

    private final MessagesApi messages;
    private final StatusService statuses;
    private final SenderDirectory senders;
    private final ResultPublisher results;
    private final OutboundConfig config;
    private final EntityManager em;
    private final Clock clock;
    private final MeterRegistry registry;
    private final ExecutorService executor;
    private final Semaphore inFlight;
    /** When each sender number may send next. Per instance: several instances each pace on their own. */
    private final Map<String, Instant> laneFreeAt = new ConcurrentHashMap<>();
    private volatile Instant lastRecovery = Instant.EPOCH;

    public Dispatcher(MessagesApi messages, StatusService statuses, SenderDirectory senders, ResultPublisher results,
            OutboundConfig config, EntityManager em, Clock clock, MeterRegistry registry) {
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

    void stop(@Observes ShutdownEvent event) {
        executor.shutdown();
    }

    record Claim(UUID id, String from, String to, String body, List<String> mediaUrls, Instant createdAt) {
    }

    @Scheduled(every = "${outbound.dispatch-interval:50ms}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void tick() {
        Instant now = clock.instant();
        if (Duration.between(lastRecovery, now).toSeconds() >= 10) {
            lastRecovery = now;
            QuarkusTransaction.requiringNew().run(this::requeueStuckSending);
        }
        for (Claim claim : claim(now)) {
            inFlight.acquireUninterruptibly();
            executor.submit(() -> {
                try {
                    send(claim);
                } finally {
                    inFlight.release();
                }
            });
        }
    }

    /** The oldest due message of every sender number whose lane is free, marked SENDING. */
    List<Claim> claim(Instant now) {
        return QuarkusTransaction.requiringNew().call(() -> {
            @SuppressWarnings("unchecked")
            List<OutboundMessage> heads = em.createNativeQuery("select * from message where id in ("
                    + "select distinct on (from_number) id from message where status = 'QUEUED' and next_attempt_at <= ?1 "
                    + "order by from_number, created_at) limit " + CLAIM_BATCH + " for update skip locked", OutboundMessage.class)
                    .setParameter(1, now).getResultList();
            List<Claim> claims = new ArrayList<>();
            for (OutboundMessage m : heads) {
                Instant freeAt = laneFreeAt.getOrDefault(m.fromNumber, Instant.EPOCH);
                if (freeAt.isAfter(now)) {
                    continue; // this number's previous segments are still draining
                }
                double rate = PhoneNumber.parse(m.fromNumber).isTollFree() ? config.pacing().tollFreePerSecond()
                        : config.pacing().longCodePerSecond();
                Duration slot = Duration.ofNanos((long) (m.segments / rate * 1_000_000_000L));
                // the next slot follows the previous one, not this (possibly late) tick, so tick delays do not add up;
                // a lane idle for longer than one slot starts afresh, so no burst credit builds up
                Instant base = Duration.between(freeAt, now).compareTo(slot) < 0 ? freeAt : now;
                laneFreeAt.put(m.fromNumber, base.plus(slot));
                m.status = MessageStatus.SENDING;
                m.sendingStartedAt = now;
                m.attempts++;
                m.updatedAt = now;
                registry.timer("outbound.queue.wait").record(Duration.between(m.createdAt, now));
                claims.add(new Claim(m.id, m.fromNumber, m.toNumber, m.body,
                        m.mediaUrls == null ? List.of() : readUrls(m.mediaUrls), m.createdAt));
            }
            return claims;
        });
    }

    void send(Claim claim) {
        long started = System.nanoTime();
        try {
            String callback = config.publicUrl().replaceAll("/+$", "") + "/api/webhooks/signalwire/status";
            MessagesApi.Accepted accepted = messages.send(claim.from(), claim.to(), claim.body(), claim.mediaUrls(), callback);
            registry.timer("outbound.send.latency").record(Duration.ofNanos(System.nanoTime() - started));
            QuarkusTransaction.requiringNew().run(() -> {
                OutboundMessage m = OutboundMessage.findById(claim.id());
                m.providerSid = accepted.sid();
                m.providerStatus = accepted.status();
                if (accepted.segments() != null) {
                    m.segments = accepted.segments();
                }
                m.price = accepted.price();
                m.priceUnit = accepted.priceUnit();
                m.errorCode = null;
                m.errorMessage = null;
                m.updatedAt = clock.instant();
                statuses.apply(m, accepted.status(), null);
                results.publish(m);
                statuses.applyPending(m); // callbacks that overtook this answer
            });
            registry.counter("outbound.sent").increment();
        } catch (SignalWireException e) {
            failed(claim, e, e.isTransient(), e.codeOrStatus());
        } catch (RuntimeException e) {
            failed(claim, e, true, e.getClass().getSimpleName());
        }
    }

    private void failed(Claim claim, RuntimeException e, boolean transientFailure, String code) {
        if (e instanceof SignalWireException s && s.httpStatus() == 429) {
            laneFreeAt.merge(claim.from(), clock.instant().plusSeconds(1), (a, b) -> a.isAfter(b) ? a : b);
        }
        QuarkusTransaction.requiringNew().run(() -> {
            OutboundMessage m = OutboundMessage.findById(claim.id());
            m.errorCode = code;
            m.errorMessage = e.getMessage() == null ? null : e.getMessage().substring(0, Math.min(1000, e.getMessage().length()));
            m.updatedAt = clock.instant();
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

    /** Messages left SENDING by a process that died mid-request go back to the queue. */
    void requeueStuckSending() {
        int requeued = em.createNativeQuery("update message set status = 'QUEUED', next_attempt_at = ?1 where status = 'SENDING' "
                + "and provider_sid is null and sending_started_at < ?2")
                .setParameter(1, clock.instant()).setParameter(2, clock.instant().minus(config.sendingRecoveryAfter()))
                .executeUpdate();
        if (requeued > 0) {
            registry.counter("outbound.requeued.after.crash").increment(requeued);
            Log.warnf("Re-queued %d messages left SENDING by an earlier process", requeued);
        }
    }

    /** Exponential backoff with full jitter, so retries from many messages do not arrive together. */
    Duration backoff(int attempts) {
        long cap = Math.min(config.maxRetryDelay().toMillis(),
                config.initialRetryDelay().toMillis() * (1L << Math.min(attempts - 1, 20)));
        return Duration.ofMillis(cap / 2 + ThreadLocalRandom.current().nextLong(cap / 2 + 1));
    }

    private static List<String> readUrls(String json) {
        try {
            return new com.fasterxml.jackson.databind.ObjectMapper().readValue(json, URLS);
        } catch (Exception e) {
            throw new EventJson.MalformedEventException("stored media URLs unreadable", e);
        }
    }
}
