package ai.galaxyco.phone.gateway.config;

import ai.galaxyco.phone.model.values.Plan;
import io.quarkus.runtime.configuration.MemorySize;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithConverter;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Optional;

/** The gateway's configuration; application.properties binds each key to the seed's environment variable. */
@ConfigMapping(prefix = "gateway")
public interface GatewayConfig {

    /** NEXT_PUBLIC_APP_URL: the public base URL SignalWire calls; signatures are checked against it. */
    String publicUrl();

    /** CLERK_WEBHOOK_SECRET ({@code whsec_...}). Required outside dev and test. */
    Optional<String> clerkWebhookSecret();

    /** SIGNALWIRE_SIGNING_KEY, or SIGNALWIRE_TOKEN when no separate signing key is set. Required outside dev and test. */
    Optional<String> signalwireSigningKey();

    /** How long a webhook waits for the broker's acknowledgement before it is spooled instead. */
    @WithDefault("3s")
    Duration publishTimeout();

    /** GATEWAY_SPOOL_DIR: this instance's own directory for webhooks the broker did not take in time. */
    String spoolDir();

    /** GATEWAY_SPOOL_MAX_SIZE: the spool's bound; beyond it webhooks are answered 503. */
    MemorySize spoolMaxSize();

    /**
     * FORWARDING_ALLOWED_COUNTRIES, as provisioning reads it: a forward target outside these regions (or of a refused
     * type, or one of the platform's own numbers) is not dialled when the call comes in; the call goes to voicemail.
     */
    @WithDefault("US,CA")
    String forwardingAllowedCountries();

    /** FORWARD_MAX_CALL_SECONDS: the {@code timeLimit} of every forwarded call's {@code <Dial>} (default 3600). */
    @WithDefault("3600")
    @WithConverter(PositiveSeconds.class)
    int forwardMaxCallSeconds();

    /**
     * FORWARD_RING_SECONDS: how long a forward target rings (the {@code <Dial timeout>}, 5–600 s, default 25) before the
     * caller goes to voicemail instead.
     */
    @WithDefault("25")
    @WithConverter(RingSeconds.class)
    int forwardRingSeconds();

    /**
     * FORWARD_DAILY_MINUTES_PRO (300) and FORWARD_DAILY_MINUTES_ENTERPRISE (1000): minutes a workspace's calls may be
     * forwarded per UTC day; with none left, calls go to voicemail.
     */
    ForwardDailyMinutes forwardDailyMinutes();

    interface ForwardDailyMinutes {
        int pro();

        int enterprise();

        /** A plan's minutes; an assignment without a plan (older events) gets Pro's, the smaller. */
        default int of(Plan plan) {
            return plan == Plan.ENTERPRISE ? enterprise() : pro();
        }
    }

    /** SignalWire's range for {@code <Dial timeout>}. */
    class RingSeconds implements org.eclipse.microprofile.config.spi.Converter<Integer> {
        @Override
        public Integer convert(String value) {
            int seconds = Integer.parseInt(value.strip());
            if (seconds < 5 || seconds > 600) {
                throw new IllegalArgumentException("FORWARD_RING_SECONDS must be between 5 and 600 seconds, got " + value);
            }
            return seconds;
        }
    }

    /** A time limit must be a positive number of seconds: 0 would mean no limit at SignalWire. */
    class PositiveSeconds implements org.eclipse.microprofile.config.spi.Converter<Integer> {
        @Override
        public Integer convert(String value) {
            int seconds = Integer.parseInt(value.strip());
            if (seconds <= 0) {
                throw new IllegalArgumentException("FORWARD_MAX_CALL_SECONDS must be a positive number of seconds, got " + value);
            }
            return seconds;
        }
    }
}
