package dev.hotswap.engine;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The free space a push may use on the volume of the database it replaces: whatever the volume has
 * free, less a reserve kept for the app's own writes (its journal or WAL, its logs), so that a push
 * fails before the app does. An upload whose size is declared is checked up front
 * ({@link #requireRoom}); one of unknown size (a pipe) is read through {@link #guard}, which stops
 * it once free space falls below the reserve. A pull's temp copy is checked up front as well
 * ({@link #requireRoomForSnapshot}); its size is known.
 */
final class DiskBudget {
    /** The default reserve: room for the app's writes during a push on a nearly full disk. */
    static final long DEFAULT_RESERVE = 64L << 20;
    /** The guard checks free space at least this often, in bytes read. */
    private static final long MAX_CHECK_INTERVAL = 1L << 20;

    private final long reserve;

    DiskBudget(long reserve) {
        if (reserve < 0) {
            throw new IllegalArgumentException("disk reserve " + reserve + " is negative");
        }
        this.reserve = reserve;
    }

    long reserve() {
        return reserve;
    }

    /**
     * Refuses an upload of {@code size} bytes into {@code dir} unless it fits in the free space of its
     * volume with the reserve left over.
     *
     * @throws SwapRefusedException naming the size, the reserve and the free space
     */
    void requireRoom(Path dir, long size) throws SwapRefusedException, IOException {
        String shortage = shortage("the upload", dir, size);
        if (shortage != null) {
            throw new SwapRefusedException(SwapRefusedException.Reason.NO_ROOM, "ERROR: " + shortage + "; database untouched");
        }
    }

    /**
     * Refuses a snapshot of {@code size} bytes into {@code dir} (a pull's temp copy) unless it fits in
     * the free space of its volume with the reserve left over.
     *
     * @throws IOException naming the size, the reserve and the free space
     */
    void requireRoomForSnapshot(Path dir, long size) throws IOException {
        String shortage = shortage("a snapshot", dir, size);
        if (shortage != null) {
            throw new IOException(shortage);
        }
    }

    /** What is missing for {@code size} bytes of {@code what} in {@code dir}, or null if they fit. */
    private String shortage(String what, Path dir, long size) throws IOException {
        long free = Files.getFileStore(dir).getUsableSpace();
        if (size <= free - reserve) {
            return null;
        }
        return "no room for " + what + ": " + size + " bytes and a reserve of " + reserve
                + " bytes for the app, but " + free + " bytes free on the volume of " + dir;
    }

    /**
     * {@code content}, read through a check of the free space on the volume of {@code dir}: once
     * free space less the bytes read but not yet checked falls below the reserve, the next read
     * fails, and the caller deletes what it wrote. Checks at least every quarter of the reserve (and
     * every MiB), so that the reserve is never eaten by more than that. Without a reserve, returns
     * {@code content} as it is.
     */
    InputStream guard(Path dir, InputStream content) throws IOException {
        if (reserve == 0) {
            return content; // nothing to keep: the write's own "No space left on device" stops it
        }
        FileStore volume = Files.getFileStore(dir);
        long interval = Math.max(1, Math.min(MAX_CHECK_INTERVAL, reserve / 4));
        return new FilterInputStream(content) {
            private long unchecked;

            @Override
            public int read() throws IOException {
                int b = super.read();
                if (b >= 0) {
                    account(1);
                }
                return b;
            }

            @Override
            public int read(byte[] bytes, int offset, int length) throws IOException {
                int n = super.read(bytes, offset, length);
                if (n > 0) {
                    account(n);
                }
                return n;
            }

            /** Called with bytes read and about to be written. */
            private void account(int n) throws IOException {
                unchecked += n;
                if (unchecked < interval) {
                    return;
                }
                long free = volume.getUsableSpace() - unchecked;
                unchecked = 0;
                if (free < reserve) {
                    throw new IOException("free space on the volume of " + dir + " fell to " + Math.max(0, free)
                            + " bytes, below the reserve of " + reserve + " bytes kept for the app; upload stopped");
                }
            }
        };
    }
}
