package ai.galaxyco.phone.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * RS256 tokens shaped like Clerk session tokens, signed with a key pair kept in {@code target/test-jwt}
 * (a file, because test resources and tests may live in different class loaders).
 * {@link JwtResource} points smallrye-jwt at the public half.
 */
public final class TestTokens {

    public static final String ISSUER = "https://clerk.galaxyco.test";
    static final Path DIR = Path.of("target", "test-jwt");

    private TestTokens() {
    }

    /** A token for a member of {@code workspaceId}, valid for an hour. */
    public static String forWorkspace(String workspaceId) {
        return sign(Map.of("org_id", workspaceId), Instant.now().plusSeconds(3600));
    }

    /** A Clerk v2 style token ({@code "o": {"id": ...}}). */
    public static String forWorkspaceV2(String workspaceId) {
        return sign(Map.of("o", Map.of("id", workspaceId, "rol", "admin")), Instant.now().plusSeconds(3600));
    }

    public static String expiredForWorkspace(String workspaceId) {
        return sign(Map.of("org_id", workspaceId), Instant.now().minusSeconds(600));
    }

    /** A platform service token that may act for any workspace. */
    public static String forService() {
        return sign(Map.of("groups", java.util.List.of("phone-service")), Instant.now().plusSeconds(3600));
    }

    /** The same claims with an empty signature ("alg":"none"), which must never be accepted. */
    public static String unsigned(String workspaceId) {
        String header = b64("{\"alg\":\"none\",\"typ\":\"JWT\"}");
        return header + "." + b64(json(claims(Map.of("org_id", workspaceId), Instant.now().plusSeconds(3600)))) + ".";
    }

    /** Where smallrye-jwt finds the public key, as a {@code file:} location. */
    public static String publicKeyLocation() {
        return publicKeyPem().toUri().toString();
    }

    static synchronized Path publicKeyPem() {
        keyPair();
        return DIR.resolve("public.pem").toAbsolutePath();
    }

    private static String sign(Map<String, Object> extra, Instant expiry) {
        try {
            String header = b64("{\"alg\":\"RS256\",\"typ\":\"JWT\",\"kid\":\"test\"}");
            String payload = b64(json(claims(extra, expiry)));
            Signature rsa = Signature.getInstance("SHA256withRSA");
            rsa.initSign(keyPair());
            rsa.update((header + "." + payload).getBytes(StandardCharsets.US_ASCII));
            return header + "." + payload + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(rsa.sign());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Map<String, Object> claims(Map<String, Object> extra, Instant expiry) {
        var claims = new java.util.LinkedHashMap<String, Object>();
        claims.put("iss", ISSUER);
        claims.put("sub", "user_test");
        claims.put("iat", expiry.minusSeconds(3600).getEpochSecond());
        claims.put("exp", expiry.getEpochSecond());
        claims.putAll(extra);
        return claims;
    }

    private static synchronized PrivateKey keyPair() {
        try {
            Path privateFile = DIR.resolve("private.der");
            if (!Files.exists(privateFile)) {
                Files.createDirectories(DIR);
                KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
                generator.initialize(2048);
                KeyPair pair = generator.generateKeyPair();
                String pem = "-----BEGIN PUBLIC KEY-----\n"
                        + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(pair.getPublic().getEncoded())
                        + "\n-----END PUBLIC KEY-----\n";
                Files.writeString(DIR.resolve("public.pem"), pem);
                Files.write(privateFile, pair.getPrivate().getEncoded());
            }
            return KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(Files.readAllBytes(privateFile)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String b64(String s) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    @SuppressWarnings("unchecked")
    private static String json(Object value) {
        if (value instanceof Map<?, ?> map) {
            return map.entrySet().stream().map(e -> "\"" + e.getKey() + "\":" + json(e.getValue()))
                    .collect(Collectors.joining(",", "{", "}"));
        }
        if (value instanceof java.util.List<?> list) {
            return list.stream().map(TestTokens::json).collect(Collectors.joining(",", "[", "]"));
        }
        if (value instanceof Number) {
            return value.toString();
        }
        return "\"" + value + "\"";
    }
}
