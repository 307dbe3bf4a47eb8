package ai.galaxyco.phone.routing.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Optional;

@ConfigMapping(prefix = "routing")
public interface RoutingConfig {

    /** SIGNALWIRE_PHONE_NUMBER: the shared platform number; replies to it are attributed by last sender. */
    Optional<String> sharedNumber();

    /** How long "the workspace that last wrote to this person from the shared number" stays valid. */
    @WithDefault("P30D")
    Duration sharedReplyTtl();
}
