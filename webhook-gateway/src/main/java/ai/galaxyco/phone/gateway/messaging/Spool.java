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
 * (a crash in the middle of an append, which was never acknowledged) is cut off at start-up.
 *
 * <p>One directory per instance: an exclusive file lock refuses a second process on the same directory.
 */
public final class Spool implements AutoCloseable {

    private static final int HEADER = 8;

    private final FileChannel records;
    private final FileChannel offsetFile;
    private final FileLock lock;
    private final long maxBytes;
    private long drainedUpTo;
    private long length;
    private long pending;
    private boolean refusedSinceDrained;

    private Spool(Path directory, long maxBytes) throws IOException {
        Files.createDirectories(directory);
        this.maxBytes = maxBytes;
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
        try {
            return new Spool(directory, maxBytes);
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
        if (position < size) {
            records.truncate(position);
            records.force(true);
        }
        length = position;
        if (drainedUpTo > length) { // the file was truncated after a full drain but the offset not yet reset
            drainedUpTo = length;
        }
        pending = count;
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
            while (frame.hasRemaining()) {
                records.write(frame, length + frame.position());
            }
            records.force(false);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the gateway spool", e);
        }
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
