package ai.galaxyco.phone.kit.signalwire;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Optional;

/**
 * SignalWire credentials, read from the seed's variables by SmallRye's environment mapping
 * (signalwire.project-id = SIGNALWIRE_PROJECT_ID, and so on).
 */
@ConfigMapping(prefix = "signalwire")
public interface SignalWireConfig {

    /** SIGNALWIRE_PROJECT_ID: the Basic-auth user and the AccountSid in every path. */
    Optional<String> projectId();

    /** SIGNALWIRE_TOKEN: the API token (Basic-auth password). */
    Optional<String> token();

    /**
     * SIGNALWIRE_SPACE_URL: {@code example.signalwire.com} (https implied), the seed's
     * {@code example.sip.signalwire.com} (mapped to the REST host), or a full URL used as given (sandbox, tests).
     */
    Optional<String> spaceUrl();

    /** SIGNALWIRE_PHONE_NUMBER: the shared platform number of Starter workspaces. */
    Optional<String> phoneNumber();

    /** SIGNALWIRE_SIGNING_KEY: signs the webhooks SignalWire sends (checked by the gateway). */
    Optional<String> signingKey();

    /**
     * Whether the packaged application refuses to start without project, token and space: set by the services whose
     * work is SignalWire calls (provisioning, outbound); analytics works without them (no price settlement).
     */
    @WithDefault("false")
    boolean credentialsRequired();

    @WithDefault("5s")
    Duration connectTimeout();

    @WithDefault("15s")
    Duration readTimeout();

    /**
     * SIGNALWIRE_IDLE_CONNECTION_TIMEOUT: how long an idle pooled connection is kept. Shorter than the servers'
     * own idle timeouts (load balancers, the sandbox's 30 s), so a reused connection is very unlikely to be dead.
     */
    @WithDefault("20s")
    Duration idleConnectionTimeout();
}
