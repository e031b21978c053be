package dev.hotswap.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hotswap.protocol.Ready;
import dev.hotswap.protocol.Request;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Rollbacks against a scripted server: the request, what the user sees, the exit code. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class RollbackTest {
    @TempDir
    Path dir;

    @Test
    void rollbackByNameRelaysTheSwapReportAndPrintsOk() throws Exception {
        AtomicReference<Request> request = new AtomicReference<>();
        try (ScriptedServer server = ScriptedServer.start(peer -> {
            peer.handshake();
            request.set(peer.request());
            peer.phase("swap");
            peer.status("Swapping database...");
            peer.status("swap 3 ms");
            peer.status("pause 12 µs");
            peer.status("generation 41 is live (was 42)");
            peer.status("old generation 42 released after 0 ms");
            peer.exit(0, "OK");
        })) {
            CommandRun.Result run = CommandRun.in(dir).socket(server.socket()).run("rollback", "production");
            server.await();
            assertEquals(0, run.code(), run::toString);
            assertEquals("OK\n", run.stdout());
            assertEquals("Swapping database...\nswap 3 ms\npause 12 µs\ngeneration 41 is live (was 42)\n"
                    + "old generation 42 released after 0 ms\n", run.stderr());
        }
        assertEquals(new Request("rollback", List.of("production"), Map.of()), request.get());
    }

    @Test
    void rollbackByRelativePathWithToSendsTheAbsolutePathAndTheGeneration() throws Exception {
        Files.createDirectories(dir.resolve("db"));
        AtomicReference<Request> request = new AtomicReference<>();
        try (ScriptedServer server = ScriptedServer.start(peer -> {
            peer.handshake();
            request.set(peer.request());
            peer.exit(0, "OK");
        })) {
            CommandRun.Result run = CommandRun.in(dir).socket(server.socket())
                    .run("rollback", "db/../db/production.sqlite3", "--to", "41");
            server.await();
            assertEquals(0, run.code(), run::toString);
            assertEquals("OK\n", run.stdout());
        }
        assertEquals(new Request("rollback", List.of(dir.resolve("db/production.sqlite3").toString()),
                Map.of("to", "41")), request.get());
    }

    @Test
    void aRefusalKeepsTheServersCodeAndMessageAndPrintsNoOk() throws Exception {
        String refusal = "ERROR: production has no generation 7 (kept: 41)";
        String usage = "ERROR: nowhere is not a managed database (managed: production /app/db/production.sqlite3)";
        try (ScriptedServer server = ScriptedServer.start(peer -> {
            peer.handshake();
            peer.request();
            peer.exit(1, refusal);
        }, peer -> {
            peer.handshake();
            peer.request();
            peer.exit(2, usage);
        })) {
            CommandRun.Result refused = CommandRun.in(dir).socket(server.socket())
                    .run("rollback", "production", "--to", "7");
            assertEquals(1, refused.code(), refused::toString);
            assertEquals("", refused.stdout());
            assertEquals(refusal + "\n", refused.stderr());

            CommandRun.Result unknown = CommandRun.in(dir).socket(server.socket()).run("rollback", "nowhere");
            assertEquals(2, unknown.code(), unknown::toString);
            assertEquals("", unknown.stdout());
            assertEquals(usage + "\n", unknown.stderr());
            server.await();
        }
    }

    @Test
    void aServerThatAnswersWithReadyIsAProtocolError() throws Exception {
        try (ScriptedServer server = ScriptedServer.start(peer -> {
            peer.handshake();
            peer.request();
            peer.ready(Ready.Direction.PUSH, "production");
            peer.awaitClose();
        })) {
            CommandRun.Result run = CommandRun.in(dir).socket(server.socket()).run("rollback", "production");
            server.await();
            assertEquals(1, run.code(), run::toString);
            assertEquals("", run.stdout());
            assertEquals("ERROR: protocol error: expected EXIT, got READY\n", run.stderr());
        }
    }

    @Test
    void aServerThatHangsUpWithoutAnAnswerFailsTheRollback() throws Exception {
        try (ScriptedServer server = ScriptedServer.start(peer -> {
            peer.handshake();
            peer.request();
            peer.status("Swapping database...");
        })) {
            CommandRun.Result run = CommandRun.in(dir).socket(server.socket()).run("rollback", "production");
            server.await();
            assertEquals(1, run.code(), run::toString);
            assertEquals("", run.stdout());
            assertTrue(run.stderr().startsWith("Swapping database...\nERROR: the server closed the connection"
                    + " unexpectedly: "), run::toString);
        }
    }

    @Test
    void ctrlCWhileTheServerWorksSaysTheRollbackMayStillHappen() throws Exception {
        ManualInterrupts interrupts = new ManualInterrupts();
        CountDownLatch clientGone = new CountDownLatch(1);
        try (ScriptedServer server = ScriptedServer.start(peer -> {
            peer.handshake();
            peer.request();
            peer.status("Swapping database...");
            interrupts.fire();
            peer.awaitClose();
            clientGone.countDown();
        })) {
            CommandRun.Result run = CommandRun.in(dir).socket(server.socket()).interrupts(interrupts)
                    .run("rollback", "production");
            server.await();
            interrupts.awaitActions();
            assertTrue(clientGone.await(10, TimeUnit.SECONDS), "the client closed the connection");
            assertEquals(Cli.INTERRUPTED, run.code(), run::toString);
            assertEquals("", run.stdout());
            assertTrue(run.stderr().endsWith("ERROR: interrupted: the server may still roll back production;"
                    + " run 'hotswap ls' to see whether it did\n"), run::toString);
        }
    }
}
