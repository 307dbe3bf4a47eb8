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

    /** ENTERPRISE_MAX_NUMBERS: how many dedicated numbers an Enterprise workspace may hold (Pro holds 1, Starter 0). */
    @WithDefault("10")
    int enterpriseMaxNumbers();

    /**
     * FORWARDING_ALLOWED_COUNTRIES: ISO regions calls may be forwarded to (default US,CA); premium-rate and the other
     * {@code DestinationPolicy.REFUSED_TYPES} are refused everywhere. The gateway applies the same rule when a call comes in.
     */
    @WithDefault("US,CA")
    String forwardingAllowedCountries();

    /**
     * NUMBER_PURCHASES_PER_MONTH: numbers a workspace may add per calendar month (UTC), counting every number bought
     * for it that month and every purchase still pending (default: twice its plan's maximum). Bounds add, release,
     * add loops, each of which buys a number; beyond it 429 purchase_budget_exhausted.
     */
    Optional<Integer> numberPurchasesPerMonth();

    /** Area code tried after the workspace's own preference and before "any". */
    Optional<String> defaultAreaCode();

    /** FriendlyName of bought numbers: this prefix, the deployment id, ':' and the workspace id (see NumberTags). */
    @WithDefault("galaxyco:")
    String friendlyNamePrefix();

    /**
     * PHONE_DEPLOYMENT_ID: tells this deployment's numbers from those of others sharing the SignalWire project
     * (default: the host of NEXT_PUBLIC_APP_URL).
     */
    Optional<String> deploymentId();

    /** ORPHAN_GRACE: how long a number of ours that no workspace wants is kept (quarantined) before release. */
    @WithDefault("P3D")
    Duration orphanGrace();

    /**
     * RECONCILE_MAX_CHANGES: a pass that would release or give up more numbers than this (or 2 % of the inventory,
     * whichever is larger) changes nothing until an operator confirms it.
     */
    @WithDefault("5")
    int reconcileMaxChanges();

    /** RECONCILE_MODE: {@code apply}, or {@code report} for dry runs that only log and record what they would do. */
    @WithDefault("apply")
    String reconcileMode();

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
    /**
     * PROVISIONING_ATTEMPT_RETENTION: finished provisioning attempts older than this are deleted, except each
     * workspace's newest {@code attemptsKept} (its history on the numbers page stays readable).
     */
    @WithDefault("P400D")
    Duration attemptRetention();

    @WithDefault("20")
    int attemptsKept();

    @WithDefault("10m")
    Duration reconcileInterval();

    /** Whether the first pass runs as soon as the lifecycle events from before start-up are applied. */
    @WithDefault("true")
    boolean reconcileAtStart();

    /** A failed pass (SignalWire unreachable) is tried again after this, not a whole interval later. */
    @WithDefault("1m")
    Duration reconcileRetryAfter();

    /**
     * SIGNALWIRE_CAMPAIGN_ID: the 10DLC campaign new local numbers are assigned to (an order at SignalWire's Campaign
     * Registry); unset: numbers stay UNREGISTERED. {@link #campaignIdPro()} and {@link #campaignIdEnterprise()}
     * (SIGNALWIRE_CAMPAIGN_ID_PRO, SIGNALWIRE_CAMPAIGN_ID_ENTERPRISE) override it per plan.
     */
    Optional<String> campaignId();

    Optional<String> campaignIdPro();

    Optional<String> campaignIdEnterprise();

    /** NUMBER_TYPE: {@code local} (10DLC, the default) or {@code toll-free}: what new numbers are bought as. */
    @WithDefault("local")
    String numberType();

    /** How often due registration orders are placed and pending ones looked for. */
    @WithDefault("1s")
    Duration registrationInterval();

    /** REGISTRATION_POLL_INTERVAL: a pending order is read back this often (the status callback usually comes first). */
    @WithDefault("5m")
    Duration registrationPollInterval();

    /** A failed order is placed again after this, doubling up to {@link #registrationMaxRetryDelay()}. */
    @WithDefault("1m")
    Duration registrationRetryDelay();

    @WithDefault("6h")
    Duration registrationMaxRetryDelay();

    /** DRIFT_CHECK_INTERVAL: how often every number's webhook URLs at SignalWire are compared with ours. */
    @WithDefault("1h")
    Duration driftCheckInterval();

    /**
     * Whether the first drift check runs soon after the first start-up (otherwise after an interval); a change of
     * NEXT_PUBLIC_APP_URL since the last check makes one due at once either way.
     */
    @WithDefault("true")
    boolean driftCheckAtStart();
}
