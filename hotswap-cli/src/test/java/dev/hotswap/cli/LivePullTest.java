package dev.hotswap.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A pull into a file of a rollback-journal database (sqlite-jdbc's default) against a real engine:
 * the server streams the live file itself, and catch-up passes bring in what writers commit meanwhile.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class LivePullTest {
    /** Rows of 1000 bytes: about 20 MB, five read transactions of the server's. */
    private static final int ROWS = 20_000;

    @TempDir
    Path dir;

    private EngineServer server;

    @BeforeEach
    void startEngine() throws Exception {
        server = EngineServer.start();
        EngineServer.run(server.live.toRealPath(), "CREATE TABLE items (id INTEGER PRIMARY KEY, body BLOB)",
                "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < " + ROWS + ")"
                        + " INSERT INTO items (body) SELECT randomblob(1000) FROM n");
    }

    @AfterEach
    void stopEngine() throws Exception {
        server.close();
    }

    @Test
    void aPullToAFileStreamsTheLiveFileWithoutACopy() throws Exception {
        CommandRun.Result run = CommandRun.in(dir).socket(server.socket).run("cp", "production", "backup.sqlite3");

        assertEquals(0, run.code(), run::toString);
        assertTrue(run.stderr().contains("streaming the live file under read transactions of 4 MiB: no copy"),
                run::toString);
        assertEquals(List.of("ok"), query(dir.resolve("backup.sqlite3"), "PRAGMA integrity_check"));
        assertEquals(List.of(String.valueOf(ROWS)), query(dir.resolve("backup.sqlite3"), "SELECT count(*) FROM items"));
    }

    @Test
    void aPullToAFileWhileTheAppWritesIsOneCommittedStateAndNoWriteFails() throws Exception {
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong written = new AtomicLong();
        CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
            try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + server.live.toRealPath());
                    PreparedStatement insert = c.prepareStatement("INSERT INTO items (body) VALUES (randomblob(1000))")) {
                c.createStatement().execute("PRAGMA busy_timeout = 5000");
                while (!stop.get()) {
                    insert.executeUpdate();
                    written.incrementAndGet();
                    Thread.sleep(1); // requests, not a hot loop, which starves any reader in this mode
                }
            } catch (Exception e) {
                throw new AssertionError("a write failed during the pull", e);
            }
        });
        CommandRun.Result run;
        try {
            run = CommandRun.in(dir).socket(server.socket).run("cp", "production", "backup.sqlite3");
        } finally {
            stop.set(true);
        }
        writer.get(10, TimeUnit.SECONDS); // rethrows a failed write
        assertEquals(0, run.code(), run::toString);
        Path backup = dir.resolve("backup.sqlite3");
        assertEquals(List.of("ok"), query(backup, "PRAGMA integrity_check"));
        long rows = Long.parseLong(query(backup, "SELECT count(*) FROM items").get(0));
        assertTrue(rows >= ROWS && rows <= ROWS + written.get(), rows + " rows, " + written.get() + " written");
        // One state: the rows are exactly the first ones, with no gap.
        assertEquals(List.of(String.valueOf(rows)), query(backup, "SELECT max(id) FROM items"));
    }

    private static List<String> query(Path file, String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
                Statement statement = c.createStatement();
                ResultSet rows = statement.executeQuery(sql)) {
            List<String> values = new java.util.ArrayList<>();
            while (rows.next()) {
                values.add(rows.getString(1));
            }
            return values;
        }
    }
}
