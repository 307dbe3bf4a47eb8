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
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * RS256 tokens shaped like Clerk session tokens, and platform service tokens from their own issuer and key pair,
 * each key pair kept in {@code target/test-jwt} (files, because test resources and tests may live in different
 * class loaders). {@link JwtResource} points the services at the public halves.
 */
public final class TestTokens {

    public static final String ISSUER = "https://clerk.galaxyco.test";
    /** The front end's origin: user tokens carry it as {@code azp}, and the services are told to expect it. */
    public static final String AUTHORIZED_PARTY = "https://app.galaxyco.test";
    public static final String SERVICE_ISSUER = "https://services.galaxyco.test";
    public static final List<String> SERVICES = List.of("provisioning-service", "routing-service", "outbound-service",
            "analytics-service");
    static final Path DIR = Path.of("target", "test-jwt");
    private static final String CLERK_KEY = "clerk";
    private static final String SERVICE_KEY = "service";

    private TestTokens() {
    }

    /** A token for an admin of {@code workspaceId} ({@code org_role: org:admin}), valid for an hour: as {@code ./stack token} mints. */
    public static String forWorkspace(String workspaceId) {
        return sign(Map.of("org_id", workspaceId, "org_role", "org:admin"), Instant.now().plusSeconds(3600));
    }

    /** A Clerk v2 style token for an admin ({@code "o": {"id": ..., "rol": "admin"}}). */
    public static String forWorkspaceV2(String workspaceId) {
        return sign(Map.of("o", Map.of("id", workspaceId, "rol", "admin")), Instant.now().plusSeconds(3600));
    }

    /** A token for a member (not an admin) of {@code workspaceId}: {@code org_role: org:member}. */
    public static String forMember(String workspaceId) {
        return sign(Map.of("org_id", workspaceId, "org_role", "org:member"), Instant.now().plusSeconds(3600));
    }

    /** A Clerk v2 style token for a member ({@code "o": {"id": ..., "rol": "member"}}). */
    public static String forMemberV2(String workspaceId) {
        return sign(Map.of("o", Map.of("id", workspaceId, "rol", "member")), Instant.now().plusSeconds(3600));
    }

    /** A token for an admin of {@code workspaceId} that expires at {@code expiry} (what it opens must not outlive it). */
    public static String forWorkspaceUntil(String workspaceId, Instant expiry) {
        return sign(Map.of("org_id", workspaceId, "org_role", "org:admin"), expiry);
    }

    /** A token for {@code workspaceId} that names no role at all, which counts as a member. */
    public static String forWorkspaceWithoutRole(String workspaceId) {
        return sign(Map.of("org_id", workspaceId), Instant.now().plusSeconds(3600));
    }

    public static String expiredForWorkspace(String workspaceId) {
        return sign(Map.of("org_id", workspaceId), Instant.now().minusSeconds(600));
    }

    /** A genuine user token minted for another front end (its {@code azp}), or with none when {@code party} is null. */
    public static String forWorkspaceFromParty(String workspaceId, String party) {
        var claims = new java.util.LinkedHashMap<String, Object>(userClaims(Map.of("org_id", workspaceId),
                Instant.now().plusSeconds(3600)));
        if (party == null) {
            claims.remove("azp");
        } else {
            claims.put("azp", party);
        }
        return signed(CLERK_KEY, claims);
    }

    /**
     * What any signed-in Clerk user can mint from a JWT template: a genuine Clerk token whose groups name the old
     * service role. It must never act as a service.
     */
    public static String clerkTokenClaimingServiceRole() {
        return sign(Map.of("groups", List.of("phone-service")), Instant.now().plusSeconds(3600));
    }

    /** A platform service token for every service, from the service issuer, valid for five minutes. */
    public static String forService() {
        return forServiceAudience(SERVICES);
    }

    /** A platform service token naming only the given audiences. */
    public static String forServiceAudience(List<String> audiences) {
        Instant now = Instant.now();
        var claims = new java.util.LinkedHashMap<String, Object>();
        claims.put("iss", SERVICE_ISSUER);
        claims.put("sub", "test-service");
        claims.put("aud", audiences);
        claims.put("iat", now.getEpochSecond());
        claims.put("exp", now.plusSeconds(300).getEpochSecond());
        return signed(SERVICE_KEY, claims);
    }

    /** A service token signed with the service key but living longer than service tokens may (a day). */
    public static String longLivedServiceToken() {
        Instant now = Instant.now();
        return signed(SERVICE_KEY, Map.of("iss", SERVICE_ISSUER, "sub", "test-service", "aud", SERVICES,
                "iat", now.getEpochSecond(), "exp", now.plusSeconds(86_400).getEpochSecond()));
    }

    /** The same claims with an empty signature ("alg":"none"), which must never be accepted. */
    public static String unsigned(String workspaceId) {
        String header = b64("{\"alg\":\"none\",\"typ\":\"JWT\"}");
        return header + "." + b64(json(userClaims(Map.of("org_id", workspaceId), Instant.now().plusSeconds(3600)))) + ".";
    }

    /** Where smallrye-jwt finds Clerk's public key, as a {@code file:} location. */
    public static String publicKeyLocation() {
        return publicKeyPem(CLERK_KEY).toUri().toString();
    }

    /**
     * Clerk's test public key as the JWK set a Clerk Frontend API serves at {@code /.well-known/jwks.json}, so a
     * test can verify tokens the way production does (JWKS_URL, matched by {@code kid}).
     */
    public static String clerkJwks() {
        try {
            var key = (java.security.interfaces.RSAPublicKey) KeyFactory.getInstance("RSA").generatePublic(
                    new java.security.spec.X509EncodedKeySpec(Base64.getMimeDecoder().decode(Files.readString(publicKeyPem(CLERK_KEY))
                            .replaceAll("-----[A-Z ]+-----", ""))));
            return "{\"keys\":[{\"kty\":\"RSA\",\"use\":\"sig\",\"alg\":\"RS256\",\"kid\":\"" + CLERK_KEY + "\",\"n\":\""
                    + unsigned(key.getModulus()) + "\",\"e\":\"" + unsigned(key.getPublicExponent()) + "\"}]}";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String unsigned(java.math.BigInteger value) {
        byte[] bytes = value.toByteArray();
        if (bytes.length > 1 && bytes[0] == 0) {
            bytes = java.util.Arrays.copyOfRange(bytes, 1, bytes.length);
        }
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /**
     * Clerk's test private key as a PKCS#8 PEM file (as {@code openssl genpkey} writes the local stack's key): what
     * the console's local sign-in signs with in tests.
     */
    public static synchronized Path clerkPrivateKeyPem() {
        try {
            Path pem = DIR.resolve(CLERK_KEY + "-private.pem").toAbsolutePath();
            Files.writeString(pem, "-----BEGIN PRIVATE KEY-----\n"
                    + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(privateKey(CLERK_KEY).getEncoded())
                    + "\n-----END PRIVATE KEY-----\n");
            return pem;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Where the services find the service tokens' public key, as a {@code file:} location. */
    public static String servicePublicKeyLocation() {
        return publicKeyPem(SERVICE_KEY).toUri().toString();
    }

    static synchronized Path publicKeyPem(String name) {
        privateKey(name);
        return DIR.resolve(name + "-public.pem").toAbsolutePath();
    }

    private static String sign(Map<String, Object> extra, Instant expiry) {
        return signed(CLERK_KEY, userClaims(extra, expiry));
    }

    private static String signed(String keyName, Map<String, Object> claims) {
        try {
            String header = b64("{\"alg\":\"RS256\",\"typ\":\"JWT\",\"kid\":\"" + keyName + "\"}");
            String payload = b64(json(claims));
            Signature rsa = Signature.getInstance("SHA256withRSA");
            rsa.initSign(privateKey(keyName));
            rsa.update((header + "." + payload).getBytes(StandardCharsets.US_ASCII));
            return header + "." + payload + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(rsa.sign());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Map<String, Object> userClaims(Map<String, Object> extra, Instant expiry) {
        var claims = new java.util.LinkedHashMap<String, Object>();
        claims.put("iss", ISSUER);
        claims.put("sub", "user_test");
        claims.put("azp", AUTHORIZED_PARTY);
        claims.put("iat", expiry.minusSeconds(3600).getEpochSecond());
        claims.put("exp", expiry.getEpochSecond());
        claims.putAll(extra);
        return claims;
    }

    private static synchronized PrivateKey privateKey(String name) {
        try {
            Path privateFile = DIR.resolve(name + "-private.der");
            if (!Files.exists(privateFile)) {
                Files.createDirectories(DIR);
                KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
                generator.initialize(2048);
                KeyPair pair = generator.generateKeyPair();
                String pem = "-----BEGIN PUBLIC KEY-----\n"
                        + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(pair.getPublic().getEncoded())
                        + "\n-----END PUBLIC KEY-----\n";
                Files.writeString(DIR.resolve(name + "-public.pem"), pem);
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
