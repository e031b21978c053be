package dev.hotswap.engine;

import dev.hotswap.protocol.CorruptStreamException;
import dev.hotswap.protocol.PageDigests;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;

/**
 * The file digest of a candidate patched over kept page hashes ({@link PageHashCache}), computed
 * again from its bytes on a thread of its own while the pipeline runs its checks. A delta's digest
 * check adds up the hashes of the pages received and of the pages kept; when those kept were stale
 * (a write the cache's rule missed), the sum still matches the source while the file does not. This
 * pass reads the file itself, so no stale hash can let a wrong page through; it costs the hash pass
 * the kept hashes saved, moved from before the client's turn to beside {@code integrity_check}.
 */
final class KeptHashesCheck {
    private final BackgroundPass<byte[]> digest;
    private final byte[] expected;
    private final long generation;

    private KeptHashesCheck(BackgroundPass<byte[]> digest, byte[] expected, long generation) {
        this.digest = digest;
        this.expected = expected;
        this.generation = generation;
    }

    /**
     * Starts hashing {@code candidate} ({@code pageCount} pages of {@code pageSize} bytes), whose file
     * digest must be {@code expected}; its page hashes go to a temp file of {@code folder}.
     * {@code generation} is the one whose kept hashes the patch used.
     */
    static KeptHashesCheck start(Path candidate, int pageSize, long pageCount, byte[] expected, long generation,
            GenerationFolder folder, DiskClaim claim) {
        BackgroundPass<byte[]> digest = BackgroundPass.start("hotswap-kept-hashes-check", "hashing the patched file",
                () -> {
                    try (FileChannel file = FileChannel.open(candidate, StandardOpenOption.READ);
                            PageHashFile hashes = PageHashFile.create(folder, claim)) {
                        PageDigests digests = new PageDigests();
                        digests.hashFile(file, pageSize, pageCount, hashes.hashes(), PageDigests.Counter.NONE);
                        return digests.fileDigest(hashes.hashes(), pageSize, pageCount);
                    }
                });
        return new KeptHashesCheck(digest, expected.clone(), generation);
    }

    /**
     * Waits for the pass.
     *
     * @throws CorruptStreamException if the file's digest differs from the source's
     * @throws IOException if reading the candidate failed
     */
    void await() throws IOException {
        byte[] actual = digest.await();
        if (!MessageDigest.isEqual(expected, actual)) {
            throw new CorruptStreamException("the patched copy differs from the file sent: the page hashes kept"
                    + " for generation " + generation + " were stale; they are dropped, and the next push hashes"
                    + " the database again");
        }
    }

    /** Waits for the pass and ignores how it ended: for a candidate being thrown away. */
    void awaitQuietly() {
        digest.awaitQuietly();
    }
}
