package ai.galaxyco.phone.provisioning.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Optional;

@ConfigMapping(prefix = "provisioning")
public interface ProvisioningConfig {

    /** NEXT_PUBLIC_APP_URL: base of the SmsUrl, VoiceUrl and StatusCallback given to every bought number. */
    String publicUrl();

    /** How long a number is kept after a downgrade or deletion before it is released (0 allowed). */
    @WithDefault("P7D")
    Duration releaseGracePeriod();

    /** Area code tried after the workspace's own preference and before "any". */
    Optional<String> defaultAreaCode();

    /** FriendlyName given to bought numbers is this prefix plus the workspace id; reconciliation finds them by it. */
    @WithDefault("galaxyco:")
    String friendlyNamePrefix();

    /** How often due purchases and releases are looked for. */
    @WithDefault("1s")
    Duration workerInterval();

    /** How many purchases or releases run at once. */
    @WithDefault("16")
    int parallelism();

    @WithDefault("5s")
    Duration initialRetryDelay();

    @WithDefault("1h")
    Duration maxRetryDelay();

    /** When SignalWire refuses a release as too soon after purchase (22121), try again after this. */
    @WithDefault("1h")
    Duration releaseCooldownRetry();

    /** A claimed purchase not finished within this time (crash) is claimed again; reconciliation adopts the number. */
    @WithDefault("5m")
    Duration claimLease();

    /** Time between reconciliation passes; the first runs at start-up (see {@link #reconcileAtStart()}). */
    @WithDefault("10m")
    Duration reconcileInterval();

    /** Whether the first pass runs as soon as the lifecycle events from before start-up are applied. */
    @WithDefault("true")
    boolean reconcileAtStart();

    /** A failed pass (SignalWire unreachable) is tried again after this, not a whole interval later. */
    @WithDefault("1m")
    Duration reconcileRetryAfter();
}
