package ai.galaxyco.phone.e2e;

import ai.galaxyco.phone.sandbox.SandboxSettings;
import ai.galaxyco.phone.sandbox.SignalWireSandbox;
import ai.galaxyco.phone.testsupport.KafkaKRaftResource;
import ai.galaxyco.phone.testsupport.PostgresResource;
import ai.galaxyco.phone.testsupport.TestPorts;
import ai.galaxyco.phone.testsupport.TestTokens;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The whole system for end-to-end tests: one real KRaft broker, real PostgreSQL (one database per service), the
 * SignalWire sandbox, and the four packaged services each in its own JVM, talking only over HTTP and Kafka.
 */
final class RunningSystem implements AutoCloseable {

    /** A fresh secret per run: the packaged gateway refuses the development secret committed to the repository. */
    static final String CLERK_SECRET = newClerkSecret();
    static final String SIGNING_KEY = "PSK_e2e_signing_key";
    static final String SHARED_NUMBER = "+14056940235";
    static final String[] SERVICES = {"provisioning-service", "routing-service", "outbound-service", "analytics-service",
        "webhook-gateway"};
    /** The web console: no database, no broker; it calls the services above with the user's token. */
    static final String CONSOLE = "console";
    static final ObjectMapper JSON = new ObjectMapper();

    final KafkaKRaftResource kafka = new KafkaKRaftResource();
    final List<PostgresResource> databases = new ArrayList<>();
    final Map<String, Integer> ports = new LinkedHashMap<>();
    /** Each service's management interface: health, metrics and OpenAPI answer there only. */
    final Map<String, Integer> managementPorts = new LinkedHashMap<>();
    final Map<String, Process> processes = new LinkedHashMap<>();
    /** The environment each service was started with. */
    final Map<String, Map<String, String>> environments = new LinkedHashMap<>();
    /** When each service first answered ready. */
    final Map<String, java.time.Instant> readyAt = new LinkedHashMap<>();
    final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    SignalWireSandbox sandbox;
    /** The 10DLC campaign provisioning orders numbers into; the sandbox refuses senders outside it. */
    static final String CAMPAIGN = "e2e-campaign";
    /** Serves Clerk's test key as a JWK set: the services verify user tokens through JWKS_URL, as in production. */
    com.sun.net.httpserver.HttpServer jwks;

    /** The broker's address, for probes of its topics. */
    String bootstrap;

    RunningSystem start() throws Exception {
        bootstrap = kafka.start().get("kafka.bootstrap.servers");
        SignalWireSandbox.closeIdleConnectionsAfter(ai.galaxyco.phone.testsupport.SandboxResource.IDLE_TIMEOUT);
        sandbox = SignalWireSandbox.start(0, SandboxSettings.defaults("e2e-project", "e2e-token", SIGNING_KEY));
        // as carriers do: a bought number sends only once it is in a 10DLC campaign (21717 otherwise)
        sandbox.registration(java.time.Duration.ofMillis(500), true);
        for (String service : SERVICES) {
            ports.put(service, freePort());
            managementPorts.put(service, freePort());
        }
        String publicUrl = "http://127.0.0.1:" + ports.get("webhook-gateway");
        jwks = com.sun.net.httpserver.HttpServer.create(new java.net.InetSocketAddress("127.0.0.1", 0), 0);
        byte[] keys = TestTokens.clerkJwks().getBytes(java.nio.charset.StandardCharsets.UTF_8);
        jwks.createContext("/.well-known/jwks.json", exchange -> {
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, keys.length);
            try (var body = exchange.getResponseBody()) {
                body.write(keys);
            }
        });
        jwks.start();
        sandbox.addOwnedNumber(SHARED_NUMBER, "GalaxyCo platform number", publicUrl + "/api/webhooks/signalwire");
        Path logs = Files.createDirectories(Path.of("target", "e2e-logs"));
        for (String service : SERVICES) {
            Map<String, String> env = new HashMap<>();
            env.put("KAFKA_BOOTSTRAP_SERVERS", bootstrap);
            env.put("KAFKA_REPLICATION_FACTOR", "1"); // one test broker
            env.put("NEXT_PUBLIC_APP_URL", publicUrl);
            env.put("SIGNALWIRE_PROJECT_ID", "e2e-project");
            env.put("SIGNALWIRE_TOKEN", "e2e-token");
            env.put("SIGNALWIRE_SIGNING_KEY", SIGNING_KEY);
            env.put("SIGNALWIRE_SPACE_URL", sandbox.spaceUrl());
            env.put("SIGNALWIRE_PHONE_NUMBER", SHARED_NUMBER);
            env.put("CLERK_WEBHOOK_SECRET", CLERK_SECRET);
            env.put("JWKS_URL", "http://127.0.0.1:" + jwks.getAddress().getPort() + "/.well-known/jwks.json");
            env.put("JWT_ISSUER", TestTokens.ISSUER);
            env.put("CLERK_AUTHORIZED_PARTIES", TestTokens.AUTHORIZED_PARTY);
            env.put("SERVICE_JWT_ISSUER", TestTokens.SERVICE_ISSUER);
            env.put("SERVICE_JWT_PUBLIC_KEY", TestTokens.servicePublicKeyLocation());
            env.put("NUMBER_RELEASE_GRACE_PERIOD", "PT0S");
            // a local run: the test JWKS is served over plain http and the test secrets are in the repository
            env.put("GALAXYCO_ALLOW_DEV_SECRETS", "true");
            env.put("SIGNALWIRE_CAMPAIGN_ID", CAMPAIGN);
            // shorter than the sandbox's idle timeout, as a deployment should be configured
            env.put("SIGNALWIRE_IDLE_CONNECTION_TIMEOUT", "1s");
            env.put("QUARKUS_HTTP_PORT", String.valueOf(ports.get(service)));
            env.put("QUARKUS_MANAGEMENT_PORT", String.valueOf(managementPorts.get(service)));
            env.put("GATEWAY_SPOOL_DIR", Files.createTempDirectory(Path.of("target"), "spool-").toAbsolutePath().toString());
            if (service.equals("provisioning-service")) {
                // a failed purchase stays FAILED long enough for the console's Retry to be the one that buys the number
                env.put("PROVISIONING_INITIAL_RETRY_DELAY", "PT2M");
            }
            if (!service.equals("webhook-gateway")) {
                // the kit's periodic retention every 2 s, so a test sees it run once per period across two instances
                env.put("GALAXYCO_RETENTION_INTERVAL", "2s");
                env.put("GALAXYCO_RETENTION_DELAY", "1s");
            }
            if (service.equals("analytics-service")) {
                // the sandbox prices at once: actual prices are asked for a second after a final status
                env.put("PRICE_SETTLE_DELAY", "PT1S");
                env.put("PRICE_SETTLE_INTERVAL", "1s");
            }
            if (!service.equals("webhook-gateway")) {
                PostgresResource database = new PostgresResource();
                databases.add(database);
                Map<String, String> db = database.start();
                env.put("QUARKUS_DATASOURCE_JDBC_URL", db.get("quarkus.datasource.jdbc.url"));
                env.put("QUARKUS_DATASOURCE_USERNAME", db.get("quarkus.datasource.username"));
                env.put("QUARKUS_DATASOURCE_PASSWORD", db.get("quarkus.datasource.password"));
            }
            environments.put(service, env);
            processes.put(service, launch(service, env, logs.resolve(service + ".log")));
        }
        startConsole(logs);
        for (String service : SERVICES) {
            awaitReady(service, Duration.ofSeconds(120));
        }
        awaitReady(CONSOLE, Duration.ofSeconds(120));
        return this;
    }

    /**
     * The console, packaged, in the prod profile as deployed: it signs users in with Clerk session tokens only. It is
     * given the local development key as well, which the prod profile must ignore (no local sign-in page).
     */
    private void startConsole(Path logs) throws IOException {
        ports.put(CONSOLE, freePort());
        managementPorts.put(CONSOLE, freePort());
        Map<String, String> env = new HashMap<>();
        env.put("PROVISIONING_URL", url("provisioning-service", ""));
        env.put("ROUTING_URL", url("routing-service", ""));
        env.put("OUTBOUND_URL", url("outbound-service", ""));
        env.put("ANALYTICS_URL", url("analytics-service", ""));
        env.put("JWKS_URL", environments.get("provisioning-service").get("JWKS_URL"));
        env.put("JWT_ISSUER", TestTokens.ISSUER);
        env.put("CLERK_AUTHORIZED_PARTIES", TestTokens.AUTHORIZED_PARTY);
        env.put("CONSOLE_POLL_INTERVAL", "PT0.5S");
        env.put("CONSOLE_ORIGIN", "http://127.0.0.1:" + ports.get(CONSOLE));
        env.put("GALAXYCO_ALLOW_DEV_SECRETS", "true");
        env.put("SERVICE_JWT_ISSUER", TestTokens.SERVICE_ISSUER);
        env.put("SERVICE_JWT_PUBLIC_KEY", TestTokens.servicePublicKeyLocation());
        env.put("CONSOLE_LOCAL_SIGNING_KEY", TestTokens.clerkPrivateKeyPem().toString());
        env.put("QUARKUS_HTTP_PORT", String.valueOf(ports.get(CONSOLE)));
        env.put("QUARKUS_MANAGEMENT_PORT", String.valueOf(managementPorts.get(CONSOLE)));
        environments.put(CONSOLE, env);
        processes.put(CONSOLE, launch(CONSOLE, env, logs.resolve(CONSOLE + ".log")));
    }

    /**
     * The one running system of a test run, started by the first test class that asks: kept in the root context's
     * store, which JUnit closes (AutoCloseable) once every class has run, so the classes share its two-minute start.
     */
    static RunningSystem shared(org.junit.jupiter.api.extension.ExtensionContext context) {
        return context.getRoot().getStore(org.junit.jupiter.api.extension.ExtensionContext.Namespace.GLOBAL)
                .computeIfAbsent(RunningSystem.class, key -> {
                    try {
                        return new RunningSystem().start();
                    } catch (Exception e) {
                        throw new IllegalStateException("the system did not start: " + e, e);
                    }
                }, RunningSystem.class);
    }

    private Process launch(String service, Map<String, String> env, Path log) throws IOException {
        Path jar = Path.of("..", service, "target", "quarkus-app", "quarkus-run.jar");
        if (!Files.exists(jar)) {
            throw new IllegalStateException(jar + " is missing: build the services first (./mvnw verify builds them)");
        }
        // the C1 compiler only: these processes live a few minutes, and C2's warm-up compiles cost the two cores more
        // than its faster code gives back in that time
        ProcessBuilder builder = new ProcessBuilder(javaBinary(), "-Xmx256m", "-XX:TieredStopAtLevel=1", "-jar", jar.toString())
                .redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().putAll(env);
        return builder.start();
    }

    /**
     * Starts one more instance of {@code service} with its environment changed by {@code changes} (a null value
     * removes the variable), on fresh ports and an unused broker address, and waits for it to exit.
     *
     * @return its exit code and output, or a failure if it is still running after {@code timeout}
     */
    Map.Entry<Integer, String> launchExpectingExit(String service, Map<String, String> changes, Duration timeout)
            throws Exception {
        Map<String, String> env = new HashMap<>(environments.get(service));
        env.put("QUARKUS_HTTP_PORT", String.valueOf(freePort()));
        env.put("QUARKUS_MANAGEMENT_PORT", String.valueOf(freePort()));
        env.put("KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:" + freePort()); // never joins the real consumer groups
        changes.forEach((key, value) -> {
            if (value == null) {
                env.remove(key);
            } else {
                env.put(key, value);
            }
        });
        Path log = Files.createTempFile(Path.of("target", "e2e-logs"), service + "-extra-", ".log");
        Process process = launch(service, env, log);
        if (!process.waitFor(timeout.toSeconds(), java.util.concurrent.TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError(service + " still running after " + timeout + "; see " + log);
        }
        return Map.entry(process.exitValue(), Files.readString(log));
    }

    /**
     * Starts instance {@code k} of a consumer service, named {@code <service>-<k>}: the same environment (database,
     * broker, consumer groups) on ports of its own, as {@code ./stack up --replicas} does; waits until it is ready
     * (readiness includes having joined every consumer group).
     */
    String startInstance(String service, int k) throws Exception {
        return startInstances(List.of(service), k).get(0);
    }

    /** {@link #startInstance} of several services at once: all are launched, then each is waited for. */
    List<String> startInstances(List<String> services, int k) throws Exception {
        List<String> names = new ArrayList<>();
        for (String service : services) {
            String name = service + "-" + k;
            launchNamed(name, service, environments.get(service));
            names.add(name);
        }
        for (String name : names) {
            awaitReady(name, Duration.ofSeconds(120));
        }
        return names;
    }

    /**
     * Starts a process of {@code module} named {@code name} with exactly {@code env} (its ports are added: the ones it
     * had, if it ran before under that name), and waits until it is ready.
     */
    void startExtra(String name, String module, Map<String, String> env) throws Exception {
        launchNamed(name, module, env);
        awaitReady(name, Duration.ofSeconds(120));
    }

    /**
     * Starts {@code name} again after a {@link #kill}, on its ports, with its environment changed by {@code changes};
     * waits until it is ready.
     */
    void restart(String name, Map<String, String> changes) throws Exception {
        Map<String, String> env = new HashMap<>(environments.get(name));
        env.putAll(changes);
        startExtra(name, name.replaceAll("-\\d+$", ""), env);
    }

    /**
     * Launches {@code module} as the process {@code name} with {@code env} and its own ports (kept from an earlier run
     * under that name), recording both; its output goes to target/e2e-logs/{@code name}.log, or a fresh file beside it
     * when that one is taken by an earlier run.
     */
    private void launchNamed(String name, String module, Map<String, String> env) throws IOException {
        if (!ports.containsKey(name)) {
            ports.put(name, freePort());
            managementPorts.put(name, freePort());
        }
        Map<String, String> withPorts = new HashMap<>(env);
        withPorts.put("QUARKUS_HTTP_PORT", String.valueOf(ports.get(name)));
        withPorts.put("QUARKUS_MANAGEMENT_PORT", String.valueOf(managementPorts.get(name)));
        environments.put(name, withPorts);
        Path logs = Files.createDirectories(Path.of("target", "e2e-logs"));
        Path log = Files.exists(logs.resolve(name + ".log")) ? Files.createTempFile(logs, name + "-", ".log") : logs.resolve(name + ".log");
        processes.put(name, launch(module, withPorts, log));
    }

    /** kill -9 of one instance (SIGKILL: no shutdown hook, no goodbye to the consumer group); it is forgotten. */
    void kill(String name) throws InterruptedException {
        Process process = processes.remove(name);
        process.destroyForcibly();
        process.waitFor();
    }

    /** A JDBC connection to a service's own database. */
    java.sql.Connection database(String service) throws java.sql.SQLException {
        Map<String, String> env = environments.get(service);
        return java.sql.DriverManager.getConnection(env.get("QUARKUS_DATASOURCE_JDBC_URL"), env.get("QUARKUS_DATASOURCE_USERNAME"),
                env.get("QUARKUS_DATASOURCE_PASSWORD"));
    }

    String url(String service, String path) {
        return "http://127.0.0.1:" + ports.get(service) + path;
    }

    /** A path on the service's management interface (/q/health, /q/metrics, /q/openapi). */
    HttpResponse<String> operations(String service, String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + managementPorts.get(service) + path))
                .timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> get(String service, String path, String token) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url(service, path))).timeout(Duration.ofSeconds(10)).GET();
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> post(String service, String path, Map<String, String> headers, String body)
            throws IOException, InterruptedException {
        return send("POST", service, path, headers, body);
    }

    HttpResponse<String> send(String method, String service, String path, Map<String, String> headers, String body)
            throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url(service, path))).timeout(Duration.ofSeconds(10))
                .method(method, HttpRequest.BodyPublishers.ofString(body));
        headers.forEach(b::header);
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    static JsonNode json(HttpResponse<String> response) throws IOException {
        return JSON.readTree(response.body());
    }

    /** Fails if any service process has exited. */
    void assertAllAlive() {
        processes.forEach((name, p) -> {
            if (!p.isAlive()) {
                throw new IllegalStateException(name + " died; see target/e2e-logs/" + name + ".log");
            }
        });
    }

    private void awaitReady(String service, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!processes.get(service).isAlive()) {
                throw new IllegalStateException(service + " exited during start-up; see target/e2e-logs/" + service + ".log");
            }
            try {
                if (operations(service, "/q/health/ready").statusCode() == 200) {
                    readyAt.put(service, java.time.Instant.now());
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(250);
        }
        throw new IllegalStateException(service + " not ready within " + timeout + "; see target/e2e-logs/" + service + ".log");
    }

    @Override
    public void close() {
        stopAll(processes.values());
        if (sandbox != null) {
            sandbox.close();
        }
        if (jwks != null) {
            jwks.stop(0);
        }
        databases.forEach(PostgresResource::stop);
        kafka.stop();
    }

    /**
     * Asks every process to stop (SIGTERM) at once, then waits for them together: each may take its shutdown timeout,
     * and one after the other that added up to most of a minute. One still running after 15 s is killed.
     */
    static void stopAll(java.util.Collection<Process> running) {
        running.forEach(Process::destroy);
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        for (Process p : running) {
            try {
                if (!p.waitFor(Math.max(0, deadline - System.nanoTime()), java.util.concurrent.TimeUnit.NANOSECONDS)) {
                    p.destroyForcibly();
                }
            } catch (InterruptedException e) {
                p.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
    }

    private static String newClerkSecret() {
        byte[] key = new byte[24];
        new java.security.SecureRandom().nextBytes(key);
        return "whsec_" + java.util.Base64.getEncoder().encodeToString(key);
    }

    private static int freePort() {
        return TestPorts.free();
    }

    private static String javaBinary() {
        return Path.of(System.getProperty("java.home"), "bin", "java" + (File.separatorChar == '\\' ? ".exe" : "")).toString();
    }
}
