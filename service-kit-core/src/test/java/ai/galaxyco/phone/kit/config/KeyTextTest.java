package ai.galaxyco.phone.kit.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KeyTextTest {

    static final String PEM = "-----BEGIN PUBLIC KEY-----\nMFkw\n-----END PUBLIC KEY-----";

    @Test
    void aKeyIsItsOwnText() throws IOException {
        assertEquals(PEM, KeyText.read("  " + PEM + "\n"));
        assertEquals("{\"kty\":\"RSA\"}", KeyText.read("{\"kty\":\"RSA\"}"));
    }

    @Test
    void aLocationIsRead(@TempDir Path dir) throws IOException {
        Path file = Files.writeString(dir.resolve("key.pem"), PEM);
        assertEquals(PEM, KeyText.read(file.toString()));
        assertEquals(PEM, KeyText.read(file.toUri().toString()));
    }

    @Test
    void aMissingLocationIsAnError(@TempDir Path dir) {
        assertThrows(IOException.class, () -> KeyText.read(dir.resolve("absent.pem").toString()));
        assertThrows(IOException.class, () -> KeyText.read("classpath:absent.pem"));
    }
}
