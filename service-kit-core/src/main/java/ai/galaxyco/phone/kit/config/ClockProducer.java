package ai.galaxyco.phone.kit.config;

import io.quarkus.arc.DefaultBean;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.time.Clock;

/**
 * The system clock in UTC, for every module (signature tolerances, outbox times, schedules); a test replaces it
 * with its own {@code Clock} bean to move time.
 */
public class ClockProducer {

    @Produces
    @Singleton
    @DefaultBean
    Clock clock() {
        return Clock.systemUTC();
    }
}
