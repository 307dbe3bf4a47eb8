package ai.galaxyco.phone.testsupport;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A port for a process a test starts and that binds it a while later (a service, a broker, a database). Chosen
 * below the kernel's ephemeral range (ip_local_port_range), where every outgoing connection and every
 * {@code ServerSocket(0)} of this busy machine takes its port: a port found free with {@code ServerSocket(0)} and
 * released could be taken by any of them before the child binds it (ComposeParityE2ETest met "Address already in
 * use"). Random in that lower range and never handed out twice in one JVM, so parallel modules rarely meet.
 */
public final class TestPorts {

    private static final int FALLBACK_EPHEMERAL_LOW = 32768;
    private static final int RANGE = 12_000;
    private static final Set<Integer> handedOut = ConcurrentHashMap.newKeySet();

    private TestPorts() {
    }

    /** A port that is free now and outside the ephemeral range. */
    public static int free() {
        int high = ephemeralLow();
        int low = Math.max(1024, high - RANGE);
        for (int attempt = 0; attempt < 1_000; attempt++) {
            int port = ThreadLocalRandom.current().nextInt(low, high);
            if (handedOut.add(port) && bindable(port)) {
                return port;
            }
        }
        throw new IllegalStateException("no free port between " + low + " and " + high);
    }

    private static boolean bindable(int port) {
        try (ServerSocket socket = new ServerSocket(port)) {
            return true;
        } catch (IOException taken) {
            return false;
        }
    }

    /** The first port of the ephemeral range (Linux), or the usual 32768 elsewhere. */
    static int ephemeralLow() {
        try {
            // readAllLines, not readString: /proc files report size 0, and readString returned their first byte only
            String range = Files.readAllLines(Path.of("/proc/sys/net/ipv4/ip_local_port_range")).get(0).trim();
            int low = Integer.parseInt(range.split("\\s+")[0]);
            return low > 1024 + RANGE ? low : FALLBACK_EPHEMERAL_LOW;
        } catch (IOException | RuntimeException e) {
            return FALLBACK_EPHEMERAL_LOW;
        }
    }
}
