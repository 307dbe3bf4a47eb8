package ai.galaxyco.phone.kit.config;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.distribution.DistributionStatisticConfig;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.Set;

/**
 * Publishes histogram buckets for the latencies operators ask percentiles of (the Grafana dashboard's gateway p99 and
 * time to number): Prometheus computes percentiles across instances from buckets, never from per-instance summaries.
 * Bounded to 1 ms .. 2 min, which keeps each timer to a few dozen buckets.
 */
public class LatencyHistograms {

    static final Set<String> TIMERS = Set.of("http.server.requests", "provisioning.purchase", "outbound.send.latency",
            "outbound.queue.wait");

    @Produces
    @Singleton
    MeterFilter latencyHistograms() {
        return new MeterFilter() {
            @Override
            public DistributionStatisticConfig configure(Meter.Id id, DistributionStatisticConfig config) {
                if (!TIMERS.contains(id.getName())) {
                    return config;
                }
                return DistributionStatisticConfig.builder().percentilesHistogram(true)
                        .minimumExpectedValue((double) Duration.ofMillis(1).toNanos())
                        .maximumExpectedValue((double) Duration.ofMinutes(2).toNanos()).build().merge(config);
            }
        };
    }
}
