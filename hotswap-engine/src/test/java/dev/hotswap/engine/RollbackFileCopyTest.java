package dev.hotswap.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.sqlite.SQLiteConfig;

/** Copying a rollback-journal file in chunks: one snapshot however writers commit between the chunks. */
@Timeout(60)
class RollbackFileCopyTest {
    private static final int ROWS = 6_000;
    private final EngineFixture fixture = new EngineFixture();

    @AfterEach
    void cleanUp() throws IOException {
        fixture.close();
    }

    @Test
    void aCommitBetweenChunksStartsTheCopyOverOnTheNewerSnapshot() throws Exception {
        Path live = liveDatabase();
        Path copy = Files.createFile(fixture.dir.resolve("copy.sqlite3"));
        try (Connection writer = new SQLiteConfig().createConnection("jdbc:sqlite:" + live)) {
            AtomicBoolean committed = new AtomicBoolean();
            RollbackFileCopy chunked = new RollbackFileCopy(256 << 10, () -> {
                if (committed.compareAndSet(false, true)) {
                    insertRow(writer);
                }
            });
            chunked.copy(live, copy);

            assertEquals(1, chunked.restarts());
            assertEquals(1 + 24, chunked.chunks(), "one chunk before the commit, then the whole file again");
        }
        assertEquals(List.of("ok"), EngineFixture.query(copy, "PRAGMA integrity_check"));
        assertEquals(List.of(String.valueOf(ROWS + 1)), EngineFixture.query(copy, "SELECT count(*) FROM items"));
    }

    @Test
    void afterItsLastRestartTheCopyHoldsWritersOffUntilItEnds() throws Exception {
        Path live = liveDatabase();
        Path copy = Files.createFile(fixture.dir.resolve("copy.sqlite3"));
        try (Connection writer = new SQLiteConfig().createConnection("jdbc:sqlite:" + live)) {
            // A writer that commits between every two chunks would keep a polite copy restarting forever.
            RollbackFileCopy chunked = new RollbackFileCopy(256 << 10, () -> insertRow(writer));
            chunked.copy(live, copy);

            assertEquals(RollbackFileCopy.RESTARTS, chunked.restarts());
            assertEquals(RollbackFileCopy.RESTARTS + 24, chunked.chunks());
        }
        assertEquals(List.of("ok"), EngineFixture.query(copy, "PRAGMA integrity_check"));
        assertEquals(List.of(String.valueOf(ROWS + RollbackFileCopy.RESTARTS)),
                EngineFixture.query(copy, "SELECT count(*) FROM items"));
    }

    @Test
    void chunksCopiedWhileWritersCommitMakeOneSnapshotAndWritersNeverFail() throws Exception {
        Path live = liveDatabase();
        SQLiteConfig config = new SQLiteConfig();
        config.setBusyTimeout(5000);
        try (Connection c = config.createConnection("jdbc:sqlite:" + live);
                PreparedStatement insert = c.prepareStatement("INSERT INTO items (body) VALUES (x'00')")) {
            // Requests, not a hot loop (which starves any reader in this mode).
            LoopingWriter writer = LoopingWriter.start("writer", Duration.ofMillis(1), n -> insert.executeUpdate());
            try (writer) {
                writer.awaitWrites(5);
                for (int i = 0; i < 5; i++) {
                    Path copy = Files.createFile(fixture.dir.resolve("copy-" + i + ".sqlite3"));
                    RollbackFileCopy chunked = new RollbackFileCopy(256 << 10);
                    chunked.copy(live, copy);

                    assertTrue(chunked.chunks() >= 24, chunked.chunks() + " chunks");
                    assertTrue(chunked.restarts() <= RollbackFileCopy.RESTARTS + 1, chunked.restarts() + " restarts");
                    assertEquals(List.of("ok"), EngineFixture.query(copy, "PRAGMA integrity_check"));
                    long rows = Long.parseLong(EngineFixture.query(copy, "SELECT count(*) FROM items").get(0));
                    // A row is counted once its commit returns: at most one more than counted is in a copy.
                    long written = writer.written();
                    assertTrue(rows >= ROWS + 5 && rows <= ROWS + written + 1, rows + " rows, " + written + " written");
                }
            }
        }
    }

    private Path liveDatabase() throws Exception {
        // 6 MB: 24 chunks of 256 KiB
        return fixture.database("production.sqlite3", false, "CREATE TABLE items (id INTEGER PRIMARY KEY, body BLOB)",
                "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < " + ROWS + ")"
                        + " INSERT INTO items (body) SELECT randomblob(1000) FROM n");
    }

    private static void insertRow(Connection writer) {
        try (Statement insert = writer.createStatement()) {
            insert.executeUpdate("INSERT INTO items (body) VALUES (x'00')");
        } catch (SQLException e) {
            throw new AssertionError("the writer could not commit between two chunks", e);
        }
    }
}
