package ai.galaxyco.phone.model.signature;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The Svix / Standard Webhooks signature that Clerk webhooks carry: base64 HMAC-SHA256 over
 * {@code id.timestamp.rawBody} with the base64-decoded part of a {@code whsec_} secret. A header may
 * hold several space-separated {@code v1,} signatures (secret rotation); any match passes.
 */
public final class SvixSignature {

    /** Svix's own libraries accept five minutes either way; so do we. */
    public static final Duration TOLERANCE = Duration.ofMinutes(5);

    public enum Outcome {
        VALID,
        MISSING_HEADERS,
        BAD_TIMESTAMP,
        TIMESTAMP_TOO_OLD,
        TIMESTAMP_TOO_NEW,
        NO_MATCHING_SIGNATURE
    }

    private SvixSignature() {
    }

    /** Decodes a {@code whsec_...} secret (the prefix is optional) to the HMAC key. */
    public static byte[] secretKey(String secret) {
        String encoded = secret.startsWith("whsec_") ? secret.substring("whsec_".length()) : secret;
        return Base64.getDecoder().decode(encoded);
    }

    /** The {@code v1,<base64>} signature Svix would send for this message. */
    public static String sign(String secret, String messageId, long timestampSeconds, byte[] body) {
        return "v1," + Base64.getEncoder().encodeToString(hmac(secretKey(secret), messageId, timestampSeconds, body));
    }

    public static Outcome verify(String secret, String messageId, String timestamp, String signatureHeader,
            byte[] body, Instant now) {
        if (isBlank(messageId) || isBlank(timestamp) || isBlank(signatureHeader)) {
            return Outcome.MISSING_HEADERS;
        }
        long seconds;
        try {
            seconds = Long.parseLong(timestamp.trim());
        } catch (NumberFormatException e) {
            return Outcome.BAD_TIMESTAMP;
        }
        long skew = now.getEpochSecond() - seconds;
        if (skew > TOLERANCE.toSeconds()) {
            return Outcome.TIMESTAMP_TOO_OLD;
        }
        if (skew < -TOLERANCE.toSeconds()) {
            return Outcome.TIMESTAMP_TOO_NEW;
        }
        byte[] expected = Base64.getEncoder()
                .encode(hmac(secretKey(secret), messageId.trim(), seconds, body));
        for (String entry : signatureHeader.trim().split(" +")) {
            int comma = entry.indexOf(',');
            if (comma < 0 || !"v1".equals(entry.substring(0, comma))) {
                continue;
            }
            byte[] given = entry.substring(comma + 1).getBytes(StandardCharsets.US_ASCII);
            if (MessageDigest.isEqual(expected, given)) {
                return Outcome.VALID;
            }
        }
        return Outcome.NO_MATCHING_SIGNATURE;
    }

    private static byte[] hmac(byte[] key, String messageId, long timestampSeconds, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            mac.update((messageId + "." + timestampSeconds + ".").getBytes(StandardCharsets.UTF_8));
            return mac.doFinal(body);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }

    private static boolean isBlank(String s) {
        return s == null || s.isBlank();
    }
}
