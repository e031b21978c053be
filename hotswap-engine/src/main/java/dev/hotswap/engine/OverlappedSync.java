package dev.hotswap.engine;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * An {@code fsync} of a freshly written candidate on a thread of its own, so that writing its pages
 * back to the disk overlaps with the integrity and schema checks, which only read them. Durability
 * is not skipped: the pipeline {@linkplain #await() waits} for it before the swap (and syncs once
 * more after its last small changes, which then costs little).
 */
final class OverlappedSync {
    private final CompletableFuture<Void> done = new CompletableFuture<>();

    private OverlappedSync() {
    }

    /** Starts syncing {@code file}. */
    static OverlappedSync start(Path file) {
        OverlappedSync sync = new OverlappedSync();
        Thread thread = new Thread(() -> {
            try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
                channel.force(true);
                sync.done.complete(null);
            } catch (IOException | RuntimeException e) {
                sync.done.completeExceptionally(e);
            }
        }, "hotswap-fsync");
        thread.setDaemon(true);
        thread.start();
        return sync;
    }

    /** Waits for the sync; rethrows its failure. */
    void await() throws IOException {
        try {
            done.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            InterruptedIOException interrupted = new InterruptedIOException("interrupted while syncing the new file");
            interrupted.initCause(e);
            throw interrupted;
        } catch (ExecutionException e) {
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            throw new IOException("syncing the new file failed: " + e.getCause(), e.getCause());
        }
    }

    /** Waits for the sync and ignores how it ended: for a candidate being thrown away. */
    void awaitQuietly() {
        try {
            done.handle((ok, failed) -> null).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException e) {
            // handled above: cannot happen
        }
    }
}
