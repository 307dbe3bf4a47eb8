package ai.galaxyco.phone.console.domain;

import ai.galaxyco.phone.kit.api.OrganizationRole;
import ai.galaxyco.phone.kit.config.KeyText;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;

/**
 * RS256 tokens signed with a local stack's development keys, shaped exactly as {@code ./stack token} makes them:
 * a Clerk-like user token for one workspace, or a short service token. Only the local sign-in page uses this.
 */
public final class LocalTokens {

    private final PrivateKey key;

    private LocalTokens(PrivateKey key) {
        this.key = key;
    }

    /** @param pemOrPath a PKCS#8 private key in PEM (as {@code openssl genpkey} writes it), or where to read one (see {@link KeyText}) */
    public static LocalTokens from(String pemOrPath) {
        try {
            String pem = KeyText.read(pemOrPath);
            byte[] der = Base64.getMimeDecoder().decode(pem.replaceAll("-----[A-Z ]+-----", "").trim());
            return new LocalTokens(KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(der)));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the local signing key " + pemOrPath, e);
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new IllegalStateException("the local signing key is not a PKCS#8 RSA private key: " + e.getMessage(), e);
        }
    }

    public String user(String issuer, String authorizedParty, String workspaceId, OrganizationRole role, Instant now,
            Duration lifetime) {
        return sign("{\"iss\":" + quote(issuer) + ",\"sub\":\"user_local\",\"azp\":" + quote(authorizedParty)
                + ",\"org_id\":" + quote(workspaceId) + ",\"org_role\":" + quote(role.clerkName()) + ",\"iat\":" + now.getEpochSecond() + ",\"exp\":"
                + now.plus(lifetime).getEpochSecond() + "}");
    }

    public String service(String issuer, List<String> audiences, Instant now, Duration lifetime) {
        return sign("{\"iss\":" + quote(issuer) + ",\"sub\":\"local-console\",\"aud\":["
                + String.join(",", audiences.stream().map(LocalTokens::quote).toList()) + "],\"iat\":" + now.getEpochSecond()
                + ",\"exp\":" + now.plus(lifetime).getEpochSecond() + "}");
    }

    private String sign(String claims) {
        String content = b64("{\"alg\":\"RS256\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8)) + "."
                + b64(claims.getBytes(StandardCharsets.UTF_8));
        try {
            Signature signature = Signature.getInstance("SHA256withRSA");
            signature.initSign(key);
            signature.update(content.getBytes(StandardCharsets.US_ASCII));
            return content + "." + b64(signature.sign());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String b64(byte[] bytes) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private static String quote(String value) {
        return "\"" + value.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }
}
