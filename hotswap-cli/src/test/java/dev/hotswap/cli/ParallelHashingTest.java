package dev.hotswap.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;

import dev.hotswap.protocol.PageDigests;
import dev.hotswap.protocol.PageHashes;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A delta push's hash pass on several threads ({@link ParallelHashing}) gives every page the hash
 * one thread gives it, whatever the page size, the page count and the number of threads, ranges
 * that do not divide evenly included.
 */
@Timeout(120)
class ParallelHashingTest {
    private static final int[] PAGE_SIZES = {512, 1024, 4096, 65536};
    /** Files up to 8 MiB: eight threads get a range of at least one read (1 MiB) each. */
    private static final int MAX_BYTES = 8 << 20;

    @TempDir
    Path dir;

    @Test
    void everyPageGetsTheHashOneThreadGivesIt() {
        qt().withExamples(Integer.getInteger("hotswap.examples", 30)).withShrinkCycles(10)
                .forAll(integers().between(0, PAGE_SIZES.length - 1), integers().between(0, MAX_BYTES / 512),
                        integers().between(1, 8))
                .checkAssert((size, count, threads) -> {
                    int pageSize = PAGE_SIZES[size];
                    long pageCount = Math.min(count, MAX_BYTES / pageSize);
                    try {
                        hashesAsOneThread(pageSize, pageCount, threads);
                    } catch (IOException e) {
                        throw new AssertionError(e);
                    }
                });
    }

    private void hashesAsOneThread(int pageSize, long pageCount, int threads) throws IOException {
        Path file = dir.resolve("pages-" + pageSize + "-" + pageCount + ".bin");
        byte[] bytes = new byte[(int) (pageCount * pageSize)];
        new Random(pageCount * 31 + pageSize).nextBytes(bytes);
        Files.write(file, bytes);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            PageHashes expected = PageHashes.inMemory();
            new PageDigests().hashFile(channel, pageSize, pageCount, expected, PageDigests.Counter.NONE);
            PageHashes actual = ParallelHashing.hash(channel, pageSize, pageCount, threads);
            byte[] want = new byte[PageHashes.BYTES];
            byte[] have = new byte[PageHashes.BYTES];
            for (long page = 0; page < pageCount; page++) {
                expected.get(page, want, 0);
                actual.get(page, have, 0);
                assertArrayEquals(want, have, "page " + page + " of " + pageCount + " (" + pageSize + " bytes, "
                        + threads + " threads)");
            }
        } finally {
            Files.delete(file);
        }
    }

    /** A file cut short under the hash pass (it changed since its size was read) fails it, on whichever thread. */
    @Test
    void aFileShorterThanItsPageCountFailsThePass() throws IOException {
        Path file = dir.resolve("short.bin");
        Files.write(file, new byte[4 << 20]);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            IOException failure = assertThrows(IOException.class, () -> ParallelHashing.hash(channel, 4096, 2048, 4));
            assertTrue(failure.getMessage().startsWith("the file ends inside page 1024 of "), failure::getMessage);
        }
    }
}
