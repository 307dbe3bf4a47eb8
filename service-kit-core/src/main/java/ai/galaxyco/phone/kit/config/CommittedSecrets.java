package ai.galaxyco.phone.kit.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.spec.RSAPublicKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Every key and secret whose secret half is in this repository (public, so worthless as a secret), in one list, and
 * the checks that refuse them where real users or money are involved. Keys are compared by fingerprint (SHA-256 of
 * the public key's X.509 encoding), so a committed key is recognised as PEM, as a JWK or behind a {@code file:}
 * location. Every module's production start-up runs these checks unless GALAXYCO_ALLOW_DEV_SECRETS=true (./stack,
 * the end-to-end suite and the compose local profile set it). {@code CommittedSecretsTest} fails when a key file is
 * committed without its fingerprint here.
 */
public final class CommittedSecrets {

    /** Public keys whose private halves are committed: fingerprint → where. */
    static final Map<String, String> PUBLIC_KEYS = Map.of(
            "2a0d94a64a49cf934cbc421ff7a334ff276e0f5f81e90aac0c4588c1d9346d17",
            "ops/docker/local-jwt/public.pem (the compose local profile's user tokens)",
            "b86ff7fa9834953efb70b35fc22973c42528d2512ef54280443d5086e526d0cd",
            "ops/docker/local-jwt/service-public.pem (the compose local profile's service tokens)");

    /** Signing secrets written in this repository: value → where. */
    static final Map<String, String> SIGNING_SECRETS = Map.of(
            "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "the Clerk webhook secret of the dev and test profiles",
            "sandbox-token", "the SignalWire sandbox's token (dev profile, compose, ./stack)",
            "PSK_test_signing_key", "the SignalWire signing key of the gateway's tests",
            "PSK_e2e_signing_key", "the SignalWire signing key of the end-to-end suite",
            "e2e-token", "the SignalWire token of the end-to-end suite");

    private static final Pattern PEM_PUBLIC_KEY = Pattern.compile(
            "-----BEGIN PUBLIC KEY-----([A-Za-z0-9+/=\\s]+)-----END PUBLIC KEY-----");
    private static final ObjectMapper JSON = new ObjectMapper();

    private CommittedSecrets() {
    }

    /**
     * What is wrong with a configured public key (the key itself, or where to read it), naming {@code variable}: a
     * plain {@code http:} location (anyone on the path could swap the key), or a key whose private half is committed.
     * {@code https:} locations (Clerk's JWKS) are not fetched here.
     */
    public static List<String> keyProblems(String variable, Optional<String> keyOrLocation) {
        List<String> problems = new ArrayList<>();
        String value = keyOrLocation.map(String::trim).orElse("");
        if (value.isEmpty() || value.regionMatches(true, 0, "https:", 0, 6)) {
            return problems;
        }
        if (value.regionMatches(true, 0, "http:", 0, 5)) {
            problems.add(variable + " is a plain http: location, which anyone on the way can answer with their own key; "
                    + "use https:, file: or the key itself");
            return problems;
        }
        String text;
        try {
            text = KeyText.read(value);
        } catch (IOException | RuntimeException e) {
            problems.add(variable + " cannot be read (" + e.getMessage() + ")");
            return problems;
        }
        for (String fingerprint : fingerprints(text)) {
            String where = PUBLIC_KEYS.get(fingerprint);
            if (where != null) {
                problems.add(variable + " is a development key whose private half is committed to the repository (" + where
                        + "): anyone can sign tokens it accepts; configure your own key");
            }
        }
        return problems;
    }

    /** What is wrong with a configured signing secret, naming {@code variable}: it is one written in this repository. */
    public static Optional<String> secretProblem(String variable, Optional<String> secret) {
        return secret.map(String::trim).map(SIGNING_SECRETS::get).map(where -> variable + " is " + where
                + ", committed to the repository; set the real one");
    }

    /** SHA-256 fingerprints (hex) of every RSA public key in a PEM text, a JWK or a JWK set. */
    public static Set<String> fingerprints(String keyText) {
        Set<String> fingerprints = new LinkedHashSet<>();
        Matcher pem = PEM_PUBLIC_KEY.matcher(keyText);
        while (pem.find()) {
            fingerprints.add(sha256(Base64.getMimeDecoder().decode(pem.group(1))));
        }
        String trimmed = keyText.trim();
        if (trimmed.startsWith("{")) {
            try {
                JsonNode json = JSON.readTree(trimmed);
                List<JsonNode> keys = new ArrayList<>();
                if (json.has("keys")) {
                    json.get("keys").forEach(keys::add);
                } else {
                    keys.add(json);
                }
                for (JsonNode key : keys) {
                    if ("RSA".equals(key.path("kty").asText()) && key.hasNonNull("n") && key.hasNonNull("e")) {
                        var spec = new RSAPublicKeySpec(new BigInteger(1, Base64.getUrlDecoder().decode(key.get("n").asText())),
                                new BigInteger(1, Base64.getUrlDecoder().decode(key.get("e").asText())));
                        fingerprints.add(sha256(KeyFactory.getInstance("RSA").generatePublic(spec).getEncoded()));
                    }
                }
            } catch (IOException | GeneralSecurityException | IllegalArgumentException e) {
                // not a key we can fingerprint: nothing to compare (the JWT library reports an unreadable key itself)
            }
        }
        return fingerprints;
    }

    /** The fingerprint of an X.509 (SubjectPublicKeyInfo) encoded public key, as {@link #PUBLIC_KEYS} holds them. */
    static String sha256(byte[] encoded) {
        try {
            // re-encoded through the key factory, so equal keys compare equal however the text was laid out
            byte[] canonical = KeyFactory.getInstance("RSA").generatePublic(new X509EncodedKeySpec(encoded)).getEncoded();
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(canonical));
        } catch (GeneralSecurityException e) {
            try {
                return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(encoded));
            } catch (GeneralSecurityException impossible) {
                throw new IllegalStateException(impossible);
            }
        }
    }
}
