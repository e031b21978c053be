package dev.hotswap.cli;

import static dev.hotswap.cli.PushTest.bytes;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hotswap.protocol.Frame;
import dev.hotswap.protocol.FrameType;
import dev.hotswap.protocol.Ready;
import dev.hotswap.protocol.Request;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a push reads: the file a link leads to, and only when that file alone is what SQLite would
 * read from it (no log with commits, no hot journal beside it), against a scripted server.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class PushSourceTest {
    @TempDir
    Path dir;

    /** A server that expects a push and records the first frame after its READY (an ABORT, if refused). */
    private static ScriptedServer refusing(AtomicReference<Frame> first) throws Exception {
        return ScriptedServer.start(peer -> {
            peer.handshake();
            peer.request();
            peer.ready(Ready.Direction.PUSH, "production");
            first.set(peer.next());
        });
    }

    /** A server that takes one push whole and records what it received. */
    private static ScriptedServer accepting(AtomicReference<byte[]> received) throws Exception {
        return ScriptedServer.start(peer -> {
            peer.handshake();
            peer.request();
            peer.ready(Ready.Direction.PUSH, "production");
            received.set(peer.upload());
            peer.exit(0, "OK");
        });
    }

    @Test
    void aLogBesideTheFileALinkLeadsToIsRefused() throws Exception {
        Path target = Files.write(dir.resolve("build-42.sqlite3"), bytes(4096, 1));
        Path wal = Files.write(dir.resolve("build-42.sqlite3-wal"), bytes(100, 2));
        Path link = Files.createSymbolicLink(dir.resolve("latest.sqlite3"), target.getFileName());
        AtomicReference<Frame> first = new AtomicReference<>();
        try (ScriptedServer server = refusing(first)) {
            CommandRun.Result run = CommandRun.in(dir).socket(server.socket()).run("cp", "latest.sqlite3", "production");
            server.await();
            assertEquals(1, run.code(), run::toString);
            assertEquals("ERROR: " + link + " (which leads to " + target + ") has a write-ahead log (" + wal
                    + ", 100 bytes): its latest commits may be in the log, not in the file. Checkpoint it first:\n"
                    + "  sqlite3 " + target + " 'PRAGMA wal_checkpoint(TRUNCATE);'\n"
                    + "or close every connection to it (the last one to close checkpoints), then push again.\n",
                    run.stderr());
        }
        assertEquals(FrameType.ABORT, first.get().type());
    }

    @Test
    void aPushThroughALinkSendsTheTargetAndNamesTheLinkToTheServer() throws Exception {
        byte[] database = bytes(5000, 3);
        Path target = Files.write(Files.createDirectory(dir.resolve("builds")).resolve("build-42.sqlite3"), database);
        Path link = Files.createSymbolicLink(dir.resolve("latest.sqlite3"), target);
        Files.write(dir.resolve("latest.sqlite3-wal"), bytes(100, 4)); // beside the link: SQLite never reads it
        AtomicReference<Request> request = new AtomicReference<>();
        AtomicReference<byte[]> received = new AtomicReference<>();
        try (ScriptedServer server = ScriptedServer.start(peer -> {
            peer.handshake();
            request.set(peer.request());
            peer.ready(Ready.Direction.PUSH, "production");
            received.set(peer.upload());
            peer.exit(0, "OK");
        })) {
            CommandRun.Result run = CommandRun.in(dir).socket(server.socket()).run("cp", "latest.sqlite3", "production");
            server.await();
            assertEquals(0, run.code(), run::toString);
        }
        assertEquals(new Request("cp", List.of(link.toString(), "production"), Map.of("size", "5000")), request.get());
        assertArrayEquals(database, received.get());
    }

    @Test
    void aHotJournalLeftByAWriterKilledMidTransactionIsRefusedUntilSqliteRollsItBack() throws Exception {
        Path file = dir.resolve("new.sqlite3");
        EngineServer.run(file, EngineServer.SCHEMA[0], EngineServer.SCHEMA[1], "INSERT INTO meta VALUES (2)",
                "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 5000)"
                        + " INSERT INTO posts (title) SELECT 'committed ' || i || ' ' || hex(randomblob(20)) FROM n");
        CrashedWriter.crashMidTransaction(file);
        Path journal = dir.resolve("new.sqlite3-journal");
        assertTrue(Files.size(journal) > 0, "the killed writer left no journal");

        AtomicReference<Frame> first = new AtomicReference<>();
        try (ScriptedServer server = refusing(first)) {
            CommandRun.Result run = CommandRun.in(dir).socket(server.socket())
                    .run("cp", "new.sqlite3", "production", "--full");
            server.await();
            assertEquals(1, run.code(), run::toString);
            assertEquals("ERROR: " + file + " has a hot journal (" + journal + ", " + Quantities.bytes(Files.size(journal))
                    + "): a transaction that never committed (its writer crashed, or is still writing) may have left"
                    + " its changes in the file; SQLite undoes them from the journal when it next opens the file."
                    + " If no process is writing it, let SQLite roll it back first:\n"
                    + "  sqlite3 " + file + " 'SELECT count(*) FROM sqlite_master;'\n"
                    + "then push again.\n", run.stderr());
        }
        assertEquals(FrameType.ABORT, first.get().type());

        // What the message says to run: SQLite rolls the journal back, and the file alone is then whole.
        EngineServer.run(file, "SELECT count(*) FROM sqlite_master");
        assertEquals(0, count(file, "SELECT count(*) FROM posts WHERE title LIKE 'uncommitted%'"));
        assertEquals(5000, count(file, "SELECT count(*) FROM posts"));
        byte[] settled = Files.readAllBytes(file);
        AtomicReference<byte[]> received = new AtomicReference<>();
        try (ScriptedServer server = accepting(received)) {
            CommandRun.Result run = CommandRun.in(dir).socket(server.socket())
                    .run("cp", "new.sqlite3", "production", "--full");
            server.await();
            assertEquals(0, run.code(), run::toString);
        }
        assertArrayEquals(settled, received.get());
    }

    @Test
    void aCommittedJournalWithAZeroedHeaderDoesNotStopAPush() throws Exception {
        byte[] database = bytes(4096, 5);
        Files.write(dir.resolve("new.sqlite3"), database);
        Files.write(dir.resolve("new.sqlite3-journal"), new byte[512]); // what PERSIST mode leaves after a commit
        AtomicReference<byte[]> received = new AtomicReference<>();
        try (ScriptedServer server = accepting(received)) {
            CommandRun.Result run = CommandRun.in(dir).socket(server.socket()).run("cp", "new.sqlite3", "production");
            server.await();
            assertEquals(0, run.code(), run::toString);
        }
        assertArrayEquals(database, received.get());
    }

    private static int count(Path file, String query) throws Exception {
        try (java.sql.Connection connection = java.sql.DriverManager.getConnection("jdbc:sqlite:" + file);
                java.sql.Statement statement = connection.createStatement();
                java.sql.ResultSet rows = statement.executeQuery(query)) {
            rows.next();
            return rows.getInt(1);
        }
    }
}
