package ai.galaxyco.phone.gateway.messaging;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32;

/**
 * A durable, append-only local file of verified webhooks the broker did not take in time. Each record is framed
 * as {@code [length][crc32][bytes]} and fsync'd before {@link #append} returns, so a webhook answered 2xx after
 * an append survives a crash of the gateway. Records are read back in order from a drained-up-to offset that
 * is itself fsync'd after every batch; once everything is drained the file is truncated. A torn record at the end
 * (a crash in the middle of an append, which was never acknowledged) is set aside at start-up, and so is anything
 * after a record whose checksum fails: never cut silently, it is moved to a dated file beside the spool, logged with its
 * size and counted ({@link #unreadableTails}), for someone to look at.
 *
 * <p>A write that fails (disk full, read-only or failing file system) fails closed: nothing half-written stays
 * behind, {@link #append} throws {@link WriteFailedException}, and {@link #writeFailure} names the error until a
 * probe write succeeds again ({@link #probeWritable}).
 *
 * <p>One directory per instance: an exclusive file lock refuses a second process on the same directory.
 */
public final class Spool implements AutoCloseable {

    private static final int HEADER = 8;
    private static final org.jboss.logging.Logger LOG = org.jboss.logging.Logger.getLogger(Spool.class);

    /** Where each write goes first: nothing in production; in tests, a gate that fails writes as a full disk would. */
    @FunctionalInterface
    public interface WriteGate {
        WriteGate OPEN = () -> {
        };

        void beforeWrite() throws IOException;
    }

    /** The spool could not write a record: the disk is full or failing. Nothing of the record was kept. */
    public static final class WriteFailedException extends RuntimeException {
        WriteFailedException(IOException cause) {
            super("cannot write the gateway spool: " + cause.getMessage(), cause);
        }
    }

    private final FileChannel records;
    private final FileChannel offsetFile;
    private final FileLock lock;
    private final long maxBytes;
    private final Path directory;
    private final WriteGate gate;
    private long drainedUpTo;
    private String writeFailure;
    private int unreadableTails;
    private long length;
    private long pending;
    private boolean refusedSinceDrained;

    private Spool(Path directory, long maxBytes, WriteGate gate) throws IOException {
        Files.createDirectories(directory);
        this.maxBytes = maxBytes;
        this.directory = directory;
        this.gate = gate;
        this.records = FileChannel.open(directory.resolve("records.spool"), StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE);
        FileLock acquired;
        try {
            acquired = records.tryLock();
        } catch (java.nio.channels.OverlappingFileLockException e) {
            acquired = null; // held by this same process
        }
        this.lock = acquired;
        if (lock == null) {
            records.close();
            throw new IllegalStateException("the spool directory " + directory + " is in use by another gateway process; "
                    + "give each instance its own GATEWAY_SPOOL_DIR");
        }
        this.offsetFile = FileChannel.open(directory.resolve("drained.offset"), StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE);
        recover();
    }

    /** Opens (or creates) the spool in {@code directory}, cutting off a torn last record. */
    public static Spool open(Path directory, long maxBytes) {
        return open(directory, maxBytes, WriteGate.OPEN);
    }

    /** As {@link #open(Path, long)}, every write passing {@code gate} first (the seam tests fail writes through). */
    public static Spool open(Path directory, long maxBytes, WriteGate gate) {
        try {
            return new Spool(directory, maxBytes, gate);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the gateway spool in " + directory, e);
        }
    }

    private void recover() throws IOException {
        ByteBuffer stored = ByteBuffer.allocate(Long.BYTES);
        drainedUpTo = offsetFile.read(stored, 0) == Long.BYTES ? stored.flip().getLong() : 0;
        long position = 0;
        long count = 0;
        long size = records.size();
        while (position < size) {
            byte[] record = readAt(position, size);
            if (record == null) {
                break;
            }
            if (position >= drainedUpTo) {
                count++;
            }
            position += HEADER + record.length;
        }
        pending = count;
        if (position < size) {
            setAside(position, size);
        }
        length = position;
        if (drainedUpTo > length) { // the file was truncated after a full drain but the offset not yet reset
            drainedUpTo = length;
        }
    }

    /**
     * Copies the unreadable tail from {@code from} to a dated file beside the spool (fsync'd) before the spool is cut
     * there: a torn last append (never acknowledged) or records after a bad checksum (acknowledged, so never dropped
     * without a trace).
     */
    private void setAside(long from, long size) throws IOException {
        Path aside = directory.resolve("records.spool.unreadable-" + java.time.Instant.now().toString().replace(':', '-'));
        try (FileChannel out = FileChannel.open(aside, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            long copied = 0;
            while (copied < size - from) {
                copied += records.transferTo(from + copied, size - from - copied, out);
            }
            out.force(true);
        }
        records.truncate(from);
        records.force(true);
        unreadableTails++;
        LOG.errorf("the gateway spool was unreadable from offset %d: %d bytes (a torn last write, or records after a bad "
                + "checksum) were moved to %s; the %d undrained records before them are kept", from, size - from, aside, pending);
    }

    /** Appends one record and forces it to disk. @return false when the spool is full (nothing written) */
    public synchronized boolean append(byte[] record) {
        if (length + HEADER + record.length > maxBytes) {
            refusedSinceDrained = true;
            return false;
        }
        CRC32 crc = new CRC32();
        crc.update(record);
        ByteBuffer frame = ByteBuffer.allocate(HEADER + record.length).putInt(record.length).putInt((int) crc.getValue())
                .put(record).flip();
        try {
            gate.beforeWrite();
            while (frame.hasRemaining()) {
                records.write(frame, length + frame.position());
            }
            records.force(false);
        } catch (IOException e) {
            failed(e);
            throw new WriteFailedException(e);
        }
        writeFailure = null;
        length += HEADER + record.length;
        pending++;
        return true;
    }

    /** Up to {@code max} undrained records, oldest first, with the offset that follows the last of them. */
    public synchronized Batch next(int max) {
        List<byte[]> batch = new ArrayList<>();
        long position = drainedUpTo;
        try {
            while (batch.size() < max && position < length) {
                byte[] record = readAt(position, length);
                if (record == null) {
                    throw new IllegalStateException("gateway spool corrupt at offset " + position);
                }
                batch.add(record);
                position += HEADER + record.length;
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the gateway spool", e);
        }
        return new Batch(batch, position);
    }

    /** Marks everything before {@code offset} as published; empties the file once nothing is left. */
    public synchronized void drained(Batch batch) {
        try {
            drainedUpTo = batch.endOffset();
            pending -= batch.records().size();
            refusedSinceDrained = false;
            if (drainedUpTo == length) {
                records.truncate(0);
                records.force(true);
                length = 0;
                drainedUpTo = 0;
                pending = 0;
            }
            offsetFile.write(ByteBuffer.allocate(Long.BYTES).putLong(drainedUpTo).flip(), 0);
            offsetFile.force(true);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot record the gateway spool's progress", e);
        }
    }

    /** Remembers a failed write and cuts off whatever part of it reached the file (best effort: the disk is failing). */
    private void failed(IOException e) {
        writeFailure = e.getMessage() == null ? e.toString() : e.getMessage();
        try {
            if (records.size() > length) {
                records.truncate(length);
            }
        } catch (IOException ignored) {
            // the next start-up sets a torn tail aside in any case
        }
    }

    /**
     * While a write has failed, tries one again: a frame start-up would treat as torn (negative length), written at
     * the end, forced and cut off. @return whether the spool can write (readiness is down while it cannot)
     */
    public synchronized boolean probeWritable() {
        if (writeFailure == null) {
            return true;
        }
        try {
            gate.beforeWrite();
            ByteBuffer probe = ByteBuffer.allocate(HEADER).putInt(-1).putInt(0).flip();
            while (probe.hasRemaining()) {
                records.write(probe, length + probe.position());
            }
            records.force(false);
            records.truncate(length);
            writeFailure = null;
            return true;
        } catch (IOException e) {
            failed(e);
            return false;
        }
    }

    /** The error of the last failed write, while the spool cannot write; else null. */
    public synchronized String writeFailure() {
        return writeFailure;
    }

    /** How many unreadable tails start-up set aside (see {@link #setAside}). */
    public synchronized int unreadableTails() {
        return unreadableTails;
    }

    /** Records appended and not yet drained. */
    public synchronized long pending() {
        return pending;
    }

    /** Whether a record was refused for want of room since the drainer last made progress. */
    public synchronized boolean full() {
        return refusedSinceDrained;
    }

    public synchronized long bytes() {
        return length;
    }

    public long maxBytes() {
        return maxBytes;
    }

    private byte[] readAt(long position, long limit) throws IOException {
        if (position + HEADER > limit) {
            return null;
        }
        ByteBuffer header = ByteBuffer.allocate(HEADER);
        while (header.hasRemaining() && records.read(header, position + header.position()) > 0) {
            // keep reading
        }
        header.flip();
        int size = header.getInt();
        int expectedCrc = header.getInt();
        if (size < 0 || position + HEADER + size > limit) {
            return null;
        }
        ByteBuffer body = ByteBuffer.allocate(size);
        while (body.hasRemaining() && records.read(body, position + HEADER + body.position()) > 0) {
            // keep reading
        }
        CRC32 crc = new CRC32();
        crc.update(body.array());
        return (int) crc.getValue() == expectedCrc ? body.array() : null;
    }

    @Override
    public synchronized void close() {
        try {
            lock.release();
            records.close();
            offsetFile.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Records read for publication and where the spool continues after them. */
    public record Batch(List<byte[]> records, long endOffset) {
    }
}
