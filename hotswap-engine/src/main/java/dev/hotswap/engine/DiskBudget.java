package dev.hotswap.engine;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * The free space the engine's transfers may use on a volume: whatever it has free, less a reserve
 * kept for the app's own writes (its journal or WAL, its logs), less what other transfers under way
 * were promised and have not written yet, so that a transfer fails before the app does.
 *
 * <p>Every byte the server writes for a push or a pull goes through a {@link DiskClaim}: made before
 * the transfer starts, for the bytes it will write as far as they are known (a declared upload, a
 * base copy of the live database, a pull's temp copy, page hashes), and refused if they do not fit;
 * then settled as the transfer writes, which also checks the free space as it goes, so that bytes
 * nobody could foresee (an upload of unknown size, a file that grows) are stopped at the reserve.
 * Claims on one volume are counted together: two pulls that each fit alone but not side by side are
 * not both started.
 */
final class DiskBudget {
    /** The default reserve: room for the app's writes during a transfer on a nearly full disk. */
    static final long DEFAULT_RESERVE = 64L << 20;
    /** A claim checks free space at least this often, in bytes written. */
    private static final long MAX_CHECK_INTERVAL = 1L << 20;

    private final long reserve;
    /** Bytes claimed and not yet written, per volume; guarded by {@code this}. */
    private final Map<FileStore, Long> promised = new HashMap<>();

    DiskBudget(long reserve) {
        if (reserve < 0) {
            throw new IllegalArgumentException("disk reserve " + reserve + " is negative");
        }
        this.reserve = reserve;
    }

    long reserve() {
        return reserve;
    }

    /** A claim was refused: the bytes, the reserve, the free space and what others were promised. */
    static final class NoRoomException extends IOException {
        private static final long serialVersionUID = 1L;

        NoRoomException(String message) {
            super(message);
        }
    }

    /**
     * Promises {@code bytes} on the volume of {@code dir} to one transfer, if they fit in its free
     * space with the reserve and what other transfers were promised left over. Close the claim when
     * the transfer ends.
     *
     * @param what names the bytes in the refusal ({@code the upload}, {@code a snapshot})
     * @throws NoRoomException naming the bytes, the reserve, the free space and the promises
     */
    DiskClaim claim(String what, Path dir, long bytes) throws IOException {
        if (bytes < 0) {
            throw new IllegalArgumentException("claim of " + bytes + " bytes");
        }
        FileStore volume = Files.getFileStore(dir);
        long free = volume.getUsableSpace();
        synchronized (this) {
            long others = promised.getOrDefault(volume, 0L);
            if (bytes > 0 && bytes > free - reserve - others) { // nothing claimed: the claim's checks stop it
                throw new NoRoomException("no room for " + what + ": " + bytes + " bytes and a reserve of " + reserve
                        + " bytes for the app, but " + free + " bytes free on the volume of " + dir
                        + (others == 0 ? "" : ", " + others + " of them promised to transfers under way"));
            }
            promised.merge(volume, bytes, Long::sum);
        }
        return new DiskClaim(this, volume, dir, bytes, Math.max(1, Math.min(MAX_CHECK_INTERVAL, reserve / 4)), what);
    }

    /**
     * {@code content}, read through a claim of nothing: every byte read is about to be written, and
     * reading stops once free space falls below the reserve (see {@link DiskClaim#guard}).
     */
    InputStream guard(Path dir, InputStream content) throws IOException {
        return claim("the upload", dir, 0).guard(content);
    }

    /** Moves {@code bytes} of a claim on {@code volume} from promised to written (negative: back). */
    synchronized void settle(FileStore volume, long bytes) {
        if (bytes != 0) {
            long left = promised.getOrDefault(volume, 0L) - bytes;
            if (left <= 0) {
                promised.remove(volume);
            } else {
                promised.put(volume, left);
            }
        }
    }

    /** What is promised on {@code volume} to transfers other than one that still holds {@code own} of it. */
    synchronized long promisedToOthers(FileStore volume, long own) {
        return Math.max(0, promised.getOrDefault(volume, 0L) - own);
    }
}
