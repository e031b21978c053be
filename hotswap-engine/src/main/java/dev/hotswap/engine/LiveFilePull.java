package dev.hotswap.engine;

import java.io.IOException;
import java.io.OutputStream;
import java.security.MessageDigest;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.zip.CRC32;
import java.util.zip.CRC32C;

import dev.hotswap.protocol.CatchUpPass;

/**
 * A pull of a rollback-journal database into a client's file, from the live file itself: no copy,
 * no disk space. The file is streamed in chunks read under read transactions of their own
 * ({@link LiveFileChunks}), so writers wait for one chunk's read at most. When every chunk read the
 * same change counter, the stream is one snapshot and the pull is done. When a commit landed between
 * two chunks, the client holds a mix of two states, and catch-up passes follow: each reads the
 * whole file again in chunks and sends what differs from what the client holds, which this side
 * knows by a checksum of every {@value #UNIT}-byte unit it sent (CRC32C and CRC32, 8 bytes a unit in
 * memory: 1 MiB for 8 GiB). The first pass that reads one counter throughout leaves the client
 * exactly that state, and ends with its SHA-256, which the client checks (a checksum collision that
 * left a unit stale fails there, loudly). After {@value #CHUNKED_PASSES} such passes that each saw
 * a commit, one more holds a single read transaction to its end, so that the pull finishes; writers
 * then wait for the rest of that pass.
 */
final class LiveFilePull {
    /** Bytes read per read transaction: a millisecond or two of a writer's wait, from the page cache. */
    static final int CHUNK = 4 << 20;
    /** Bytes per checksum: a multiple of every SQLite page size, and a divisor of {@link #CHUNK}. */
    static final int UNIT = 64 << 10;
    /** Catch-up passes in chunks before one holds writers off to finish. */
    static final int CHUNKED_PASSES = 3;

    private final LiveFileChunks chunks;
    private final byte[] buffer;
    private final CRC32C crc32c = new CRC32C();
    private final CRC32 crc32 = new CRC32();
    /** The checksum of each unit of the client's file, as far as {@link #clientLength}. */
    private long[] sums = new long[0];
    private long clientLength;
    private int passes;
    private long bytesPatched;

    /** {@code chunks}: the live file's reader; {@code chunk}: bytes per read, a multiple of {@value #UNIT}. */
    LiveFilePull(LiveFileChunks chunks, int chunk) {
        if (chunk <= 0 || chunk % UNIT != 0) {
            throw new IllegalArgumentException("a chunk of " + chunk + " bytes is no multiple of " + UNIT);
        }
        this.chunks = chunks;
        this.buffer = new byte[chunk];
    }

    /**
     * Streams the whole file to {@code out}, remembering what was sent.
     *
     * @return whether every chunk read one committed state: if not, {@link #catchUp} until it says so
     */
    boolean stream(OutputStream out) throws IOException, SQLException {
        long position = 0;
        long counter = -1;
        boolean oneState = true;
        while (true) {
            LiveFileChunks.Chunk chunk = chunks.read(position, buffer, false);
            oneState &= counter == -1 || counter == chunk.changeCounter();
            counter = chunk.changeCounter();
            out.write(buffer, 0, chunk.bytes());
            remember(position, chunk.bytes());
            position += chunk.bytes();
            if (position >= chunk.fileLength()) {
                break; // also when a commit between chunks cut the file short of what was sent
            }
        }
        clientLength = position;
        sums = Arrays.copyOf(sums, units(clientLength));
        return oneState;
    }

    /**
     * One catch-up pass: reads the whole file again and writes to {@code pass} the units that differ
     * from the client's, then the file's length and, if this pass read one committed state, its
     * digest. The pass after {@value #CHUNKED_PASSES} chunked ones holds one read transaction.
     *
     * @return whether the client's file is now that one state (the pull is done)
     */
    boolean catchUp(CatchUpPass.Writer pass) throws IOException, SQLException {
        passes++;
        boolean hold = passes > CHUNKED_PASSES;
        MessageDigest digest = CatchUpPass.sha256();
        long position = 0;
        long counter = -1;
        long length;
        boolean oneState = true;
        try {
            while (true) {
                LiveFileChunks.Chunk chunk = chunks.read(position, buffer, hold);
                oneState &= counter == -1 || counter == chunk.changeCounter();
                counter = chunk.changeCounter();
                length = chunk.fileLength();
                sendChanged(pass, position, chunk.bytes());
                digest.update(buffer, 0, chunk.bytes());
                position += chunk.bytes();
                if (position >= length) {
                    break;
                }
            }
        } finally {
            chunks.release();
        }
        clientLength = length;
        sums = Arrays.copyOf(sums, units(clientLength));
        pass.end(length, oneState ? digest.digest() : null);
        return oneState;
    }

    /** Catch-up passes so far. */
    int passes() {
        return passes;
    }

    /** Bytes the catch-up passes sent. */
    long bytesPatched() {
        return bytesPatched;
    }

    /** Sends, in runs, the units of {@code buffer}'s first {@code bytes} (at {@code position}) the client lacks. */
    private void sendChanged(CatchUpPass.Writer pass, long position, int bytes) throws IOException {
        int runStart = -1;
        for (int from = 0; from < bytes; from += UNIT) {
            int length = Math.min(UNIT, bytes - from);
            long at = position + from;
            int unit = (int) (at / UNIT);
            long sum = checksum(from, length);
            // A unit the client holds less of (its file was shorter) differs whatever its checksum.
            boolean same = at + length <= clientLength && unit < sums.length && sums[unit] == sum;
            if (!same) {
                store(unit, sum);
                if (runStart < 0) {
                    runStart = from;
                }
            } else if (runStart >= 0) {
                send(pass, position, runStart, from);
                runStart = -1;
            }
        }
        if (runStart >= 0) {
            send(pass, position, runStart, bytes);
        }
    }

    private void send(CatchUpPass.Writer pass, long position, int from, int to) throws IOException {
        pass.record(position + from, buffer, from, to - from);
        bytesPatched += to - from;
    }

    private void remember(long position, int bytes) {
        for (int from = 0; from < bytes; from += UNIT) {
            store((int) ((position + from) / UNIT), checksum(from, Math.min(UNIT, bytes - from)));
        }
    }

    private void store(int unit, long sum) {
        if (unit >= sums.length) {
            sums = Arrays.copyOf(sums, Math.max(unit + 1, sums.length * 2));
        }
        sums[unit] = sum;
    }

    private long checksum(int from, int length) {
        crc32c.reset();
        crc32c.update(buffer, from, length);
        crc32.reset();
        crc32.update(buffer, from, length);
        return crc32c.getValue() << 32 | crc32.getValue();
    }

    private static int units(long length) {
        return Math.toIntExact((length + UNIT - 1) / UNIT);
    }
}
