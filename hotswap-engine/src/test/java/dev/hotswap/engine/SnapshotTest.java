package dev.hotswap.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import javax.sql.DataSource;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Pulls in rollback-journal mode go in steps, so that writers commit between them, and still finish. */
@Timeout(60)
class SnapshotTest {
    private static final int ROWS = 6_000; // about 2 steps of 4 MiB
    private final EngineFixture fixture = new EngineFixture();
    private final List<String> logged = new CopyOnWriteArrayList<>();
    private final Logger logger = Logger.getLogger(Snapshot.class.getName());
    private final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord record) {
            logged.add(record.getMessage());
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    @BeforeEach
    void listen() {
        logger.addHandler(capture);
    }

    @AfterEach
    void cleanUp() throws IOException {
        logger.removeHandler(capture);
        fixture.close();
    }

    private Path rollbackModeDatabase() throws Exception {
        return fixture.database("production.sqlite3", false, "CREATE TABLE items (id INTEGER PRIMARY KEY, body BLOB)",
                "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < " + ROWS + ")"
                        + " INSERT INTO items (body) SELECT randomblob(1000) FROM n");
    }

    private Path pull(Hotswap hotswap) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        hotswap.pull("production", out);
        return Files.write(fixture.dir.resolve("copy-" + System.nanoTime() + ".sqlite3"), out.toByteArray());
    }

    @Test
    void rollbackModePullCopiesTheFileInOneChunkWhenNobodyWrites() throws Exception {
        Path live = rollbackModeDatabase();
        try (Hotswap hotswap = fixture.builder(live).socketEnabled(false).build().start()) {
            Path copy = pull(hotswap);
            assertEquals(List.of("ok"), EngineFixture.query(copy, "PRAGMA integrity_check"));
            assertEquals(List.of(Integer.toString(ROWS)), EngineFixture.query(copy, "SELECT count(*) FROM items"));
        }
        assertTrue(snapshotLine().matches(".* 1 chunks, 0 restarts"), snapshotLine());
    }

    @Test
    void rollbackModePullUnderSteadyWritesFinishesAndNoWriterFails() throws Exception {
        Path live = rollbackModeDatabase();
        try (Hotswap hotswap = fixture.builder(live).socketEnabled(false).build().start()) {
            // Requests, not a hot loop: back-to-back writers starve any reader in rollback-journal
            // mode, which is SQLite's locking, not the pull.
            LoopingWriter writer = LoopingWriter.start("writer", Duration.ofMillis(1), insertInto(hotswap));
            Path copy;
            try (writer) {
                writer.awaitWrites(10);
                copy = pull(hotswap);
            }
            long written = writer.written(); // after the writer stopped: every committed row counted
            assertEquals(List.of("ok"), EngineFixture.query(copy, "PRAGMA integrity_check"));
            long rows = Long.parseLong(EngineFixture.query(copy, "SELECT count(*) FROM items").get(0));
            assertTrue(rows >= ROWS + 10 && rows <= ROWS + written, rows + " rows, " + written + " written");
        }
        assertTrue(snapshotLine().matches(".* chunks, [0-" + RollbackFileCopy.RESTARTS + "] restarts"), snapshotLine());
    }

    /** One row per write, each through a connection of its own, as a request does. */
    private static LoopingWriter.Write insertInto(Hotswap hotswap) {
        DataSource data = hotswap.dataSource("production");
        return n -> {
            try (Connection c = data.getConnection();
                    PreparedStatement insert = c.prepareStatement("INSERT INTO items (body) VALUES (x'00')")) {
                insert.executeUpdate();
            }
        };
    }

    private Path walDatabase() throws Exception {
        return fixture.database("production.sqlite3", true, "CREATE TABLE items (id INTEGER PRIMARY KEY, body BLOB)",
                "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < " + ROWS + ")"
                        + " INSERT INTO items (body) SELECT randomblob(1000) FROM n");
    }

    private String snapshotLine() {
        return logged.stream().filter(message -> message.contains("snapshot of generation")).findFirst().orElseThrow();
    }

    @Test
    void walPullStreamsTheFileItselfWithWhatTheLogHeld() throws Exception {
        Path live = walDatabase();
        try (Hotswap hotswap = fixture.builder(live).socketEnabled(false).build().start()) {
            try (Connection c = hotswap.dataSource("production").getConnection(); java.sql.Statement s = c.createStatement()) {
                s.execute("PRAGMA wal_autocheckpoint=0");
                s.execute("INSERT INTO items (body) VALUES (x'01')"); // only in the log
            }
            Path copy = pull(hotswap);
            assertEquals(List.of("ok"), EngineFixture.query(copy, "PRAGMA integrity_check"));
            assertEquals(List.of(Integer.toString(ROWS + 1)), EngineFixture.query(copy, "SELECT count(*) FROM items"));
        }
        assertTrue(snapshotLine().endsWith(", the file itself, held by a read transaction"), snapshotLine());
    }

    @Test
    void walPullHoldsItsSnapshotWhileWritersCommitAndReleasesTheLogAfter() throws Exception {
        Path live = walDatabase();
        try (Hotswap hotswap = fixture.builder(live).socketEnabled(false).build().start();
                Connection writer = hotswap.dataSource("production").getConnection();
                java.sql.Statement write = writer.createStatement()) {
            write.execute("PRAGMA wal_autocheckpoint=0");
            List<Long> checkpointDuringPull = new java.util.ArrayList<>();
            ByteArrayOutputStream pulled = new ByteArrayOutputStream() {
                @Override
                public synchronized void write(byte[] bytes, int offset, int length) {
                    if (size() == 0) { // the snapshot is held and streaming: the app goes on writing
                        try {
                            write.execute("INSERT INTO items (body) VALUES (x'02')");
                            checkpointDuringPull.addAll(passiveCheckpoint(writer));
                        } catch (java.sql.SQLException e) {
                            throw new AssertionError("a writer failed during the pull", e);
                        }
                    }
                    super.write(bytes, offset, length);
                }
            };
            hotswap.pull("production", pulled);
            Path copy = Files.write(fixture.dir.resolve("copy.sqlite3"), pulled.toByteArray());

            assertEquals(List.of(Integer.toString(ROWS)), EngineFixture.query(copy, "SELECT count(*) FROM items"),
                    "the copy is the snapshot from before the insert");
            assertEquals(List.of(Integer.toString(ROWS + 1)), EngineFixture.query(writer, "SELECT count(*) FROM items"));
            assertTrue(checkpointDuringPull.get(1) > checkpointDuringPull.get(2),
                    "the checkpoint during the pull left the new frames in the log: " + checkpointDuringPull);
            List<Long> after = passiveCheckpoint(writer);
            assertEquals(after.get(1), after.get(2), "after the pull every frame is written back: " + after);
        }
        assertEquals(List.of(), EngineFixture.temps(fixture.dir), "no temp copy");
    }

    /** {@code PRAGMA wal_checkpoint(PASSIVE)}: busy, frames in the log, frames written back. */
    private static List<Long> passiveCheckpoint(Connection connection) throws java.sql.SQLException {
        try (java.sql.Statement statement = connection.createStatement();
                java.sql.ResultSet row = statement.executeQuery("PRAGMA wal_checkpoint(PASSIVE)")) {
            row.next();
            return List.of(row.getLong(1), row.getLong(2), row.getLong(3));
        }
    }

    @Test
    void walDeltaBaseIsACopyOfTheFile() throws Exception {
        Path live = walDatabase();
        try (Hotswap hotswap = fixture.builder(live).socketEnabled(false).build().start()) {
            ManagedDatabase db = hotswap.managed("production");
            Path base = db.folder().newTemp();
            Snapshot.copyInto(db, base, hotswap.diskBudget().claim("a base copy", db.folder().path(), 0));
            assertEquals(List.of(Integer.toString(ROWS)), EngineFixture.query(base, "SELECT count(*) FROM items"));
            TempFiles.delete(base);
        }
        assertTrue(snapshotLine().endsWith(", a copy of the file"), snapshotLine());
    }

    @Test
    void walPullUsesTheBackupApiWhileAnOlderReaderKeepsTheLogFromTheFile() throws Exception {
        Path live = walDatabase();
        try (Hotswap hotswap = fixture.builder(live).socketEnabled(false).build().start();
                Connection older = hotswap.dataSource("production").getConnection()) {
            older.setAutoCommit(false);
            EngineFixture.query(older, "SELECT count(*) FROM items"); // a snapshot from before the insert
            try (Connection c = hotswap.dataSource("production").getConnection(); java.sql.Statement s = c.createStatement()) {
                s.execute("PRAGMA wal_autocheckpoint=0");
                s.execute("INSERT INTO items (body) VALUES (x'01')");
            }
            Path copy = pull(hotswap);
            assertEquals(List.of(Integer.toString(ROWS + 1)), EngineFixture.query(copy, "SELECT count(*) FROM items"));
            older.rollback();
        }
        assertTrue(snapshotLine().endsWith(", backup API"), snapshotLine());
    }

    @Test
    void walPullUnderConstantWritesIsOneConsistentSnapshot() throws Exception {
        Path live = walDatabase();
        try (Hotswap hotswap = fixture.builder(live).socketEnabled(false).build().start()) {
            List<Path> copies = new java.util.ArrayList<>();
            LoopingWriter writer = LoopingWriter.start("writer", Duration.ZERO, insertInto(hotswap));
            try (writer) {
                writer.awaitWrites(10);
                for (int i = 0; i < 5; i++) {
                    copies.add(pull(hotswap));
                }
            }
            long written = writer.written(); // after the writer stopped: every committed row counted
            for (Path copy : copies) {
                assertEquals(List.of("ok"), EngineFixture.query(copy, "PRAGMA integrity_check"));
                long rows = Long.parseLong(EngineFixture.query(copy, "SELECT count(*) FROM items").get(0));
                assertTrue(rows >= ROWS + 10 && rows <= ROWS + written, rows + " rows, " + written + " written");
            }
        }
    }
}
