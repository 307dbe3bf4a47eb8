package ai.galaxyco.phone.model.signature;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * SignalWire's webhook signatures ({@code X-SignalWire-Signature}, alias {@code X-Twilio-Signature}).
 * <ul>
 * <li>Form scheme: base64 HMAC-SHA1 over the URL followed by every POST parameter as key+value, sorted
 * by key (repeated keys keep their order).</li>
 * <li>bodySHA256 variant: a JSON body whose URL carries {@code bodySHA256=<hex sha256 of the body>};
 * the URL alone is signed.</li>
 * <li>JSON scheme: hex HMAC-SHA1 over the URL followed by the raw body.</li>
 * </ul>
 * SignalWire is inconsistent about default ports, so each URL is tried with and without ":443"/":80".
 */
public final class SignalWireSignature {

    private SignalWireSignature() {
    }

    /** The form-scheme signature for a POST with these parameters (in submission order). */
    public static String formSignature(String signingKey, String url, List<Map.Entry<String, String>> params) {
        List<Map.Entry<String, String>> sorted = new ArrayList<>(params);
        sorted.sort(Comparator.comparing(Map.Entry::getKey)); // stable: repeated keys keep their order
        StringBuilder data = new StringBuilder(url);
        for (Map.Entry<String, String> p : sorted) {
            data.append(p.getKey()).append(p.getValue());
        }
        return Base64.getEncoder().encodeToString(hmacSha1(signingKey, data.toString().getBytes(StandardCharsets.UTF_8)));
    }

    /** The JSON-scheme signature (hex) over URL + raw body. */
    public static String jsonSignature(String signingKey, String url, byte[] rawBody) {
        byte[] urlBytes = url.getBytes(StandardCharsets.UTF_8);
        byte[] data = new byte[urlBytes.length + rawBody.length];
        System.arraycopy(urlBytes, 0, data, 0, urlBytes.length);
        System.arraycopy(rawBody, 0, data, urlBytes.length, rawBody.length);
        return HexFormat.of().formatHex(hmacSha1(signingKey, data));
    }

    public static String sha256Hex(byte[] body) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(body));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * True when {@code signature} is valid for the request under any of the schemes.
     *
     * @param url the public URL SignalWire requested, with its query string
     * @param formParams POST form parameters in submission order (empty for a JSON body)
     * @param rawBody the body exactly as received
     */
    public static boolean isValid(String signingKey, String signature, String url,
            List<Map.Entry<String, String>> formParams, byte[] rawBody) {
        if (signature == null || signature.isBlank() || signingKey == null || signingKey.isEmpty()) {
            return false;
        }
        byte[] given = signature.trim().getBytes(StandardCharsets.UTF_8);
        String bodyHash = queryParameter(url, "bodySHA256");
        // a body that is not form parameters is covered only by bodySHA256 or the JSON scheme: a signature over the
        // URL alone would let anyone who saw one request send any body with it
        boolean bodyOutsideForm = formParams.isEmpty() && rawBody != null && rawBody.length > 0;
        for (String candidate : portVariants(url)) {
            if (bodyHash != null) {
                if (equal(given, formSignature(signingKey, candidate, List.of()))
                        && equal(bodyHash.getBytes(StandardCharsets.UTF_8),
                                sha256Hex(rawBody).getBytes(StandardCharsets.UTF_8))) {
                    return true;
                }
            } else if (!bodyOutsideForm && equal(given, formSignature(signingKey, candidate, formParams))) {
                return true;
            }
            if (equal(given, jsonSignature(signingKey, candidate, rawBody))) {
                return true;
            }
        }
        return false;
    }

    /** The URL as given, plus the same URL with the scheme's default port added or removed. */
    static Set<String> portVariants(String url) {
        Set<String> variants = new LinkedHashSet<>();
        variants.add(url);
        try {
            URI uri = new URI(url);
            String scheme = uri.getScheme();
            int defaultPort = "https".equalsIgnoreCase(scheme) ? 443 : "http".equalsIgnoreCase(scheme) ? 80 : -1;
            if (defaultPort < 0 || uri.getRawAuthority() == null) {
                return variants;
            }
            String authority = uri.getRawAuthority();
            String rest = url.substring(url.indexOf(authority) + authority.length());
            String prefix = scheme + "://";
            if (uri.getPort() == defaultPort) {
                variants.add(prefix + authority.substring(0, authority.lastIndexOf(':')) + rest);
            } else if (uri.getPort() == -1) {
                variants.add(prefix + authority + ":" + defaultPort + rest);
            }
        } catch (URISyntaxException e) {
            // an unparseable URL is only tried as given
        }
        return variants;
    }

    private static String queryParameter(String url, String name) {
        int q = url.indexOf('?');
        if (q < 0) {
            return null;
        }
        for (String pair : url.substring(q + 1).split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0 && pair.substring(0, eq).equals(name)) {
                return pair.substring(eq + 1);
            }
        }
        return null;
    }

    private static boolean equal(byte[] given, String expected) {
        return MessageDigest.isEqual(given, expected.getBytes(StandardCharsets.UTF_8));
    }

    private static boolean equal(byte[] a, byte[] b) {
        return MessageDigest.isEqual(a, b);
    }

    private static byte[] hmacSha1(String key, byte[] data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA1");
            mac.init(new SecretKeySpec(key.getBytes(StandardCharsets.UTF_8), "HmacSHA1"));
            return mac.doFinal(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA1 unavailable", e);
        }
    }
}
