package dev.hotswap.engine;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

import dev.hotswap.protocol.PageHashes;

/**
 * The page hashes of a delta transfer in one of the engine's temp files in the generation folder (32
 * bytes per page on disk, one 1 MiB window in memory): the host application's heap does not grow
 * with the database. Deleted on close; one a crash leaves is deleted at the next start.
 */
final class PageHashFile implements AutoCloseable {
    private final Path path;
    private final FileChannel channel;
    private final PageHashes hashes;

    private PageHashFile(Path path, FileChannel channel) {
        this.path = path;
        this.channel = channel;
        this.hashes = PageHashes.inFile(channel);
    }

    /** A new, empty hash file in {@code folder}, its writes reported to {@code claim}. */
    static PageHashFile create(GenerationFolder folder, DiskClaim claim) throws IOException {
        Path path = folder.newTemp();
        try {
            return new PageHashFile(path,
                    claim.guard(FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE)));
        } catch (IOException | RuntimeException e) {
            TempFiles.delete(path);
            throw e;
        }
    }

    /** Bytes of the hash file of {@code pages} pages: a disk claim's share for it. */
    static long bytes(long pages) {
        return pages * PageHashes.BYTES;
    }

    PageHashes hashes() {
        return hashes;
    }

    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException e) {
            // a temp file we delete next
        }
        TempFiles.delete(path);
    }
}
