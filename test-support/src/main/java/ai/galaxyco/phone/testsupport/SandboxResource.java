package ai.galaxyco.phone.testsupport;

import ai.galaxyco.phone.sandbox.SandboxSettings;
import ai.galaxyco.phone.sandbox.SignalWireSandbox;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.time.Duration;
import java.util.Map;

/**
 * Starts the SignalWire sandbox on a free port and points the service at it through SIGNALWIRE_SPACE_URL's
 * property, exactly as the local stack does. Tests drive it over its /sandbox control endpoints
 * ({@link SandboxControl}).
 */
public class SandboxResource implements QuarkusTestResourceLifecycleManager {

    public static final String PROJECT = "test-project";
    public static final String TOKEN = "test-token";
    public static final String SIGNING_KEY = "PSK_test_signing_key";
    /** Far shorter than any client's pool keeps connections: every test meets connections the server closed. */
    public static final Duration IDLE_TIMEOUT = Duration.ofSeconds(2);
    private SignalWireSandbox sandbox;

    @Override
    public Map<String, String> start() {
        SignalWireSandbox.closeIdleConnectionsAfter(IDLE_TIMEOUT);
        // the JDK HTTP clients of this JVM (SandboxControl's, the sandbox's callbacks) keep idle connections for less,
        // as every client of such a server should; read once, when the first JDK HttpClient is made
        System.setProperty("jdk.httpclient.keepalive.timeout", "1");
        try {
            sandbox = SignalWireSandbox.start(0, SandboxSettings.defaults(PROJECT, TOKEN, SIGNING_KEY));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        return Map.of("signalwire.space-url", sandbox.spaceUrl(), "signalwire.project-id", PROJECT,
                "signalwire.token", TOKEN, "signalwire.signing-key", SIGNING_KEY);
    }

    @Override
    public void stop() {
        if (sandbox != null) {
            sandbox.close();
        }
    }
}
