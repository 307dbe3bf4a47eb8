package ai.galaxyco.phone.sandbox;

import java.time.Duration;
import java.util.Set;

/**
 * How the sandbox behaves. {@code purchaseLatency} delays number purchases (real purchases take hundreds of
 * milliseconds); {@code releaseCooldown} makes a release within that time after purchase fail with 22121 as
 * SignalWire does; {@code outOfOrderCallbacks} posts "delivered" before "sent". Every API request waits
 * {@code requestLatency} plus a random part up to {@code requestLatencySpread} before it is answered (its receive
 * time is recorded before that wait).
 */
public record SandboxSettings(
        String projectId,
        String token,
        String signingKey,
        Duration requestLatency,
        Duration requestLatencySpread,
        Duration purchaseLatency,
        Duration releaseCooldown,
        Duration callbackDelay,
        boolean outOfOrderCallbacks,
        Set<String> exhaustedAreaCodes) {

    public static SandboxSettings defaults(String projectId, String token, String signingKey) {
        return new SandboxSettings(projectId, token, signingKey, Duration.ZERO, Duration.ZERO, Duration.ZERO, Duration.ZERO,
                Duration.ofMillis(50), false, Set.of());
    }

    public SandboxSettings withRequestLatency(Duration latency, Duration spread) {
        return new SandboxSettings(projectId, token, signingKey, latency, spread, purchaseLatency, releaseCooldown, callbackDelay,
                outOfOrderCallbacks, exhaustedAreaCodes);
    }

    public SandboxSettings withPurchaseLatency(Duration latency) {
        return new SandboxSettings(projectId, token, signingKey, requestLatency, requestLatencySpread, latency, releaseCooldown, callbackDelay,
                outOfOrderCallbacks, exhaustedAreaCodes);
    }

    public SandboxSettings withReleaseCooldown(Duration cooldown) {
        return new SandboxSettings(projectId, token, signingKey, requestLatency, requestLatencySpread, purchaseLatency, cooldown, callbackDelay,
                outOfOrderCallbacks, exhaustedAreaCodes);
    }

    public SandboxSettings withOutOfOrderCallbacks(boolean outOfOrder) {
        return new SandboxSettings(projectId, token, signingKey, requestLatency, requestLatencySpread, purchaseLatency, releaseCooldown,
                callbackDelay, outOfOrder, exhaustedAreaCodes);
    }

    public SandboxSettings withExhaustedAreaCodes(Set<String> areaCodes) {
        return new SandboxSettings(projectId, token, signingKey, requestLatency, requestLatencySpread, purchaseLatency, releaseCooldown,
                callbackDelay, outOfOrderCallbacks, areaCodes);
    }
}
