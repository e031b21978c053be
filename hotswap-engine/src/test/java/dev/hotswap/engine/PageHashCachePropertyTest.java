package dev.hotswap.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.booleans;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Generated sequences of delta pushes with writes of every kind between them (none, the engine's
 * own pool, another connection, another connection and a checkpoint, VACUUM, a hand edit with the
 * modification time set back): after every push the live database has the source's rows, and the
 * hashes kept are those of the generation's file. Whatever the kept hashes' validity rule misses
 * shows up here as a wrong row.
 */
@Timeout(600)
@SuppressWarnings("try") // a started engine is a resource the body uses only through its socket
class PageHashCachePropertyTest {
    private static final String ROWS = "SELECT id || ' ' || version || ' ' || name FROM items ORDER BY id";
    private static final int WRITE_KINDS = 6;

    @Test
    void writesBetweenDeltaPushesNeverYieldAWrongDatabase() {
        qt().withExamples(Integer.getInteger("hotswap.cache.examples", 20)).withShrinkCycles(3)
                .forAll(booleans().all(), lists().of(integers().between(0, WRITE_KINDS * 2000 - 1)).ofSizeBetween(1, 4))
                .checkAssert(this::pushesAfterWrites);
    }

    /** Each step: a write (kind and rows from {@code step}), then a delta push of a new source. */
    private void pushesAfterWrites(boolean wal, List<Integer> steps) {
        try (EngineFixture fixture = new EngineFixture()) {
            Path live = fixture.versioned("live.sqlite3", wal, 1, 3000);
            Path source = fixture.dir.resolve("source-0.sqlite3");
            Files.copy(live, source);
            PageHashCacheTest.run(source, "PRAGMA journal_mode=DELETE");
            try (Hotswap hotswap = fixture.builder(live).build().start()) {
                long generation = 1;
                for (int i = 0; i < steps.size(); i++) {
                    int kind = steps.get(i) % WRITE_KINDS;
                    int first = steps.get(i) / WRITE_KINDS + 1;
                    write(hotswap, fixture, live, generation, wal, kind, first);
                    Path next = fixture.dir.resolve("source-" + (i + 1) + ".sqlite3");
                    Files.copy(source, next);
                    PageHashCacheTest.run(next, "UPDATE items SET version = " + (i + 2) + " WHERE id BETWEEN "
                            + first + " AND " + (first + 40));
                    source = next;
                    PageHashCacheTest.push(fixture, source, live);
                    generation++;
                    assertEquals(EngineFixture.query(source, ROWS), EngineFixture.query(live, ROWS),
                            "after step " + i + " of " + steps + ", wal " + wal);
                    PageHashCacheTest.assertKeptHashesAreTheFilesHashes(fixture, generation);
                }
            }
        } catch (Exception e) {
            throw new AssertionError("steps " + steps + ", wal " + wal, e);
        }
    }

    private static void write(Hotswap hotswap, EngineFixture fixture, Path live, long generation, boolean wal,
            int kind, int first) throws Exception {
        String update = "UPDATE items SET name = upper(name) WHERE id BETWEEN " + first + " AND " + (first + 30);
        switch (kind) {
            case 0 -> { } // nothing: the next push uses the kept hashes
            case 1 -> {
                try (Connection connection = hotswap.dataSource("production").getConnection();
                        Statement statement = connection.createStatement()) {
                    statement.execute(update);
                }
            }
            case 2 -> PageHashCacheTest.run(live, update);
            case 3 -> PageHashCacheTest.run(live, update, "PRAGMA wal_checkpoint(TRUNCATE)");
            case 4 -> PageHashCacheTest.run(live, "VACUUM");
            default -> {
                if (!wal) { // in WAL mode SQLite would not see a hand edit under its open connections
                    Path file = fixture.generation("live.sqlite3", generation);
                    var modified = Files.getLastModifiedTime(file);
                    PageHashCacheTest.handEdit(file, first % 2 == 0);
                    Files.setLastModifiedTime(file, modified);
                }
            }
        }
    }
}
