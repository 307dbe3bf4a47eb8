package ai.galaxyco.phone.testsupport;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Walks every operation of the committed OpenAPI document and sends, for each of its parameters in turn (path, query,
 * header) and for its JSON body, a request carrying U+0000 there: every one must be refused with 400
 * {@code invalid_request} (the kit's NUL rule), never reach PostgreSQL as a 500. (In a header line the HTTP server
 * refuses a NUL itself, with a bare 400, before the application runs.) Requests are written on a plain
 * socket, because Java's HTTP client will not put a NUL in a header.
 */
public final class NulProbe {

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private NulProbe() {
    }

    /**
     * The probe against the service a {@code @QuarkusTest} started (its public port, as RestAssured has it), with an
     * operator's service token for {@code /api/admin} paths and a workspace admin's token for the others (bodies are
     * read only after authentication); prints how many requests were sent.
     */
    public static void assertRefusedByTheServiceUnderTest() throws IOException {
        URL base = new URL(io.restassured.RestAssured.baseURI + ":" + io.restassured.RestAssured.port + "/");
        int sent = assertNulRefusedEverywhere(base, path -> path.startsWith("/api/admin") ? TestTokens.forService()
                : TestTokens.forWorkspace("org_nulprobe"));
        System.out.println("NUL probe: " + sent + " requests, each refused with 400");
    }

    /**
     * @param base the service's public URL
     * @param tokenFor the bearer token to send for a path (with its parameters filled in), or null for none; bodies
     *        are read only after the caller is authenticated, so body probes need one that may use the endpoint
     * @return how many requests were sent (all refused as expected, else this throws listing each one that was not)
     */
    public static int assertNulRefusedEverywhere(URL base, Function<String, String> tokenFor) throws IOException {
        JsonNode paths = YAML.readTree(Files.readString(OpenApiContract.COMMITTED)).path("paths");
        List<String> wrong = new ArrayList<>();
        int sent = 0;
        for (Iterator<Map.Entry<String, JsonNode>> p = paths.fields(); p.hasNext();) {
            Map.Entry<String, JsonNode> path = p.next();
            for (Iterator<Map.Entry<String, JsonNode>> o = path.getValue().fields(); o.hasNext();) {
                Map.Entry<String, JsonNode> operation = o.next();
                String method = operation.getKey().toUpperCase();
                if (!List.of("GET", "POST", "PUT", "PATCH", "DELETE").contains(method)) {
                    continue;
                }
                List<JsonNode> parameters = new ArrayList<>();
                path.getValue().path("parameters").forEach(parameters::add);
                operation.getValue().path("parameters").forEach(parameters::add);
                for (JsonNode poisoned : parameters) {
                    String in = poisoned.path("in").asText();
                    String target = fill(path.getKey(), parameters, poisoned);
                    String query = in.equals("query") ? poisoned.path("name").asText() + "=x%00y" : null;
                    Map<String, String> headers = new java.util.LinkedHashMap<>();
                    if (in.equals("header")) {
                        headers.put(poisoned.path("name").asText(), "x\0y");
                    } else if (!in.equals("path") && !in.equals("query")) {
                        continue; // cookies: none in these APIs
                    }
                    sent++;
                    check(base, method, target, query, headers, null, tokenFor, wrong, in + " " + poisoned.path("name").asText());
                }
                if (operation.getValue().path("requestBody").path("content").has("application/json")) {
                    sent++;
                    check(base, method, fill(path.getKey(), parameters, null), null, Map.of(),
                            "{\"probe\":\"x\\u0000y\"}", tokenFor, wrong, "JSON body");
                }
            }
        }
        if (!wrong.isEmpty()) {
            throw new AssertionError(wrong.size() + " of " + sent + " requests with U+0000 were not refused with 400 "
                    + "invalid_request:\n  " + String.join("\n  ", wrong));
        }
        return sent;
    }

    /** The path with its parameters filled with plausible values, the poisoned one (if a path parameter) with a NUL. */
    private static String fill(String template, List<JsonNode> parameters, JsonNode poisoned) {
        String filled = template;
        for (JsonNode parameter : parameters) {
            if (!parameter.path("in").asText().equals("path")) {
                continue;
            }
            String name = parameter.path("name").asText();
            String value = parameter == poisoned ? "x%00y" : plausible(name);
            filled = filled.replace("{" + name + "}", value);
        }
        return filled;
    }

    private static String plausible(String name) {
        String lower = name.toLowerCase();
        if (lower.contains("e164") || lower.contains("number")) {
            return "%2B12125550100";
        }
        if (lower.equals("id") || lower.contains("workspace")) {
            return "org_nulprobe";
        }
        return "probe1";
    }

    private static void check(URL base, String method, String target, String query, Map<String, String> headers, String body,
            Function<String, String> tokenFor, List<String> wrong, String where) throws IOException {
        String requestTarget = target + (query == null ? "" : "?" + query);
        StringBuilder head = new StringBuilder(method + " " + requestTarget + " HTTP/1.1\r\nHost: " + base.getHost() + ":"
                + base.getPort() + "\r\nConnection: close\r\nAccept: application/json\r\n");
        String token = tokenFor.apply(target);
        if (token != null) {
            head.append("Authorization: Bearer ").append(token).append("\r\n");
        }
        headers.forEach((name, value) -> head.append(name).append(": ").append(value).append("\r\n"));
        byte[] payload = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
        if (body != null || !method.equals("GET")) {
            head.append("Content-Type: application/json\r\nContent-Length: ").append(payload.length).append("\r\n");
        }
        head.append("\r\n");
        String answer;
        try (Socket socket = new Socket(base.getHost(), base.getPort())) {
            socket.setSoTimeout(30_000);
            OutputStream out = socket.getOutputStream();
            out.write(head.toString().getBytes(StandardCharsets.UTF_8));
            out.write(payload);
            out.flush();
            answer = readAll(socket.getInputStream());
        }
        String statusLine = answer.lines().findFirst().orElse("");
        // the HTTP server itself refuses a NUL in a header line with a bare 400, before the application sees it
        boolean refused = statusLine.contains(" 400 ") && (answer.contains("invalid_request") || where.startsWith("header"));
        if (!refused) {
            wrong.add(method + " " + requestTarget + " (NUL in " + where + ") -> " + statusLine + " "
                    + answer.substring(Math.max(0, answer.indexOf("\r\n\r\n"))).strip());
        }
    }

    private static String readAll(InputStream in) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        in.transferTo(bytes);
        return bytes.toString(StandardCharsets.UTF_8);
    }
}
