package ai.galaxyco.phone.analytics.domain;

import ai.galaxyco.phone.analytics.config.AnalyticsConfig;
import ai.galaxyco.phone.kit.api.ProblemException;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.operators.multi.processors.BroadcastProcessor;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.transaction.Status;
import jakarta.transaction.Synchronization;
import jakarta.transaction.TransactionSynchronizationRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * New ledger facts as they happen, for the live usage stream: a fact is announced once the transaction that wrote it
 * committed (never one that rolled back). Each instance announces what it wrote; with several instances a subscriber
 * sees the facts of the instance it is connected to.
 *
 * <p>Streams are bounded: each ends when the token that opened it expires (the client reconnects with a fresh one,
 * so a revoked or downgraded caller loses the stream within a token's life), and a workspace may hold
 * LIVE_STREAMS_PER_WORKSPACE of them, an instance LIVE_STREAMS_PER_INSTANCE. Facts are handed to one fan-out thread
 * and from there to their workspace's subscribers only: the consumer's commit never waits on a subscriber, and no
 * fact is offered to every subscriber of the instance to be filtered.
 */
@ApplicationScoped
public class LiveFacts {

    /** A fact as the stream shows it; {@code cost} as a decimal string (the estimate or the actual price). */
    public record LiveFact(String workspaceId, String kind, String channel, String sourceId, int quantity, String status,
            String cost, Instant occurredAt) {
    }

    private final TransactionSynchronizationRegistry transactions;
    private final AnalyticsConfig.LiveStreams limits;
    private final Clock clock;
    /** The workspaces with an open stream, each with its own processor; the fan-out thread alone writes to them. */
    private final Map<String, BroadcastProcessor<LiveFact>> byWorkspace = new ConcurrentHashMap<>();
    private final Map<String, Integer> openByWorkspace = new HashMap<>();
    private int open;
    private final ExecutorService fanOut = Executors.newSingleThreadExecutor(runnable -> {
        Thread thread = new Thread(runnable, "live-facts-fan-out");
        thread.setDaemon(true);
        return thread;
    });

    public LiveFacts(TransactionSynchronizationRegistry transactions, AnalyticsConfig config, Clock clock,
            MeterRegistry registry) {
        this.transactions = transactions;
        this.limits = config.liveStreams();
        this.clock = clock;
        Gauge.builder("analytics.live.streams", this, LiveFacts::openStreams).description("open live usage streams")
                .register(registry);
    }

    void stop(@Observes ShutdownEvent event) {
        fanOut.shutdownNow();
    }

    /** Announces {@code written} when the current transaction commits (nothing if it rolls back). */
    public void afterCommit(List<LiveFact> written) {
        if (written.isEmpty()) {
            return;
        }
        transactions.registerInterposedSynchronization(new Synchronization() {
            @Override
            public void beforeCompletion() {
            }

            @Override
            public void afterCompletion(int status) {
                if (status == Status.STATUS_COMMITTED && !byWorkspace.isEmpty()) {
                    fanOut.execute(() -> written.forEach(LiveFacts.this::announce));
                }
            }
        });
    }

    /** On the fan-out thread only, so each processor takes its items one at a time. */
    private void announce(LiveFact fact) {
        BroadcastProcessor<LiveFact> subscribers = byWorkspace.get(fact.workspaceId());
        if (subscribers != null) {
            subscribers.onNext(fact);
        }
    }

    /**
     * The workspace's new facts until {@code until} (the caller's token's expiry), when the stream completes; a
     * subscriber too slow to take them loses some rather than holding the others up.
     *
     * @throws ProblemException 429 when the workspace or this instance holds as many streams as allowed
     */
    public Multi<LiveFact> of(String workspaceId, Instant until) {
        BroadcastProcessor<LiveFact> subscribers = open(workspaceId);
        Duration left = Duration.between(clock.instant(), until);
        return subscribers.onOverflow().drop().select().first(left.isNegative() ? Duration.ZERO : left)
                .onTermination().invoke(() -> close(workspaceId));
    }

    private synchronized BroadcastProcessor<LiveFact> open(String workspaceId) {
        int ofWorkspace = openByWorkspace.getOrDefault(workspaceId, 0);
        if (ofWorkspace >= limits.perWorkspace()) {
            throw new ProblemException(429, "live_streams_exhausted", "workspace " + workspaceId + " already has " + ofWorkspace
                    + " live usage streams open here, the most allowed (LIVE_STREAMS_PER_WORKSPACE); close one first",
                    Map.of("Retry-After", "10"));
        }
        if (open >= limits.perInstance()) {
            throw new ProblemException(429, "live_streams_exhausted", "this instance holds " + open
                    + " live usage streams, the most allowed (LIVE_STREAMS_PER_INSTANCE); try again shortly",
                    Map.of("Retry-After", "10"));
        }
        openByWorkspace.put(workspaceId, ofWorkspace + 1);
        open++;
        return byWorkspace.computeIfAbsent(workspaceId, id -> BroadcastProcessor.create());
    }

    private synchronized void close(String workspaceId) {
        int left = openByWorkspace.getOrDefault(workspaceId, 1) - 1;
        open--;
        if (left > 0) {
            openByWorkspace.put(workspaceId, left);
            return;
        }
        openByWorkspace.remove(workspaceId);
        BroadcastProcessor<LiveFact> idle = byWorkspace.remove(workspaceId);
        if (idle != null) {
            fanOut.execute(idle::onComplete); // on the fan-out thread, after whatever it was given before
        }
    }

    /** Streams open on this instance now. */
    public synchronized int openStreams() {
        return open;
    }
}
