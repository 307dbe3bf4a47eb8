package ai.galaxyco.phone.gateway.messaging;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The spool's file format on a real file system: order, progress, torn tails, bounds and one owner. */
class SpoolTest {

    @TempDir
    Path dir;

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void recordsComeBackInOrderAndSurviveAReopenUntilDrained() {
        try (Spool spool = Spool.open(dir, 1 << 20)) {
            for (int i = 0; i < 5; i++) {
                assertTrue(spool.append(bytes("record " + i)));
            }
            Spool.Batch first = spool.next(2);
            assertArrayEquals(bytes("record 0"), first.records().get(0));
            assertArrayEquals(bytes("record 1"), first.records().get(1));
            spool.drained(first);
            assertEquals(3, spool.pending());
        }
        try (Spool reopened = Spool.open(dir, 1 << 20)) { // as after a crash: the drained two stay drained
            assertEquals(3, reopened.pending());
            Spool.Batch rest = reopened.next(10);
            assertEquals(3, rest.records().size());
            assertArrayEquals(bytes("record 2"), rest.records().get(0));
            reopened.drained(rest);
            assertEquals(0, reopened.pending());
            assertEquals(0, reopened.bytes(), "a drained spool is emptied");
        }
    }

    @Test
    void aTornLastRecordIsSetAsideAndTheRestKept() throws Exception {
        try (Spool spool = Spool.open(dir, 1 << 20)) {
            spool.append(bytes("whole"));
            spool.append(bytes("also whole"));
        }
        // a crash in the middle of the next append: a header promising more bytes than were written
        Files.write(dir.resolve("records.spool"), new byte[] {0, 0, 0, 100, 1, 2, 3, 4, 'p', 'a'}, StandardOpenOption.APPEND);
        try (Spool spool = Spool.open(dir, 1 << 20)) {
            assertEquals(2, spool.pending());
            assertTrue(spool.append(bytes("after the crash")));
            assertEquals(3, spool.next(10).records().size());
        }
    }

    @Test
    void aFullSpoolRefusesWithoutWriting() {
        try (Spool spool = Spool.open(dir, 64)) {
            assertTrue(spool.append(new byte[40]));
            assertFalse(spool.full());
            assertFalse(spool.append(new byte[40]));
            assertEquals(1, spool.pending());
            assertTrue(spool.full(), "full once it refused a record");
            spool.drained(spool.next(10));
            assertFalse(spool.full(), "room again once drained");
        }
    }

    @Test
    void aBadChecksumSetsTheRestAsideInADatedFileInsteadOfCuttingItSilently() throws Exception {
        try (Spool spool = Spool.open(dir, 1 << 20)) {
            spool.append(bytes("first"));
            spool.append(bytes("second"));
            spool.append(bytes("third"));
        }
        Path file = dir.resolve("records.spool");
        byte[] content = Files.readAllBytes(file);
        int second = 8 + "first".length();
        content[second + 8] ^= 0x55; // one flipped byte in the second record's body: its checksum fails
        Files.write(file, content);
        try (Spool spool = Spool.open(dir, 1 << 20)) {
            assertEquals(1, spool.pending(), "the records before the bad one are kept");
            assertEquals(1, spool.unreadableTails());
            try (var files = Files.list(dir)) {
                Path aside = files.filter(p -> p.getFileName().toString().startsWith("records.spool.unreadable-")).findFirst()
                        .orElseThrow(() -> new AssertionError("no file set aside"));
                assertEquals(content.length - second, Files.size(aside), "the whole unreadable tail, byte for byte");
                assertArrayEquals(java.util.Arrays.copyOfRange(content, second, content.length), Files.readAllBytes(aside));
            }
            assertArrayEquals(bytes("first"), spool.next(10).records().get(0));
        }
    }

    @Test
    void aWriteThatFailsLeavesNothingBehindAndTheSpoolSaysWhyUntilItCanWriteAgain() {
        var failure = new java.util.concurrent.atomic.AtomicReference<java.io.IOException>();
        try (Spool spool = Spool.open(dir, 1 << 20, () -> {
            if (failure.get() != null) {
                throw failure.get();
            }
        })) {
            assertTrue(spool.append(bytes("before")));
            failure.set(new java.io.IOException("No space left on device"));
            Spool.WriteFailedException refused = assertThrows(Spool.WriteFailedException.class, () -> spool.append(bytes("lost")));
            assertTrue(refused.getMessage().contains("No space left on device"), refused.getMessage());
            assertEquals(1, spool.pending());
            assertEquals("No space left on device", spool.writeFailure());
            assertFalse(spool.probeWritable(), "still failing");
            failure.set(null);
            assertTrue(spool.probeWritable(), "the disk has room again");
            assertEquals(null, spool.writeFailure());
            assertTrue(spool.append(bytes("after")));
            assertEquals(2, spool.next(10).records().size(), "nothing of the failed write between them");
        }
    }

    @Test
    void twoOwnersOfOneDirectoryAreRefused() {
        try (Spool spool = Spool.open(dir, 1 << 20)) {
            IllegalStateException refused = assertThrows(IllegalStateException.class, () -> Spool.open(dir, 1 << 20));
            assertTrue(refused.getMessage().contains("GATEWAY_SPOOL_DIR"), refused.getMessage());
        }
    }
}
