package ai.galaxyco.phone.sandbox;

import java.time.Duration;
import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * Runs the sandbox as a process. Configured by the same variables as the services
 * (SIGNALWIRE_PROJECT_ID, SIGNALWIRE_TOKEN, SIGNALWIRE_SIGNING_KEY) plus SANDBOX_PORT (8090),
 * SANDBOX_IDLE_TIMEOUT_S (30: idle connections are closed, as real servers do), SANDBOX_REQUEST_LATENCY_MS,
 * SANDBOX_PURCHASE_LATENCY_MS, SANDBOX_RELEASE_COOLDOWN_S, SANDBOX_OUT_OF_ORDER_CALLBACKS,
 * SANDBOX_EXHAUSTED_AREA_CODES (comma-separated), SANDBOX_REGISTRATION_DELAY_MS (how long a 10DLC campaign order takes,
 * 200), SANDBOX_ENFORCE_REGISTRATION (refuse messages from bought numbers in no campaign with 21717), and SANDBOX_SHARED_NUMBER with SANDBOX_WEBHOOK_BASE_URL: a number
 * the project owns from the start (the shared platform number), whose webhooks go to that base URL (docker compose
 * uses these; ./stack adds the number through /sandbox/add-number instead).
 */
public final class SandboxMain {

    private SandboxMain() {
    }

    public static void main(String[] args) throws Exception {
        SignalWireSandbox.closeIdleConnectionsAfter(Duration.ofSeconds(Long.parseLong(env("SANDBOX_IDLE_TIMEOUT_S", "30"))));
        String token = env("SIGNALWIRE_TOKEN", "sandbox-token");
        SandboxSettings settings = SandboxSettings.defaults(env("SIGNALWIRE_PROJECT_ID", "sandbox-project"), token,
                        env("SIGNALWIRE_SIGNING_KEY", token))
                .withRequestLatency(Duration.ofMillis(Long.parseLong(env("SANDBOX_REQUEST_LATENCY_MS", "0"))), Duration.ZERO)
                .withPurchaseLatency(Duration.ofMillis(Long.parseLong(env("SANDBOX_PURCHASE_LATENCY_MS", "0"))))
                .withReleaseCooldown(Duration.ofSeconds(Long.parseLong(env("SANDBOX_RELEASE_COOLDOWN_S", "0"))))
                .withOutOfOrderCallbacks(Boolean.parseBoolean(env("SANDBOX_OUT_OF_ORDER_CALLBACKS", "false")))
                .withExhaustedAreaCodes(Arrays.stream(env("SANDBOX_EXHAUSTED_AREA_CODES", "").split(","))
                        .map(String::trim).filter(s -> !s.isEmpty()).collect(Collectors.toSet()));
        SignalWireSandbox sandbox = SignalWireSandbox.start(Integer.parseInt(env("SANDBOX_PORT", "8090")), settings);
        sandbox.registration(Duration.ofMillis(Long.parseLong(env("SANDBOX_REGISTRATION_DELAY_MS", "200"))),
                Boolean.parseBoolean(env("SANDBOX_ENFORCE_REGISTRATION", "false")));
        String sharedNumber = env("SANDBOX_SHARED_NUMBER", "");
        if (!sharedNumber.isEmpty()) {
            sandbox.addOwnedNumber(sharedNumber, "GalaxyCo platform number",
                    env("SANDBOX_WEBHOOK_BASE_URL", "http://localhost:8080/api/webhooks/signalwire"));
        }
        Runtime.getRuntime().addShutdownHook(new Thread(sandbox::close));
        System.out.println("SignalWire sandbox listening on " + sandbox.spaceUrl() + " (project " + settings.projectId() + ")");
        Thread.currentThread().join();
    }

    private static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }

}
