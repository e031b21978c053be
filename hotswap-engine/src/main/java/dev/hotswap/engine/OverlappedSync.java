package dev.hotswap.engine;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * An {@code fsync} of a freshly written candidate on a thread of its own, so that writing its pages
 * back to the disk overlaps with the integrity and schema checks, which only read them. Durability
 * is not skipped: the pipeline {@linkplain #await() waits} for it before the swap (and syncs once
 * more after its last small changes, which then costs little).
 */
final class OverlappedSync {
    private final BackgroundPass<Void> pass;

    private OverlappedSync(BackgroundPass<Void> pass) {
        this.pass = pass;
    }

    /** Starts syncing {@code file}. */
    static OverlappedSync start(Path file) {
        return new OverlappedSync(BackgroundPass.start("hotswap-fsync", "syncing the new file", () -> {
            try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
                channel.force(true);
            }
            return null;
        }));
    }

    /** Waits for the sync; rethrows its failure. */
    void await() throws IOException {
        pass.await();
    }

    /** Waits for the sync and ignores how it ended: for a candidate being thrown away. */
    void awaitQuietly() {
        pass.awaitQuietly();
    }
}
