package ai.galaxyco.phone.kit.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.KeyPairGenerator;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.RSAPublicKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CommittedSecretsTest {

    static final Path REPOSITORY = Path.of("..");
    static final Path LOCAL_PUBLIC = REPOSITORY.resolve("ops/docker/local-jwt/public.pem");

    @TempDir
    Path dir;

    /** A key file committed without its fingerprint in the list would pass the production checks: this finds it. */
    @Test
    void everyKeyFileInTheRepositoryIsInTheList() throws Exception {
        List<Path> keyFiles;
        try (Stream<Path> files = Files.walk(REPOSITORY)) {
            keyFiles = files.filter(p -> p.toString().endsWith(".pem"))
                    .filter(p -> Stream.of("target", ".git", ".stack", "node_modules").noneMatch(skip -> contains(p, skip)))
                    .toList();
        }
        assertTrue(keyFiles.size() >= 4, "the committed local-jwt pairs are found: " + keyFiles);
        List<String> missing = new ArrayList<>();
        for (Path file : keyFiles) {
            String fingerprint = publicFingerprint(Files.readString(file));
            if (!CommittedSecrets.PUBLIC_KEYS.containsKey(fingerprint)) {
                missing.add(file + " (" + fingerprint + ")");
            }
        }
        assertEquals(List.of(), missing, "add these fingerprints to CommittedSecrets.PUBLIC_KEYS");
    }

    @Test
    void aCommittedKeyIsRefusedHoweverItIsGiven() throws Exception {
        String pem = Files.readString(LOCAL_PUBLIC);
        Path copy = Files.writeString(dir.resolve("innocent-name.pem"), pem);
        RSAPublicKey key = (RSAPublicKey) KeyFactory.getInstance("RSA").generatePublic(new java.security.spec.X509EncodedKeySpec(
                Base64.getMimeDecoder().decode(pem.replaceAll("-----[A-Z ]+-----", ""))));
        String jwks = "{\"keys\":[{\"kty\":\"RSA\",\"kid\":\"k1\",\"n\":\"" + base64Url(key.getModulus()) + "\",\"e\":\""
                + base64Url(key.getPublicExponent()) + "\"}]}";
        for (String given : List.of(pem, "file:" + copy.toAbsolutePath(), copy.toString(), jwks)) {
            List<String> problems = CommittedSecrets.keyProblems("JWT_PUBLIC_KEY_LOCATION", Optional.of(given));
            assertEquals(1, problems.size(), given + ": " + problems);
            assertTrue(problems.get(0).startsWith("JWT_PUBLIC_KEY_LOCATION is a development key whose private half is committed"),
                    problems.get(0));
        }
    }

    @Test
    void aKeyOfOnesOwnPassesAndOnlyHttpsOrLocalLocationsAreAccepted() throws Exception {
        var generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        String own = "-----BEGIN PUBLIC KEY-----\n" + Base64.getMimeEncoder().encodeToString(generator.generateKeyPair()
                .getPublic().getEncoded()) + "\n-----END PUBLIC KEY-----\n";
        assertEquals(List.of(), CommittedSecrets.keyProblems("SERVICE_JWT_PUBLIC_KEY", Optional.of(own)));
        assertEquals(List.of(), CommittedSecrets.keyProblems("SERVICE_JWT_PUBLIC_KEY", Optional.empty()));
        assertEquals(List.of(), CommittedSecrets.keyProblems("JWKS_URL", Optional.of("https://clerk.example.com/.well-known/jwks.json")));
        List<String> http = CommittedSecrets.keyProblems("JWKS_URL", Optional.of("http://clerk.example.com/.well-known/jwks.json"));
        assertEquals(1, http.size());
        assertTrue(http.get(0).contains("plain http:"), http.get(0));
    }

    @Test
    void committedSigningSecretsAreNamedAndOthersPass() {
        assertTrue(CommittedSecrets.secretProblem("SIGNALWIRE_SIGNING_KEY", Optional.of("sandbox-token")).orElseThrow()
                .startsWith("SIGNALWIRE_SIGNING_KEY is the SignalWire sandbox's token"));
        assertTrue(CommittedSecrets.secretProblem("CLERK_WEBHOOK_SECRET", Optional.of("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"))
                .isPresent());
        assertEquals(Optional.empty(), CommittedSecrets.secretProblem("SIGNALWIRE_SIGNING_KEY", Optional.of("PSK_a_real_one")));
    }

    private static boolean contains(Path path, String name) {
        for (Path part : path) {
            if (part.toString().equals(name)) {
                return true;
            }
        }
        return false;
    }

    /** The fingerprint of a PEM public key, or of the public half of a PEM (PKCS#8) RSA private key. */
    private static String publicFingerprint(String pem) throws Exception {
        byte[] der = Base64.getMimeDecoder().decode(pem.replaceAll("-----[A-Z ]+-----", ""));
        if (!pem.contains("PRIVATE KEY")) {
            return CommittedSecrets.sha256(der);
        }
        var factory = KeyFactory.getInstance("RSA");
        RSAPrivateCrtKey privateKey = (RSAPrivateCrtKey) factory.generatePrivate(new PKCS8EncodedKeySpec(der));
        return CommittedSecrets.sha256(factory.generatePublic(new RSAPublicKeySpec(privateKey.getModulus(),
                privateKey.getPublicExponent())).getEncoded());
    }

    private static String base64Url(BigInteger value) {
        byte[] bytes = value.toByteArray();
        if (bytes[0] == 0) {
            bytes = java.util.Arrays.copyOfRange(bytes, 1, bytes.length);
        }
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
