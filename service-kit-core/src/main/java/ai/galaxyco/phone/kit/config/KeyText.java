package ai.galaxyco.phone.kit.config;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Key material as an operator gives it in one variable: the key itself (PEM, or a JWK in JSON), or where to read
 * it from ({@code file:}, {@code classpath:}, {@code http(s):} or a plain path).
 */
public final class KeyText {

    private KeyText() {
    }

    /** The key's text: {@code keyOrLocation} itself when it is a key, else what its location holds. */
    public static String read(String keyOrLocation) throws IOException {
        String trimmed = keyOrLocation.trim();
        if (trimmed.startsWith("-----BEGIN") || trimmed.startsWith("{")) {
            return trimmed;
        }
        if (trimmed.startsWith("classpath:")) {
            try (InputStream in = Thread.currentThread().getContextClassLoader()
                    .getResourceAsStream(trimmed.substring("classpath:".length()).replaceFirst("^/", ""))) {
                if (in == null) {
                    throw new IOException(trimmed + " is not on the class path");
                }
                return new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
        }
        if (trimmed.matches("^(file|https?):.*")) {
            try (InputStream in = URI.create(trimmed).toURL().openStream()) {
                return new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
        }
        return Files.readString(Path.of(trimmed));
    }
}
