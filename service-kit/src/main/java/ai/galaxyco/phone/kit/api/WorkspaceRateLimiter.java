package ai.galaxyco.phone.kit.api;

import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * A token bucket per workspace and endpoint class (reads, writes): {@code galaxyco.api.rate-limit-per-minute}
 * (API_RATE_LIMIT_PER_MINUTE, default 600) requests a minute, refilled continuously, a full minute's worth as burst.
 * One tenant's script cannot take a service's database time from everyone else. Per instance: with several
 * instances a workspace gets up to that many times the limit.
 */
@ApplicationScoped
public class WorkspaceRateLimiter {

    private static final int MAX_BUCKETS = 100_000;

    private final double perMinute;
    private final Clock clock;
    private final Map<String, Bucket> buckets = new ConcurrentHashMap<>();

    public WorkspaceRateLimiter(@ConfigProperty(name = "galaxyco.api.rate-limit-per-minute", defaultValue = "600") int perMinute,
            Clock clock) {
        this.perMinute = perMinute;
        this.clock = clock;
    }

    /** Takes one request's token; returns 0 if allowed, else the seconds until one is available (for Retry-After). */
    public long take(String workspaceId, String endpointClass) {
        if (buckets.size() > MAX_BUCKETS) {
            buckets.clear(); // a crude bound: forgetting every bucket only ever lets a little more through
        }
        Bucket bucket = buckets.computeIfAbsent(workspaceId + "|" + endpointClass, k -> new Bucket(perMinute, clock.millis()));
        return bucket.take(perMinute, clock.millis());
    }

    static final class Bucket {
        private double tokens;
        private long updatedAt;

        Bucket(double capacity, long now) {
            this.tokens = capacity;
            this.updatedAt = now;
        }

        synchronized long take(double perMinute, long now) {
            tokens = Math.min(perMinute, tokens + (now - updatedAt) * perMinute / 60_000.0);
            updatedAt = now;
            if (tokens >= 1) {
                tokens -= 1;
                return 0;
            }
            return (long) Math.ceil((1 - tokens) * 60.0 / perMinute);
        }
    }
}
