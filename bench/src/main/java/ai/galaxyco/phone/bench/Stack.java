package ai.galaxyco.phone.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;

/** The running local stack as ./stack describes it in .stack/env, plus small HTTP helpers. */
final class Stack {

    static final ObjectMapper JSON = new ObjectMapper();
    final Map<String, String> env = new HashMap<>();
    final Path root;
    final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    Stack(Path root) throws IOException {
        this.root = root;
        Path file = root.resolve(".stack/env");
        if (!Files.exists(file)) {
            throw new IllegalStateException("no running stack: start it with ./stack up --detach");
        }
        for (String line : Files.readAllLines(file)) {
            int eq = line.indexOf('=');
            if (eq > 0) {
                env.put(line.substring(0, eq), line.substring(eq + 1));
            }
        }
    }

    /** A value of .stack/env, or null. */
    String env(String key) {
        return env.get(key);
    }

    String get(String key) {
        String value = env.get(key);
        if (value == null) {
            throw new IllegalStateException(key + " missing from .stack/env (restart the stack)");
        }
        return value;
    }

    /**
     * A JWT as `./stack token` makes it: for a workspace admin (Clerk's issuer and key, the front end as azp), or
     * with {@code workspaceId} null a service token (the service issuer and key, every service as audience).
     */
    String token(String workspaceId) throws Exception {
        long now = Instant.now().getEpochSecond();
        boolean service = workspaceId == null;
        String claims = service
                ? "{\"iss\":\"" + get("SERVICE_JWT_ISSUER") + "\",\"sub\":\"bench\",\"aud\":[\"provisioning-service\","
                        + "\"routing-service\",\"outbound-service\",\"analytics-service\"],\"iat\":" + now + ",\"exp\":" + (now + 600) + "}"
                : "{\"iss\":\"" + get("JWT_ISSUER") + "\",\"sub\":\"bench\",\"azp\":\"" + get("CLERK_AUTHORIZED_PARTIES").split(",")[0]
                        + "\",\"org_id\":\"" + workspaceId + "\",\"org_role\":\"org:admin\",\"iat\":" + now + ",\"exp\":" + (now + 7200) + "}";
        String pem = Files.readString(root.resolve(service ? ".stack/jwt/service-private.pem" : ".stack/jwt/private.pem"));
        byte[] der = Base64.getMimeDecoder().decode(pem.replaceAll("-----[A-Z ]+-----", ""));
        PrivateKey key = KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(der));
        String unsigned = b64("{\"alg\":\"RS256\",\"typ\":\"JWT\"}") + "." + b64(claims);
        Signature rsa = Signature.getInstance("SHA256withRSA");
        rsa.initSign(key);
        rsa.update(unsigned.getBytes(StandardCharsets.US_ASCII));
        return unsigned + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(rsa.sign());
    }

    JsonNode getJson(String url, String token) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30)).GET();
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        return r.statusCode() == 200 ? JSON.readTree(r.body()) : null;
    }

    HttpResponse<String> postJson(String url, String json) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Sends a signal (STOP, CONT) to one of the stack's processes. */
    void signal(String name, String signal) throws Exception {
        String pid = Files.readString(root.resolve(".stack/pids/" + name + ".pid")).trim();
        new ProcessBuilder("kill", "-" + signal, pid).inheritIO().start().waitFor();
    }

    /** Resident memory of one of the stack's processes, from /proc. */
    long rssMegabytes(String name) {
        try {
            String pid = Files.readString(root.resolve(".stack/pids/" + name + ".pid")).trim();
            for (String line : Files.readAllLines(Path.of("/proc", pid, "status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024;
                }
            }
        } catch (IOException e) {
            return -1;
        }
        return -1;
    }

    /**
     * CPU seconds (user + system) each process of the stack has used so far, plus PostgreSQL (all its processes; it is
     * the machine's, not the stack's) and this benchmark; a run's share is the difference of two snapshots.
     */
    java.util.Map<String, Double> cpuSeconds(java.util.List<String> names) {
        java.util.Map<String, Double> cpu = new java.util.LinkedHashMap<>();
        for (String name : names) {
            try {
                cpu.put(name, cpuSecondsOf(Files.readString(root.resolve(".stack/pids/" + name + ".pid")).trim()));
            } catch (IOException e) {
                cpu.put(name, 0.0);
            }
        }
        double postgres = 0;
        try (var processes = Files.list(Path.of("/proc"))) {
            for (Path proc : processes.filter(p -> p.getFileName().toString().matches("[0-9]+")).toList()) {
                try {
                    if (Files.readString(proc.resolve("comm")).trim().equals("postgres")) {
                        postgres += cpuSecondsOf(proc.getFileName().toString());
                    }
                } catch (IOException gone) {
                    // the process ended while we looked
                }
            }
        } catch (IOException e) {
            postgres = -1;
        }
        cpu.put("postgresql", postgres);
        try {
            cpu.put("benchmark", cpuSecondsOf(String.valueOf(ProcessHandle.current().pid())));
        } catch (IOException e) {
            cpu.put("benchmark", 0.0);
        }
        return cpu;
    }

    private static double cpuSecondsOf(String pid) throws IOException {
        String stat = Files.readString(Path.of("/proc", pid, "stat"));
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" "); // fields from the 3rd (state) on
        return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) / 100.0; // utime, stime in clock ticks (USER_HZ 100)
    }

    private static String b64(String s) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }
}
