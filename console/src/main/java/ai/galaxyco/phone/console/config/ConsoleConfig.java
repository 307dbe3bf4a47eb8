package ai.galaxyco.phone.console.config;

import io.smallrye.config.ConfigMapping;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;

/** Where the console finds the services, and who may sign in. Environment names are in application.properties. */
@ConfigMapping(prefix = "galaxyco.console")
public interface ConsoleConfig {

    /** PROVISIONING_URL: the provisioning service's API (numbers, provisioning history, operator lists). */
    String provisioningUrl();

    /** ROUTING_URL: the routing service's API (conversations, inboxes). */
    String routingUrl();

    /** OUTBOUND_URL: the outbound service's API (sending, message status). */
    String outboundUrl();

    /** ANALYTICS_URL: the analytics service's API (usage and cost); the usage page says so while it cannot be reached. */
    String analyticsUrl();

    /** CONSOLE_REQUEST_TIMEOUT: how long one call to a service may take before the page says it is unavailable. */
    Duration requestTimeout();

    /** CONSOLE_POLL_INTERVAL: how often an open page asks for changes while something is in progress. */
    Duration pollInterval();

    /** CLERK_AUTHORIZED_PARTIES: the front end's origins; a session token's {@code azp} must be one of them. */
    Optional<Set<String>> authorizedParties();

    /** SERVICE_JWT_ISSUER: the issuer of platform service tokens, the operators' sign-in to {@code /ops}. */
    String serviceIssuer();

    /**
     * SERVICE_JWT_PUBLIC_KEY: their verification key (PEM text or a file:/https: location), as the services take it.
     * Unset: nobody can sign in to the operator page.
     */
    Optional<String> servicePublicKey();

    /**
     * CONSOLE_ORIGIN: the origins the console is served at (comma-separated, e.g. https://console.example.com). A
     * state-changing request must come from one of them (its Origin header); cookies are Secure and HSTS is sent when
     * they are https. Required in production.
     */
    Optional<Set<String>> origins();

    /** Whether the console is served over https only (every configured origin is https). */
    default boolean servedOverHttps() {
        return origins().map(all -> !all.isEmpty() && all.stream().allMatch(o -> o.startsWith("https://"))).orElse(false);
    }

    LocalSignIn localSignIn();

    /**
     * The sign-in page of a local stack, which signs tokens with the stack's own development keys. It is enabled
     * only by an explicit local profile ({@code QUARKUS_PROFILE=local}, as ./stack and compose's local profile set;
     * dev and tests too) and a user key, never by merely not being the prod profile.
     */
    interface LocalSignIn {

        /** Set by the local, dev and test profiles only (application.properties): no environment variable turns it on. */
        @io.smallrye.config.WithDefault("false")
        boolean enabled();

        /** CONSOLE_LOCAL_SIGNING_KEY: the development key's private half (PEM text or file path), as ./stack token uses. */
        Optional<String> userKey();

        /**
         * CONSOLE_LOCAL_SERVICE_KEY: the service key's private half, to list the workspaces the stack knows and to sign
         * in to the operator page with one click.
         */
        Optional<String> serviceKey();

        /** JWT_ISSUER: the issuer of the user tokens it mints (the one the services accept). */
        String userIssuer();
    }
}
