package dev.hotswap.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The always-on sanity check, on real files and on every cut of one. */
class DatabaseHeaderTest {
    private final EngineFixture fixture = new EngineFixture();

    @AfterEach
    void cleanUp() throws IOException {
        fixture.close();
    }

    @Test
    void acceptsARealDatabaseAndReadsItsHeader() throws Exception {
        Path wal = fixture.versioned("wal.sqlite3", true, 1, 10);
        Path rollback = fixture.database("rollback.sqlite3", false, "PRAGMA page_size=1024", "CREATE TABLE t (x)");
        DatabaseHeader walHeader = DatabaseHeader.check(wal);
        DatabaseHeader rollbackHeader = DatabaseHeader.check(rollback);
        assertTrue(walHeader.wal());
        assertEquals(4096, walHeader.pageSize());
        assertFalse(rollbackHeader.wal());
        assertEquals(1024, rollbackHeader.pageSize());
        assertTrue(rollbackHeader.pageCountValid());
        assertEquals(Files.size(rollback), rollbackHeader.pageCount() * 1024);
    }

    @Test
    void refusesEveryCutOfARealDatabase() throws Exception {
        byte[] whole = Files.readAllBytes(fixture.versioned("whole.sqlite3", false, 1, 500));
        Path cut = fixture.dir.resolve("cut.sqlite3");
        qt().withExamples(200).forAll(integers().between(0, whole.length - 1)).checkAssert(length -> {
            try {
                Files.write(cut, Arrays.copyOf(whole, length));
                SwapRefusedException refused = assertThrows(SwapRefusedException.class, () -> DatabaseHeader.check(cut));
                assertTrue(refused.getMessage().startsWith("ERROR: "), refused.getMessage());
            } catch (IOException e) {
                throw new AssertionError(e);
            }
        });
    }

    @Test
    void refusesInvalidPageSizes() throws Exception {
        byte[] bytes = Files.readAllBytes(fixture.versioned("db.sqlite3", false, 1, 1));
        Path file = fixture.dir.resolve("bad.sqlite3");
        qt().withExamples(200).forAll(integers().between(0, 0xffff)).assuming(size ->
                size != 1 && (size < 512 || Integer.bitCount(size) != 1)).checkAssert(size -> {
            try {
                byte[] copy = bytes.clone();
                copy[16] = (byte) (size >>> 8);
                copy[17] = (byte) (int) size;
                Files.write(file, copy);
                SwapRefusedException refused = assertThrows(SwapRefusedException.class, () -> DatabaseHeader.check(file));
                assertEquals("ERROR: not a SQLite database (invalid page size " + size + ")", refused.getMessage());
            } catch (IOException e) {
                throw new AssertionError(e);
            }
        });
    }
}
