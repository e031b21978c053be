package dev.hotswap.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hotswap.protocol.DataFrameOutputStream;
import dev.hotswap.protocol.FrameType;
import dev.hotswap.protocol.Handshake;
import dev.hotswap.protocol.Listing;
import dev.hotswap.protocol.Request;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The handshake and the text commands, against a scripted server. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ConversationTest {
    @TempDir
    Path dir;

    @Test
    void versionMismatchExitsThree() throws Exception {
        try (ScriptedServer server = ScriptedServer.start(peer -> {
            try {
                Handshake.serverOfExactly(peer.in, peer.out, 5);
            } catch (dev.hotswap.protocol.VersionMismatchException expected) {
                // the server side of the mismatch: HELLO v5, then EXIT 3
            } catch (java.io.IOException clientHungUp) {
                // the client may go as soon as it reads HELLO v5, before EXIT 3 is written
            }
        })) {
            CommandRun.Result run = CommandRun.in(dir).socket(server.socket()).run("cp", "-", "production");
            server.await();
            assertEquals(3, run.code(), run::toString);
            assertEquals("ERROR: protocol version mismatch (client 4, server 5)\n", run.stderr());
        }
    }

    @Test
    void aServerThatNeverAnswersHelloIsGivenUpOnWithExitThree() throws Exception {
        java.time.Duration before = Connection.handshakeTimeout;
        Connection.handshakeTimeout = java.time.Duration.ofMillis(300);
        java.util.concurrent.CountDownLatch done = new java.util.concurrent.CountDownLatch(1);
        try (ScriptedServer server = ScriptedServer.start(peer -> done.await(20, TimeUnit.SECONDS))) {
            CommandRun.Result run = CommandRun.in(dir).socket(server.socket()).run("ls");
            done.countDown();
            assertEquals(3, run.code(), run::toString);
            assertEquals("ERROR: the server at " + server.socket() + " did not answer within 0.30 s\n", run.stderr());
        } finally {
            Connection.handshakeTimeout = before;
            done.countDown();
        }
    }

    @Test
    void fallsBackToVersion1AndTheWholeFileWithAVersion1Server() throws Exception {
        byte[] database = sqliteLike(4096, 3);
        Path file = java.nio.file.Files.write(dir.resolve("new.sqlite3"), database);
        try (ScriptedServer server = ScriptedServer.start(
                peer -> {
                    try {
                        Handshake.serverOfExactly(peer.in, peer.out, 1);
                    } catch (dev.hotswap.protocol.VersionMismatchException expected) {
                        // a version 1 server: HELLO 1, EXIT 3, close
                    }
                },
                peer -> {
                    Handshake.serverOfExactly(peer.in, peer.out, 1);
                    dev.hotswap.protocol.Request request = peer.request();
                    assertEquals(false, request.options().containsKey("delta"), "no delta offered to a version 1 server");
                    peer.ready(dev.hotswap.protocol.Ready.Direction.PUSH, "production");
                    org.junit.jupiter.api.Assertions.assertArrayEquals(database, peer.upload());
                    peer.exit(0, "OK");
                })) {
            CommandRun.Result run = CommandRun.in(dir).socket(server.socket()).run("cp", "--delta", file.toString(), "production");
            server.await();
            assertEquals(0, run.code(), run::toString);
            assertEquals("OK\n", run.stdout());
        }
    }

    @Test
    void aServerThatTurnsTheConnectionAwayExitsOneWithItsReason() throws Exception {
        try (ScriptedServer server = ScriptedServer.start(peer -> {
            peer.exit(1, "ERROR: server busy (4 admin connections at once); try again");
            peer.awaitClose();
        })) {
            CommandRun.Result run = CommandRun.in(dir).socket(server.socket()).run("cp", "-", "production");
            server.await();
            assertEquals(1, run.code(), run::toString);
            assertEquals("ERROR: server busy (4 admin connections at once); try again\n", run.stderr());
        }
    }

    @Test
    void anExitInsteadOfHelloKeepsTheServersCode() throws Exception {
        try (ScriptedServer server = ScriptedServer.start(peer -> {
            peer.next();
            peer.exit(2, "ERROR: this server takes no requests from protocol clients of this kind");
            peer.awaitClose();
        })) {
            CommandRun.Result run = CommandRun.in(dir).socket(server.socket()).run("ls");
            server.await();
            assertEquals(2, run.code(), run::toString);
            assertEquals("ERROR: this server takes no requests from protocol clients of this kind\n", run.stderr());
        }
    }

    @Test
    void aPeerThatIsNotHotswapExitsThree() throws Exception {
        try (ScriptedServer server = ScriptedServer.start(peer -> {
            peer.next();
            peer.raw("garbage\n".getBytes(StandardCharsets.US_ASCII));
        })) {
            CommandRun.Result run = CommandRun.in(dir).socket(server.socket()).run("ls");
            server.await();
            assertEquals(3, run.code(), run::toString);
            assertEquals("ERROR: the server at " + server.socket() + " does not speak the hotswap protocol:"
                    + " unknown frame type 0x67\n", run.stderr());
        }
    }

    @Test
    void aServerThatHangsUpDuringTheHandshakeExitsThree() throws Exception {
        try (ScriptedServer server = ScriptedServer.start(peer -> peer.next())) {
            CommandRun.Result run = CommandRun.in(dir).socket(server.socket()).run("ls");
            server.await();
            assertEquals(3, run.code(), run::toString);
            assertEquals("ERROR: the server at " + server.socket() + " closed the connection during the handshake\n",
                    run.stderr());
        }
    }

    @Test
    void lsPrintsTheServersGenerationsAsATable() throws Exception {
        AtomicReference<Request> request = new AtomicReference<>();
        List<Listing.Row> rows = List.of(
                new Listing.Row("production", 2, Listing.State.CURRENT, "2026-11-29T20:06:42.5Z", 8192, 4096, "wal", 12,
                        1, null, "/app/db/production.sqlite3"),
                new Listing.Row("production", 1, Listing.State.KEPT, "2026-11-29T19:00:00Z", 4096, 4096, "wal", -1, 0,
                        null, "/app/db/.hotswap/production.sqlite3/000001.sqlite3"));
        try (ScriptedServer server = ScriptedServer.start(peer -> {
            peer.handshake();
            request.set(peer.request());
            peer.download(Listing.format(rows).getBytes(StandardCharsets.UTF_8));
            peer.exit(0, "");
        })) {
            CommandRun.Result run = CommandRun.in(dir).socket(server.socket()).run("ls");
            server.await();
            assertEquals(0, run.code(), run::toString);
            assertEquals(""
                    + "NAME        GEN  STATE    SINCE                 SIZE    PAGE  JOURNAL  PAUSE  REQUESTS  ROLLOUT  PATH\n"
                    + "production  2    current  2026-11-29T20:06:42Z  8.0KiB  4096  wal      12µs   1         -        "
                    + "/app/db/production.sqlite3\n"
                    + "production  1    kept     2026-11-29T19:00:00Z  4.0KiB  4096  wal      -      0         -        "
                    + "/app/db/.hotswap/production.sqlite3/000001.sqlite3\n", run.stdout());
            assertEquals("", run.stderr());
        }
        assertEquals(Request.of("ls"), request.get());
    }

    @Test
    void lsIgnoresFieldsANewerServerAdds() throws Exception {
        try (ScriptedServer server = ScriptedServer.start(peer -> {
            peer.handshake();
            peer.request();
            peer.download("production\t1\tcurrent\t-\t4096\t4096\twal\t-\t0\t-\t/app/db/p.sqlite3\tfuture\n"
                    .getBytes(StandardCharsets.UTF_8));
            peer.exit(0, "");
        })) {
            CommandRun.Result run = CommandRun.in(dir).socket(server.socket()).run("ls");
            server.await();
            assertEquals(0, run.code(), run::toString);
            assertTrue(run.stdout().endsWith("\nproduction  1    current  -      4.0KiB  4096  wal      -      0"
                    + "         -        /app/db/p.sqlite3\n"), run::toString);
        }
    }

    @Test
    void lsRefusesAnAnswerInTheFormatBeforeGenerations() throws Exception {
        try (ScriptedServer server = ScriptedServer.start(peer -> {
            peer.handshake();
            peer.request();
            peer.download("production\t/app/db/production.sqlite3\t4096\t4096\twal\t-\t-\n"
                    .getBytes(StandardCharsets.UTF_8));
            peer.exit(0, "");
        })) {
            CommandRun.Result run = CommandRun.in(dir).socket(server.socket()).run("ls");
            server.await();
            assertEquals(1, run.code(), run::toString);
            assertEquals("", run.stdout());
            assertEquals("ERROR: protocol error: malformed ls line (7 fields, 11 expected): "
                    + "production\t/app/db/production.sqlite3\t4096\t4096\twal\t-\t-\n", run.stderr());
        }
    }

    @Test
    void aServerThatRefusesACommandKeepsItsExitCode() throws Exception {
        try (ScriptedServer server = ScriptedServer.start(peer -> {
            peer.handshake();
            peer.request();
            peer.exit(2, "ERROR: unknown command ls");
        })) {
            CommandRun.Result run = CommandRun.in(dir).socket(server.socket()).run("ls");
            server.await();
            assertEquals(2, run.code(), run::toString);
            assertEquals("", run.stdout());
            assertEquals("ERROR: unknown command ls\n", run.stderr());
        }
    }

    @Test
    void versionWithServerAsksTheEngine() throws Exception {
        try (ScriptedServer server = ScriptedServer.start(peer -> {
            peer.handshake();
            assertEquals(Request.of("version"), peer.request());
            DataFrameOutputStream text = new DataFrameOutputStream(peer.out, FrameType.DATA_OUT);
            text.write("hotswap-engine 0.1.0-SNAPSHOT protocol 1\n".getBytes(StandardCharsets.UTF_8));
            text.finish();
            peer.exit(0, "");
        })) {
            CommandRun.Result run = CommandRun.in(dir).socket(server.socket()).run("version", "--server");
            server.await();
            assertEquals(0, run.code(), run::toString);
            assertEquals(Version.line() + "\nhotswap-engine 0.1.0-SNAPSHOT protocol 1\n", run.stdout());
        }
    }

    @Test
    void statusBeforeReadyReachesStderr() throws Exception {
        try (ScriptedServer server = ScriptedServer.start(peer -> {
            peer.handshake();
            peer.request();
            peer.status("Checking production");
            peer.exit(1, "ERROR: another push or rollback of production is in progress");
        })) {
            CommandRun.Result run = CommandRun.in(dir).socket(server.socket()).stdin(new byte[10])
                    .run("cp", "-", "production");
            server.await();
            assertEquals(1, run.code(), run::toString);
            assertEquals("Checking production\n"
                    + "ERROR: another push or rollback of production is in progress\n", run.stderr());
        }
    }

    @Test
    void noProgressLineWithoutATerminal() throws Exception {
        try (ScriptedServer server = ScriptedServer.start(peer -> {
            peer.handshake();
            peer.request();
            peer.ready(dev.hotswap.protocol.Ready.Direction.PULL, "production");
            peer.download(PushTest.bytes(3 << 20, 21));
            peer.exit(0, "");
        })) {
            CommandRun.Result run = CommandRun.in(dir).socket(server.socket()).tty(false).run("cp", "production", "-");
            server.await();
            assertEquals(0, run.code(), run::toString);
            assertTrue(!run.stderr().contains("\r") && !run.stderr().contains("\033"), run::toString);
        }
    }

    /** Bytes the CLI reads as a SQLite file: the magic, the page size, whole pages. */
    static byte[] sqliteLike(int pageSize, int pages) {
        byte[] bytes = PushTest.bytes(pageSize * pages, pages);
        byte[] magic = "SQLite format 3\0".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        System.arraycopy(magic, 0, bytes, 0, magic.length);
        bytes[16] = (byte) (pageSize >> 8);
        bytes[17] = (byte) pageSize;
        return bytes;
    }
}
