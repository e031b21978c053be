package dev.hotswap.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hotswap.protocol.Frame;
import dev.hotswap.protocol.FrameType;
import dev.hotswap.protocol.Ready;
import dev.hotswap.protocol.Request;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Pushes against a scripted server: what goes over the wire, what the user sees, the exit code. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class PushTest {
    private static final String SCHEMA_DIFF = "ERROR: schema mismatch: the new database differs from the live one\n"
            + "--- live\n+++ new\n@@ -1,1 +1,1 @@\n-CREATE TABLE posts (id INTEGER PRIMARY KEY, title TEXT)\n"
            + "+CREATE TABLE posts (id INTEGER PRIMARY KEY, body TEXT)";

    @TempDir
    Path dir;

    static byte[] bytes(int size, long seed) {
        byte[] data = new byte[size];
        new Random(seed).nextBytes(data);
        return data;
    }

    @Test
    void pushFromAFileSendsItsBytesAndPrintsOk() throws Exception {
        byte[] database = bytes(300_000, 1);
        Path file = Files.write(dir.resolve("new.sqlite3"), database);
        AtomicReference<Request> request = new AtomicReference<>();
        AtomicReference<byte[]> received = new AtomicReference<>();
        try (ScriptedServer server = ScriptedServer.start(peer -> {
            peer.handshake();
            request.set(peer.request());
            peer.ready(Ready.Direction.PUSH, "production");
            peer.phase("upload");
            received.set(peer.upload());
            peer.phase("integrity check");
            peer.status("Swapping database...");
            peer.status("Swapped production in 1.2 ms");
            peer.exit(0, "OK");
        })) {
            CommandRun.Result run = CommandRun.in(dir).socket(server.socket())
                    .run("cp", "new.sqlite3", "db/production.sqlite3");
            server.await();
            assertEquals(0, run.code(), run::toString);
            assertEquals("OK\n", run.stdout());
            assertTrue(run.stderr().matches("(?s)Uploaded 293\\.0 KiB to production in .*\n"
                    + "Swapping database\\.\\.\\.\nSwapped production in 1\\.2 ms\n"), run::toString);
        }
        assertEquals(new Request("cp", List.of(file.toString(), dir.resolve("db/production.sqlite3").toString()),
                Map.of("size", Integer.toString(database.length))), request.get());
        assertArrayEquals(database, received.get());
    }

    @Test
    void theSwapReportReachesStderrInTheServersOrderAndOkComesLast() throws Exception {
        try (ScriptedServer server = ScriptedServer.start(peer -> {
            peer.handshake();
            peer.request();
            peer.ready(Ready.Direction.PUSH, "production");
            peer.upload();
            peer.phase("swap");
            peer.status("Swapping database...");
            peer.status("swap 4 ms");
            peer.status("pause 9 µs");
            peer.status("generation 43 is live (was 42)");
            peer.status("old generation 42 still in use by 2 request(s) and 1 connection(s); it closes when they"
                    + " finish");
            peer.exit(0, "OK");
        })) {
            CommandRun.Result run = CommandRun.in(dir).socket(server.socket()).stdin(bytes(5000, 8))
                    .run("cp", "-", "production");
            server.await();
            assertEquals(0, run.code(), run::toString);
            assertEquals("OK\n", run.stdout());
            assertTrue(run.stderr().matches("(?s)Uploaded 4\\.9 KiB to production in .*\n"
                    + "Swapping database\\.\\.\\.\nswap 4 ms\npause 9 µs\ngeneration 43 is live \\(was 42\\)\n"
                    + "old generation 42 still in use by 2 request\\(s\\) and 1 connection\\(s\\); it closes when"
                    + " they finish\n"), run::toString);
        }
    }

    @Test
    void pushFromStdinSendsTheFlagsThatWereGiven() throws Exception {
        byte[] database = bytes(70_000, 2);
        AtomicReference<Request> request = new AtomicReference<>();
        AtomicReference<byte[]> received = new AtomicReference<>();
        try (ScriptedServer server = ScriptedServer.start(peer -> {
            peer.handshake();
            request.set(peer.request());
            peer.ready(Ready.Direction.PUSH, "production");
            received.set(peer.upload());
            peer.exit(0, "OK");
        })) {
            CommandRun.Result run = CommandRun.in(dir).socket(server.socket()).stdin(database)
                    .run("cp", "--skip-schema-check", "-", "production", "--skip-integrity-check");
            server.await();
            assertEquals(0, run.code(), run::toString);
            assertEquals("OK\n", run.stdout());
        }
        assertEquals(new Request("cp", List.of("-", "production"),
                Map.of("skip-integrity-check", "true", "skip-schema-check", "true")), request.get());
        assertArrayEquals(database, received.get());
    }

    @Test
    void anEmptyStdinIsSentAsAnEmptyUpload() throws Exception {
        AtomicReference<byte[]> received = new AtomicReference<>();
        try (ScriptedServer server = ScriptedServer.start(peer -> {
            peer.handshake();
            peer.request();
            peer.ready(Ready.Direction.PUSH, "production");
            received.set(peer.upload());
            peer.exit(1, "ERROR: the upload is not a SQLite database (0 bytes)");
        })) {
            CommandRun.Result run = CommandRun.in(dir).socket(server.socket()).run("cp", "-", "production");
            server.await();
            assertEquals(1, run.code(), run::toString);
            assertEquals("", run.stdout());
            assertTrue(run.stderr().endsWith("ERROR: the upload is not a SQLite database (0 bytes)\n"), run::toString);
        }
        assertEquals(0, received.get().length);
    }

    @Test
    void schemaMismatchPrintsTheServersDiffVerbatim() throws Exception {
        try (ScriptedServer server = ScriptedServer.start(peer -> {
            peer.handshake();
            peer.request();
            peer.ready(Ready.Direction.PUSH, "production");
            peer.upload();
            peer.phase("schema check");
            peer.exit(1, SCHEMA_DIFF);
        })) {
            CommandRun.Result run = CommandRun.in(dir).socket(server.socket()).stdin(bytes(1000, 3))
                    .run("cp", "-", "production");
            server.await();
            assertEquals(1, run.code(), run::toString);
            assertEquals("", run.stdout());
            assertTrue(run.stderr().endsWith("\n" + SCHEMA_DIFF + "\n"), run::toString);
        }
    }

    @Test
    void serverExitInTheMiddleOfTheUploadIsReportedAsTheServersReason() throws Exception {
        CountDownLatch clientDone = new CountDownLatch(1);
        try (ScriptedServer server = ScriptedServer.start(peer -> {
            peer.handshake();
            peer.request();
            peer.ready(Ready.Direction.PUSH, "production");
            assertEquals(FrameType.DATA_IN, peer.next().type());
            peer.exit(1, "ERROR: another push of production is in progress");
            // Read no more, and keep the connection open: the client must act on the EXIT rather
            // than wait for room on a full socket.
            assertTrue(clientDone.await(20, TimeUnit.SECONDS), "the client kept uploading after EXIT");
        })) {
            CommandRun.Result run = CommandRun.in(dir).socket(server.socket()).stdin(new Endless())
                    .run("cp", "-", "production");
            clientDone.countDown();
            server.await();
            assertEquals(1, run.code(), run::toString);
            assertEquals("", run.stdout());
            assertEquals("ERROR: another push of production is in progress\n", run.stderr());
        }
    }

    @Test
    void refusalAtTheRequestKeepsTheServersCodeAndMessage() throws Exception {
        String neither = "ERROR: neither /tmp/a.sqlite3 nor /tmp/b.sqlite3 is a managed database;"
                + " managed: production (/app/db/production.sqlite3)";
        try (ScriptedServer server = ScriptedServer.start(peer -> {
            peer.handshake();
            peer.request();
            peer.exit(2, neither);
        })) {
            CommandRun.Result run = CommandRun.in(dir).socket(server.socket()).run("cp", "/tmp/a.sqlite3", "/tmp/b.sqlite3");
            server.await();
            assertEquals(2, run.code(), run::toString);
            assertEquals(neither + "\n", run.stderr());
        }
    }

    @Test
    void connectionDroppedDuringTheUploadExitsOne() throws Exception {
        try (ScriptedServer server = ScriptedServer.start(peer -> {
            peer.handshake();
            peer.request();
            peer.ready(Ready.Direction.PUSH, "production");
            assertEquals(FrameType.DATA_IN, peer.next().type());
        })) {
            CommandRun.Result run = CommandRun.in(dir).socket(server.socket()).stdin(new Endless())
                    .run("cp", "-", "production");
            server.await();
            assertEquals(1, run.code(), run::toString);
            assertTrue(run.stderr().startsWith("ERROR: the server closed the connection during the upload, after "),
                    run::toString);
            assertTrue(run.stderr().endsWith("; production is unchanged\n"), run::toString);
        }
    }

    @Test
    void connectionDroppedAfterTheUploadSaysToCheck() throws Exception {
        try (ScriptedServer server = ScriptedServer.start(peer -> {
            peer.handshake();
            peer.request();
            peer.ready(Ready.Direction.PUSH, "production");
            peer.upload();
        })) {
            CommandRun.Result run = CommandRun.in(dir).socket(server.socket()).stdin(bytes(10, 4))
                    .run("cp", "-", "production");
            server.await();
            assertEquals(1, run.code(), run::toString);
            assertTrue(run.stderr().endsWith("ERROR: the server closed the connection after the upload without a"
                    + " result; run 'hotswap ls' to see whether production was swapped\n"), run::toString);
        }
    }

    @Test
    void aFileWithANonEmptyWalIsRefusedAndTheUploadAborted() throws Exception {
        Path file = Files.write(dir.resolve("new.sqlite3"), bytes(4096, 5));
        Path wal = Files.write(dir.resolve("new.sqlite3-wal"), bytes(100, 6));
        AtomicReference<Frame> first = new AtomicReference<>();
        try (ScriptedServer server = ScriptedServer.start(peer -> {
            peer.handshake();
            peer.request();
            peer.ready(Ready.Direction.PUSH, "production");
            first.set(peer.next());
        })) {
            CommandRun.Result run = CommandRun.in(dir).socket(server.socket()).run("cp", "new.sqlite3", "production");
            server.await();
            assertEquals(1, run.code(), run::toString);
            assertEquals("ERROR: " + file + " has a write-ahead log (" + wal + ", 100 bytes): its latest commits"
                    + " may be in the log, not in the file. Checkpoint it first:\n"
                    + "  sqlite3 " + file + " 'PRAGMA wal_checkpoint(TRUNCATE);'\n"
                    + "or close every connection to it (the last one to close checkpoints), then push again.\n",
                    run.stderr());
        }
        assertEquals(FrameType.ABORT, first.get().type());
    }

    @Test
    void anEmptyWalDoesNotStopAPush() throws Exception {
        byte[] database = bytes(4096, 7);
        Files.write(dir.resolve("new.sqlite3"), database);
        Files.createFile(dir.resolve("new.sqlite3-wal"));
        AtomicReference<byte[]> received = new AtomicReference<>();
        try (ScriptedServer server = ScriptedServer.start(peer -> {
            peer.handshake();
            peer.request();
            peer.ready(Ready.Direction.PUSH, "production");
            received.set(peer.upload());
            peer.exit(0, "OK");
        })) {
            CommandRun.Result run = CommandRun.in(dir).socket(server.socket()).run("cp", "new.sqlite3", "production");
            server.await();
            assertEquals(0, run.code(), run::toString);
        }
        assertArrayEquals(database, received.get());
    }

    @Test
    void aMissingSourceFileAbortsTheUpload() throws Exception {
        AtomicReference<Frame> first = new AtomicReference<>();
        try (ScriptedServer server = ScriptedServer.start(peer -> {
            peer.handshake();
            peer.request();
            peer.ready(Ready.Direction.PUSH, "production");
            first.set(peer.next());
        })) {
            CommandRun.Result run = CommandRun.in(dir).socket(server.socket()).run("cp", "./missing.sqlite3", "production");
            server.await();
            assertEquals(1, run.code(), run::toString);
            assertEquals("ERROR: cannot read " + dir.resolve("missing.sqlite3") + ": no such file\n", run.stderr());
        }
        assertEquals(FrameType.ABORT, first.get().type());
    }

    @Test
    void ctrlCDuringTheUploadSendsAbort() throws Exception {
        ManualInterrupts interrupts = new ManualInterrupts();
        AtomicReference<Frame> abort = new AtomicReference<>();
        try (ScriptedServer server = ScriptedServer.start(peer -> {
            peer.handshake();
            peer.request();
            peer.ready(Ready.Direction.PUSH, "production");
            assertEquals(FrameType.DATA_IN, peer.next().type());
            interrupts.fire();
            abort.set(peer.drainUntil(FrameType.ABORT));
        })) {
            CommandRun.Result run = CommandRun.in(dir).socket(server.socket()).stdin(new Endless())
                    .interrupts(interrupts).run("cp", "-", "production");
            server.await();
            interrupts.awaitActions();
            assertEquals(Cli.INTERRUPTED, run.code(), run::toString);
            assertEquals("", run.stdout());
            assertTrue(run.stderr().endsWith("ERROR: interrupted: the upload was aborted and the server discards"
                    + " it; production is unchanged\n"), run::toString);
        }
        assertNotNull(abort.get(), "the server never saw ABORT");
        assertEquals("interrupted", abort.get().text());
    }

    @Test
    void severalPushesInARowEachGetTheirOwnConversation() throws Exception {
        ScriptedServer.Script accept = peer -> {
            peer.handshake();
            peer.request();
            peer.ready(Ready.Direction.PUSH, "production");
            peer.upload();
            peer.exit(0, "OK");
        };
        try (ScriptedServer server = ScriptedServer.start(accept, accept, accept)) {
            for (int i = 0; i < 3; i++) {
                CommandRun.Result run = CommandRun.in(dir).socket(server.socket()).stdin(bytes(5000, i))
                        .run("cp", "-", "production");
                assertEquals(0, run.code(), run::toString);
                assertEquals("OK\n", run.stdout());
            }
            server.await();
        }
    }

    /** A stdin that never ends, as a pipe from a slow producer. */
    static final class Endless extends InputStream {
        @Override
        public int read() {
            return 0;
        }

        @Override
        public int read(byte[] bytes, int offset, int length) throws IOException {
            java.util.Arrays.fill(bytes, offset, offset + length, (byte) 7);
            return length;
        }
    }
}
