package ai.galaxyco.phone.routing.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/**
 * Routing's settings. The shared platform number is not one of them: it is whatever number-assignments marks
 * {@code shared} (published by provisioning from SIGNALWIRE_PHONE_NUMBER), so no two services can disagree on it.
 */
@ConfigMapping(prefix = "routing")
public interface RoutingConfig {

    /** How long "the workspace that last wrote to this person from the shared number" stays valid. */
    @WithDefault("P30D")
    Duration sharedReplyTtl();

    /**
     * FORWARDING_RETENTION: how long the calls' final statuses and the forwarded seconds per day are kept (default 30
     * days; the gateway's budget reads only today's).
     */
    @WithDefault("P30D")
    Duration forwardingRetention();
}
