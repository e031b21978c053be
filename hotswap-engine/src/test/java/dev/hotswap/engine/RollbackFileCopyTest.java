package dev.hotswap.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.List;

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
    void chunksCopiedBetweenCommitsMakeOneSnapshotAndWritersNeverFail() throws Exception {
        Path live = fixture.database("production.sqlite3", false, "CREATE TABLE items (id INTEGER PRIMARY KEY, body BLOB)",
                "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < " + ROWS + ")"
                        + " INSERT INTO items (body) SELECT randomblob(1000) FROM n");
        SQLiteConfig config = new SQLiteConfig();
        config.setBusyTimeout(5000);
        try (Connection c = config.createConnection("jdbc:sqlite:" + live);
                PreparedStatement insert = c.prepareStatement("INSERT INTO items (body) VALUES (x'00')")) {
            // Requests, not a hot loop (which starves any reader in this mode).
            LoopingWriter writer = LoopingWriter.start("writer", Duration.ofMillis(1), n -> insert.executeUpdate());
            try (writer) {
                writer.awaitWrites(5);
                int restarts = 0;
                for (int i = 0; i < 5; i++) {
                    Path copy = Files.createFile(fixture.dir.resolve("copy-" + i + ".sqlite3"));
                    RollbackFileCopy chunked = new RollbackFileCopy(256 << 10); // 24 chunks of the 6 MB file
                    chunked.copy(live, copy);

                    assertTrue(chunked.chunks() >= 24, chunked.chunks() + " chunks");
                    assertTrue(chunked.restarts() <= RollbackFileCopy.RESTARTS + 1, chunked.restarts() + " restarts");
                    assertEquals(List.of("ok"), EngineFixture.query(copy, "PRAGMA integrity_check"));
                    long rows = Long.parseLong(EngineFixture.query(copy, "SELECT count(*) FROM items").get(0));
                    // A row is counted once its commit returns: at most one more than counted is in a copy.
                    long written = writer.written();
                    assertTrue(rows >= ROWS + 5 && rows <= ROWS + written + 1, rows + " rows, " + written + " written");
                    restarts += chunked.restarts();
                }
                // A commit lands between two of some 24 chunks in most copies (here, 8 in 9): the
                // restarts were exercised, and each copy still came out as one snapshot.
                assertTrue(restarts > 0, "no copy restarted: the writer never committed between chunks");
            }
        }
    }
}
