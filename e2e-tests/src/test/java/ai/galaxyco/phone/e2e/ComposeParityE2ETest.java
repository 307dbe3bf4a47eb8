package ai.galaxyco.phone.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.galaxyco.phone.testsupport.KafkaKRaftResource;
import ai.galaxyco.phone.testsupport.PostgresResource;
import ai.galaxyco.phone.testsupport.TestPorts;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * Keeps docker-compose.yml true without a Docker engine: every process of its {@code local} profile (the sandbox
 * and the four services) is started from its packaged jar with exactly the environment compose would give it, only
 * infrastructure addresses mapped (compose host names and ports to this machine's, container paths of volumes to
 * the repository's or a temporary directory, the database URL to a fresh database), and must become ready. A
 * misspelt variable, an empty default or a missing setting fails here. Then a user token minted with the profile's
 * demo key is accepted, so its JWT settings work too.
 */
class ComposeParityE2ETest {

    static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    static final List<String> START_ORDER = List.of("sandbox", "provisioning-service-local", "webhook-gateway-local",
            "routing-service-local", "outbound-service-local", "analytics-service-local", "console-local");

    /** What the other processes depend on in compose: started and ready one after the other, before the rest. */
    static final List<String> WAITED_FOR = List.of("sandbox", "provisioning-service-local");
    static final KafkaKRaftResource KAFKA = new KafkaKRaftResource();
    static final List<PostgresResource> DATABASES = new ArrayList<>();
    static final Map<String, Process> PROCESSES = new LinkedHashMap<>();
    final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @AfterAll
    static void stop() {
        RunningSystem.stopAll(PROCESSES.values());
        DATABASES.forEach(PostgresResource::stop);
        KAFKA.stop();
    }

    @Test
    @SuppressWarnings("unchecked")
    void everyProcessOfTheLocalProfileStartsWithComposesEnvironment() throws Exception {
        Map<String, Object> compose = new Yaml().load(Files.readString(ROOT.resolve("docker-compose.yml")));
        Map<String, Map<String, Object>> services = (Map<String, Map<String, Object>>) compose.get("services");
        List<String> local = services.entrySet().stream()
                .filter(e -> ((List<String>) e.getValue().getOrDefault("profiles", List.of())).contains("local"))
                .map(Map.Entry::getKey).toList();
        assertEquals(new java.util.TreeSet<>(START_ORDER), new java.util.TreeSet<>(local), "the local profile's processes");

        Map<String, String> addresses = new LinkedHashMap<>();
        addresses.put("kafka:9092", KAFKA.start().get("kafka.bootstrap.servers"));
        Map<String, Integer> managementPorts = new LinkedHashMap<>();
        Map<String, String> publicUrls = new LinkedHashMap<>();
        Map<String, Integer> ports = new LinkedHashMap<>(); // "service/VARIABLE" -> the port it gets here
        // each service's own ports, known before any starts (the sandbox calls the gateway, the services the sandbox)
        for (String name : START_ORDER) {
            Map<String, Object> env = environment(services.get(name));
            for (var entry : env.entrySet()) {
                if (entry.getKey().endsWith("_PORT")) {
                    int port = freePort();
                    ports.put(name + "/" + entry.getKey(), port);
                    String composeHost = name.replace("-local", "") + ":" + entry.getValue();
                    addresses.put(composeHost, "127.0.0.1:" + port);
                    if (entry.getKey().endsWith("_MANAGEMENT_PORT")) {
                        managementPorts.put(name, port);
                    } else {
                        publicUrls.put(name, "http://127.0.0.1:" + port);
                    }
                }
            }
        }
        Path logs = Files.createDirectories(Path.of("target", "e2e-logs"));
        for (String name : START_ORDER) {
            Map<String, Object> service = services.get(name);
            Map<String, String> env = new LinkedHashMap<>();
            for (var entry : environment(service).entrySet()) {
                assertNotNull(entry.getValue(), name + ": " + entry.getKey() + " has no value in the local profile");
                String value = String.valueOf(entry.getValue());
                assertFalse(value.contains("${"), name + ": " + entry.getKey() + " needs a variable in the local profile");
                env.put(entry.getKey(), entry.getKey().endsWith("_PORT") ? String.valueOf(ports.get(name + "/" + entry.getKey()))
                        : mapped(entry.getKey(), value, addresses, volumes(service)));
            }
            Process process = launch(name, env, logs.resolve("compose-" + name + ".log"));
            PROCESSES.put(name, process);
            // as compose's depends_on: the sandbox, then provisioning (healthy), then every other service at once
            if (WAITED_FOR.contains(name)) {
                awaitReady(name, managementPorts, publicUrls, logs);
            }
        }
        for (String name : START_ORDER) {
            if (!WAITED_FOR.contains(name)) {
                awaitReady(name, managementPorts, publicUrls, logs);
            }
        }

        // the sandbox owns the shared number from the start, its webhooks pointing at the gateway
        String numbers = http.send(HttpRequest.newBuilder(URI.create(publicUrls.get("sandbox") + "/sandbox/numbers")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        assertTrue(numbers.contains("+14056940235") && numbers.contains(publicUrls.get("webhook-gateway-local")
                + "/api/webhooks/signalwire/sms"), numbers);

        // the local profile's demo keys and issuers work: a user token minted with the committed key is accepted
        String token = userToken(ROOT.resolve("ops/docker/local-jwt/private.pem"), "https://clerk.compose.localhost",
                "http://localhost:3000", "org_compose");
        HttpResponse<String> conversations = http.send(HttpRequest.newBuilder(URI.create(publicUrls.get("routing-service-local")
                + "/api/workspaces/org_compose/conversations")).header("Authorization", "Bearer " + token).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, conversations.statusCode(), conversations.body());

        // the console's local sign-in page lists the workspaces and signs in with the same demo key; its form comes
        // from the origin compose tells the console it is served at (CONSOLE_ORIGIN)
        HttpResponse<String> signIn = http.send(HttpRequest.newBuilder(URI.create(publicUrls.get("console-local") + "/sign-in"))
                .header("Content-Type", "application/x-www-form-urlencoded").header("Origin", "http://localhost:8085")
                .POST(HttpRequest.BodyPublishers.ofString("workspaceId=org_compose")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(303, signIn.statusCode(), signIn.body());
        String session = signIn.headers().firstValue("Set-Cookie").orElseThrow().split(";")[0];
        HttpResponse<String> usagePage = http.send(HttpRequest.newBuilder(URI.create(publicUrls.get("console-local")
                + "/w/org_compose/usage")).header("Cookie", session).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, usagePage.statusCode(), usagePage.body());
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> environment(Map<String, Object> service) {
        return (Map<String, Object>) service.getOrDefault("environment", Map.of());
    }

    /** host:container[:mode] entries; named volumes have no slash in the host part. */
    @SuppressWarnings("unchecked")
    static List<String[]> volumes(Map<String, Object> service) {
        return ((List<String>) service.getOrDefault("volumes", List.of())).stream().map(v -> v.split(":")).toList();
    }

    /** Compose's addresses and paths as this machine knows them; everything else exactly as written. */
    static String mapped(String name, String value, Map<String, String> addresses, List<String[]> volumes) throws IOException {
        if (name.equals("DATABASE_URL")) {
            PostgresResource database = new PostgresResource();
            DATABASES.add(database);
            Map<String, String> db = database.start();
            // keep the libpq form compose uses; only the server, credentials and database are this machine's
            return "postgres://" + db.get("quarkus.datasource.username") + "@"
                    + db.get("quarkus.datasource.jdbc.url").substring("jdbc:postgresql://".length());
        }
        String result = value;
        for (var address : addresses.entrySet()) {
            result = result.replace(address.getKey(), address.getValue());
        }
        for (String[] volume : volumes) {
            String container = volume[1];
            if (result.contains(container)) {
                Path host = volume[0].startsWith(".") ? ROOT.resolve(volume[0]).normalize()
                        : Files.createTempDirectory("compose-volume-" + volume[0]);
                result = result.replace(container, host.toString());
            }
        }
        return result;
    }

    Process launch(String name, Map<String, String> env, Path log) throws IOException {
        String module = name.equals("sandbox") ? "signalwire-sandbox" : name.replace("-local", "");
        Path jar = module.equals("signalwire-sandbox")
                ? Files.list(ROOT.resolve("signalwire-sandbox/target")).filter(p -> p.getFileName().toString().matches(
                        "signalwire-sandbox-.*\\.jar")).findFirst().orElseThrow()
                : ROOT.resolve(module).resolve("target/quarkus-app/quarkus-run.jar");
        ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-XX:TieredStopAtLevel=1", "-jar", jar.toString()).redirectErrorStream(true).redirectOutput(log.toFile());
        // exactly compose's environment: nothing leaks in from the machine running the tests
        Map<String, String> inherited = builder.environment();
        String path = inherited.get("PATH");
        inherited.clear();
        inherited.put("PATH", path == null ? "/usr/bin:/bin" : path);
        inherited.putAll(env);
        return builder.start();
    }

    /** A service is ready when its management port says so; the sandbox when it answers at all. */
    void awaitReady(String name, Map<String, Integer> managementPorts, Map<String, String> publicUrls, Path logs) throws Exception {
        String readiness = managementPorts.containsKey(name)
                ? "http://127.0.0.1:" + managementPorts.get(name) + "/q/health/ready" : publicUrls.get(name) + "/sandbox/health";
        awaitAnswer(name, PROCESSES.get(name), readiness, 200, logs.resolve("compose-" + name + ".log"));
    }

    void awaitAnswer(String name, Process process, String url, int status, Path log) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        int last = -1;
        while (System.nanoTime() < deadline) {
            assertTrue(process.isAlive(), name + " exited; its output:\n" + tail(log));
            try {
                last = http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode();
                if (last == status) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(250);
        }
        throw new AssertionError(name + " did not answer " + url + " with " + status + " (last " + last + "):\n" + tail(log));
    }

    static String tail(Path log) throws IOException {
        List<String> lines = Files.readAllLines(log);
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
    }

    static String userToken(Path privateKeyPem, String issuer, String party, String org) throws Exception {
        byte[] der = Base64.getMimeDecoder().decode(Files.readString(privateKeyPem).replaceAll("-----[A-Z ]+-----", ""));
        long now = Instant.now().getEpochSecond();
        String header = b64("{\"alg\":\"RS256\",\"typ\":\"JWT\"}");
        String payload = b64("{\"iss\":\"" + issuer + "\",\"sub\":\"user_compose\",\"azp\":\"" + party + "\",\"org_id\":\"" + org
                + "\",\"iat\":" + now + ",\"exp\":" + (now + 600) + "}");
        Signature rsa = Signature.getInstance("SHA256withRSA");
        rsa.initSign(KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(der)));
        rsa.update((header + "." + payload).getBytes(StandardCharsets.US_ASCII));
        return header + "." + payload + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(rsa.sign());
    }

    static String b64(String s) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    static int freePort() {
        return TestPorts.free();
    }
}
