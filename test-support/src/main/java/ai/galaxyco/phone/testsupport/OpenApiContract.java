package ai.galaxyco.phone.testsupport;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.TreeSet;

/**
 * The public API of a service is a contract with the front end, SignalWire and Clerk: the OpenAPI document the
 * running service serves must equal the one committed at {@code src/main/openapi/openapi.yaml}. A renamed path or
 * field, a changed type or status, fails the build until the committed file is updated on purpose:
 * {@code ./mvnw verify -Dopenapi.update=true} rewrites it, and the diff is reviewed like code.
 */
public final class OpenApiContract {

    public static final Path COMMITTED = Path.of("src/main/openapi/openapi.yaml");
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private OpenApiContract() {
    }

    /** Fails with every difference listed, and how to accept them when the change is wanted. */
    public static void assertServedEqualsCommitted(URL operations) throws Exception {
        List<String> differences = differences(operations);
        if (!differences.isEmpty()) {
            throw new AssertionError("the public API changed; if on purpose, run ./mvnw verify -Dopenapi.update=true and "
                    + "commit " + COMMITTED + ":\n  " + String.join("\n  ", differences));
        }
    }

    /** @return the differences (JSON-pointer-like paths), empty when the served document equals the committed one */
    public static List<String> differences(URL operations) throws Exception {
        String served = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(operations + "openapi")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        if (Boolean.getBoolean("openapi.update")) {
            refuseUpdateInCi("openapi.update");
            Files.createDirectories(COMMITTED.getParent());
            Files.writeString(COMMITTED, served);
        }
        if (!Files.exists(COMMITTED)) {
            return List.of("no committed document at " + COMMITTED.toAbsolutePath() + " (run with -Dopenapi.update=true)");
        }
        List<String> differences = new ArrayList<>();
        compare("", YAML.readTree(Files.readString(COMMITTED)), YAML.readTree(served), differences);
        return differences;
    }

    /**
     * A flag that rewrites a test's expectation would make CI pass whatever the code does: refused where CI is set
     * (shared-model's golden-file test, below this module in the build, applies the same rule itself).
     */
    public static void refuseUpdateInCi(String flag) {
        if (System.getenv("CI") != null) {
            throw new AssertionError("-D" + flag + " rewrites the expectation this test checks; it is refused when CI is "
                    + "set (run it on a workstation and commit the reviewed diff)");
        }
    }

    static void compare(String at, JsonNode committed, JsonNode served, List<String> out) {
        if (committed == null || served == null) {
            out.add(at + (committed == null ? ": served but not committed" : ": committed but no longer served"));
            return;
        }
        if (committed.isObject() && served.isObject()) {
            TreeSet<String> names = new TreeSet<>();
            committed.fieldNames().forEachRemaining(names::add);
            served.fieldNames().forEachRemaining(names::add);
            for (String name : names) {
                compare(at + "/" + name.replace("~", "~0").replace("/", "~1"), committed.get(name), served.get(name), out);
            }
            return;
        }
        if (committed.isArray() && served.isArray() && committed.size() == served.size()) {
            Iterator<JsonNode> a = committed.elements();
            Iterator<JsonNode> b = served.elements();
            for (int i = 0; a.hasNext(); i++) {
                compare(at + "/" + i, a.next(), b.next(), out);
            }
            return;
        }
        if (!committed.equals(served)) {
            out.add(at + ": committed " + committed + ", served " + served);
        }
    }
}
