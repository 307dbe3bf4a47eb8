package ai.galaxyco.phone.kit.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class BackoffTest {

    private final Backoff backoff = new Backoff(Duration.ofSeconds(30), Duration.ofMinutes(10));

    @Test
    void doublesFromTheFirstWaitUpToTheLongest() {
        assertEquals(Duration.ofSeconds(30), backoff.delay(1));
        assertEquals(Duration.ofSeconds(60), backoff.delay(2));
        assertEquals(Duration.ofSeconds(480), backoff.delay(5));
        assertEquals(Duration.ofMinutes(10), backoff.delay(6));
        assertEquals(Duration.ofMinutes(10), backoff.delay(Integer.MAX_VALUE));
        assertEquals(Duration.ofSeconds(30), backoff.delay(0), "no retry yet counts as the first");
    }

    @Test
    void jitterStaysInTheUpperHalf() {
        for (int attempt = 1; attempt < 10; attempt++) {
            for (int i = 0; i < 200; i++) {
                Duration wait = backoff.jittered(attempt);
                assertTrue(wait.compareTo(backoff.delay(attempt).dividedBy(2)) >= 0 && wait.compareTo(backoff.delay(attempt)) <= 0,
                        wait + " for attempt " + attempt);
            }
        }
    }

    @Test
    void aLongFirstStepDoesNotOverflow() {
        Backoff hours = new Backoff(Duration.ofHours(6), Duration.ofDays(365));
        assertEquals(Duration.ofDays(365), hours.delay(1_000));
    }

    @Test
    void nonsenseDurationsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new Backoff(Duration.ZERO, Duration.ofSeconds(1)));
        assertThrows(IllegalArgumentException.class, () -> new Backoff(Duration.ofSeconds(2), Duration.ofSeconds(1)));
    }
}
