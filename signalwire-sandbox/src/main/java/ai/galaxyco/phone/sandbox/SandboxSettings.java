package ai.galaxyco.phone.sandbox;

import java.time.Duration;
import java.util.Set;

/**
 * How the sandbox behaves. {@code purchaseLatency} delays number purchases (real purchases take hundreds of
 * milliseconds); {@code releaseCooldown} makes a release within that time after purchase fail with 22121 as
 * SignalWire does; {@code outOfOrderCallbacks} posts "delivered" before "sent".
 */
public record SandboxSettings(
        String projectId,
        String token,
        String signingKey,
        Duration requestLatency,
        Duration purchaseLatency,
        Duration releaseCooldown,
        Duration callbackDelay,
        boolean outOfOrderCallbacks,
        Set<String> exhaustedAreaCodes) {

    public static SandboxSettings defaults(String projectId, String token, String signingKey) {
        return new SandboxSettings(projectId, token, signingKey, Duration.ZERO, Duration.ZERO, Duration.ZERO,
                Duration.ofMillis(50), false, Set.of());
    }

    public SandboxSettings withPurchaseLatency(Duration latency) {
        return new SandboxSettings(projectId, token, signingKey, requestLatency, latency, releaseCooldown, callbackDelay,
                outOfOrderCallbacks, exhaustedAreaCodes);
    }

    public SandboxSettings withReleaseCooldown(Duration cooldown) {
        return new SandboxSettings(projectId, token, signingKey, requestLatency, purchaseLatency, cooldown, callbackDelay,
                outOfOrderCallbacks, exhaustedAreaCodes);
    }

    public SandboxSettings withOutOfOrderCallbacks(boolean outOfOrder) {
        return new SandboxSettings(projectId, token, signingKey, requestLatency, purchaseLatency, releaseCooldown,
                callbackDelay, outOfOrder, exhaustedAreaCodes);
    }

    public SandboxSettings withExhaustedAreaCodes(Set<String> areaCodes) {
        return new SandboxSettings(projectId, token, signingKey, requestLatency, purchaseLatency, releaseCooldown,
                callbackDelay, outOfOrderCallbacks, areaCodes);
    }
}
