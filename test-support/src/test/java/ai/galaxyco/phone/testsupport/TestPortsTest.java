package ai.galaxyco.phone.testsupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class TestPortsTest {

    @Test
    void portsComeFromBelowTheEphemeralRangeAndAreFree() throws IOException {
        int ephemeralLow = TestPorts.ephemeralLow();
        Path range = Path.of("/proc/sys/net/ipv4/ip_local_port_range");
        if (Files.exists(range)) {
            assertEquals(Integer.parseInt(Files.readAllLines(range).get(0).trim().split("\\s+")[0]), ephemeralLow);
        }
        int first = TestPorts.free();
        int second = TestPorts.free();
        assertNotEquals(first, second, "never the same port twice in a JVM");
        for (int port : new int[] {first, second}) {
            assertTrue(port > 1024 && port < ephemeralLow, port + " below " + ephemeralLow);
            try (ServerSocket socket = new ServerSocket(port)) {
                assertEquals(port, socket.getLocalPort());
            }
        }
    }
}
