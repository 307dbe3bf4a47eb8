package ai.galaxyco.phone.kit.domain;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * How long to wait before trying again: {@code first}, doubled after every further failure, never more than
 * {@code max}. Used by every retry in the system (purchases, registrations, sends, parked requests, consumers waiting
 * for the database, the outbox relay, price settlement), so each states only its two durations.
 */
public record Backoff(Duration first, Duration max) {

    public Backoff {
        if (first.isNegative() || first.isZero() || max.compareTo(first) < 0) {
            throw new IllegalArgumentException("a backoff needs 0 < first <= max, not " + first + " and " + max);
        }
    }

    /** The wait before retry number {@code attempt} (1 is the first retry; lower counts as 1). */
    public Duration delay(int attempt) {
        int doublings = Math.min(Math.max(attempt - 1, 0), 40);
        // compare before multiplying: 2^40 times a long first step would overflow Duration
        return first.compareTo(max.dividedBy(1L << doublings)) > 0 ? max : first.multipliedBy(1L << doublings);
    }

    /** {@link #delay} with jitter, anywhere in its upper half: retries of many messages that failed together spread out. */
    public Duration jittered(int attempt) {
        long ceiling = delay(attempt).toMillis();
        return Duration.ofMillis(ceiling / 2 + ThreadLocalRandom.current().nextLong(ceiling / 2 + 1));
    }
}
