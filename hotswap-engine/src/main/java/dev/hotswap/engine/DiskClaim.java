package dev.hotswap.engine;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.file.FileStore;
import java.nio.file.Path;

/**
 * One transfer's share of a {@link DiskBudget}: the bytes promised to it before it started, and what
 * it wrote since. What it writes is {@linkplain #wrote reported} as it goes: that moves the bytes
 * from promised to written (other transfers then see them in the volume's free space instead), and
 * checks the free space at least every quarter of the reserve (and every MiB), so that writes past
 * the promise, or space the app took meanwhile, stop the transfer once the volume's free space less
 * what others were promised falls below the reserve. Used by one thread; close it when the transfer
 * ends, which gives back what it was promised and did not write.
 */
final class DiskClaim implements AutoCloseable {
    private final DiskBudget budget;
    private final FileStore volume;
    private final Path dir;
    private final long claimed;
    private final long interval;
    private final String stopped;
    /** Net bytes written under the claim: less after a truncation. */
    private long used;
    /** Of {@link #claimed}, the bytes the budget no longer counts as promised. */
    private long settled;
    /** Bytes written since the last check of the free space. */
    private long unchecked;

    DiskClaim(DiskBudget budget, FileStore volume, Path dir, long claimed, long interval, String what) {
        this.budget = budget;
        this.volume = volume;
        this.dir = dir;
        this.claimed = claimed;
        this.interval = interval;
        // "the upload" stops as "upload stopped", "a snapshot" as "snapshot stopped"
        this.stopped = what.substring(what.indexOf(' ') + 1) + " stopped";
    }

    /** Bytes promised to this claim up front. */
    long claimed() {
        return claimed;
    }

    /**
     * Reports {@code bytes} written (or about to be) under the claim.
     *
     * @throws IOException if free space less what others were promised fell below the reserve
     */
    void wrote(long bytes) throws IOException {
        used += bytes;
        unchecked += bytes;
        if (unchecked >= interval) {
            check();
        }
    }

    /** Reports {@code bytes} given back (a file truncated): they may be promised again. */
    void freed(long bytes) {
        used -= bytes;
        settle();
    }

    /** {@code content}, each byte read counted as written, for a copy that writes what it reads. */
    InputStream guard(InputStream content) {
        if (budget.reserve() == 0 && claimed == 0) {
            return content; // nothing to keep: the write's own "No space left on device" stops it
        }
        return new FilterInputStream(content) {
            @Override
            public int read() throws IOException {
                int b = super.read();
                if (b >= 0) {
                    wrote(1);
                }
                return b;
            }

            @Override
            public int read(byte[] bytes, int offset, int length) throws IOException {
                int n = super.read(bytes, offset, length);
                if (n > 0) {
                    wrote(n);
                }
                return n;
            }
        };
    }

    /** {@code file} with every byte it grows by counted as written, and every byte it shrinks by as freed. */
    FileChannel guard(FileChannel file) {
        return new ClaimedFileChannel(file, this);
    }

    private void check() throws IOException {
        settle();
        long pending = unchecked; // maybe read and not yet on the disk: counted as taken
        unchecked = 0;
        if (budget.reserve() == 0) {
            return;
        }
        long free = volume.getUsableSpace() - pending - budget.promisedToOthers(volume, claimed - settled);
        if (free < budget.reserve()) {
            throw new IOException("free space on the volume of " + dir + " fell to " + Math.max(0, free)
                    + " bytes, below the reserve of " + budget.reserve() + " bytes kept for the app; " + stopped);
        }
    }

    private void settle() {
        long now = Math.max(0, Math.min(claimed, used));
        budget.settle(volume, now - settled);
        settled = now;
    }

    /** Gives back what was promised and not written. */
    @Override
    public void close() {
        budget.settle(volume, claimed - settled);
        settled = claimed;
    }
}
