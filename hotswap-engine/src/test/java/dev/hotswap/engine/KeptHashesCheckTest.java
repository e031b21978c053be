package dev.hotswap.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;

import dev.hotswap.protocol.Exit;
import dev.hotswap.protocol.PageDigests;
import dev.hotswap.protocol.PageHashes;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Kept page hashes that lie (a write the cache's rule missed, played here by keeping forged hashes
 * under the generation's true stamp) never let a wrong page through: the patched file is hashed
 * again beside the checks, and the push refused with the live database untouched.
 */
@SuppressWarnings("try") // a started engine is a resource the body uses only through its socket
@Timeout(60)
class KeptHashesCheckTest {
    private static final String ROWS = "SELECT id || ' ' || version || ' ' || name FROM items ORDER BY id";

    private final EngineFixture fixture = new EngineFixture();

    @AfterEach
    void cleanUp() throws Exception {
        fixture.close();
    }

    @Test
    void staleKeptHashesAreRefusedAsCorruptAndTheNextPushHashesAgain() throws Exception {
        Path live = fixture.versioned("live.sqlite3", false, 1, 5000);
        Path first = changed(live, "first.sqlite3", "UPDATE items SET version = 2 WHERE id BETWEEN 100 AND 200");
        // Not an indexed column: integrity_check cannot tell such a page from the right one.
        Path second = changed(first, "second.sqlite3", "UPDATE items SET name = upper(name) WHERE id BETWEEN 1000 AND 1100");
        try (Hotswap hotswap = PageHashCacheTest.started(fixture.builder(live))) {
            PageHashCacheTest.assertBaseCopy(", hashes kept since generation 1 became current",
                    PageHashCacheTest.push(fixture, first, live));
            keepHashesThatSayAChangedPageIsTheSource(hotswap.managed("production"), second);

            try (EngineFixture.Client client = EngineFixture.connect(fixture.socket()).hello()) {
                Exit exit = DeltaTransferTest.pushByDelta(client, second, live, false);
                PageHashCacheTest.assertBaseCopy(", hashes kept since generation 2 ", client.side);
                assertNotEquals(0, exit.code(), client.side::toString);
                assertTrue(exit.message().startsWith("ERROR: upload corrupt: the patched copy differs from the file"
                        + " sent: the page hashes kept for generation 2 were stale"), exit::toString);
            }
            assertEquals(EngineFixture.query(first, ROWS), EngineFixture.query(live, ROWS), "the live database is untouched");

            PageHashCacheTest.assertBaseCopy(", hashed, ", PageHashCacheTest.push(fixture, second, live));
        }
        assertEquals(EngineFixture.query(second, ROWS), EngineFixture.query(live, ROWS));
    }

    /**
     * Keeps, for the current generation at its true stamp, its real page hashes except for the first
     * page {@code source} changed, whose hash is made the source's: a delta then never sends that page.
     */
    private static void keepHashesThatSayAChangedPageIsTheSource(ManagedDatabase db, Path source) throws Exception {
        Generation current = db.current();
        int pageSize = Integer.parseInt(EngineFixture.query(source, "PRAGMA page_size").get(0));
        long pages = Files.size(current.file()) / pageSize;
        PageHashes forged = hashes(current.file(), pageSize, pages);
        PageHashes wanted = hashes(source, pageSize, pages);
        byte[] have = new byte[PageHashes.BYTES];
        byte[] want = new byte[PageHashes.BYTES];
        long page = 1;
        for (; page < pages; page++) {
            forged.get(page, have, 0);
            wanted.get(page, want, 0);
            if (!Arrays.equals(have, want)) {
                break;
            }
        }
        assertTrue(page < pages, "the source changes a page past the first");
        forged.put(page, want, 0);
        db.hashCache().keep(db.folder(), new BaseCopy(current.id(), FileStamp.of(current.file())), pageSize, pages,
                forged);
    }

    private static PageHashes hashes(Path file, int pageSize, long pages) throws Exception {
        PageHashes hashes = PageHashes.inMemory();
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            new PageDigests().hashFile(channel, pageSize, pages, hashes, PageDigests.Counter.NONE);
        }
        return hashes;
    }

    private Path changed(Path from, String name, String sql) throws Exception {
        Path next = fixture.dir.resolve(name);
        Files.copy(from, next);
        PageHashCacheTest.run(next, "PRAGMA journal_mode=DELETE", sql);
        return next;
    }
}
