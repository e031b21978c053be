package dev.hotswap.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
 * {@code --fleet} against a scripted server: the options on the wire, the server's lines (one per
 * node) on stderr as they come, {@code OK} and exit 0 only when the server says every node flipped.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class FleetCommandTest {
    @TempDir
    Path dir;

    @Test
    void fleetPushSendsTheFleetOptionsAndPrintsOneLinePerNodeThenOk() throws Exception {
        byte[] database = PushTest.bytes(5000, 7);
        Path file = Files.write(dir.resolve("new.sqlite3"), database);
        AtomicReference<Request> request = new AtomicReference<>();
        try (ScriptedServer server = ScriptedServer.start(peer -> {
            peer.handshake();
            request.set(peer.request());
            peer.ready(Ready.Direction.PUSH, "production");
            peer.upload();
            peer.phase("rollout");
            peer.status("rollout 000042 of production: uploading 5000 bytes to the fleet's store");
            peer.status("web-1: flipped, pause 14 µs");
            peer.status("web-2: flipped, pause 9 µs");
            peer.status("rollout 000042 of production committed: 2 of 2 nodes flipped");
            peer.exit(0, "OK");
        })) {
            CommandRun.Result run = CommandRun.in(dir).socket(server.socket())
                    .run("cp", "new.sqlite3", "production", "--fleet", "--nodes", "web-1,web-2");
            server.await();
            assertEquals(0, run.code(), run::toString);
            assertEquals("OK\n", run.stdout());
            assertTrue(run.stderr().endsWith("\nrollout 000042 of production: uploading 5000 bytes to the fleet's store\n"
                    + "web-1: flipped, pause 14 µs\nweb-2: flipped, pause 9 µs\n"
                    + "rollout 000042 of production committed: 2 of 2 nodes flipped\n"), run::toString);
        }
        assertEquals(new Request("cp", List.of(file.toString(), "production"), Map.of("size", "5000", "fleet", "true",
                "nodes", "web-1,web-2")), request.get());
    }

    @Test
    void fleetPushThatANodeRefusesShowsItsDiffAndExitsOne() throws Exception {
        Files.write(dir.resolve("new.sqlite3"), PushTest.bytes(5000, 8));
        String diff = "web-3: ERROR: schema mismatch\n- CREATE TABLE items(id INTEGER PRIMARY KEY, name TEXT, price REAL)\n"
                + "+ CREATE TABLE items(id INTEGER PRIMARY KEY, name TEXT)";
        String summary = "ERROR: rollout 000043 of production aborted: node web-3 refused; no node flipped";
        try (ScriptedServer server = ScriptedServer.start(peer -> {
            peer.handshake();
            peer.request();
            peer.ready(Ready.Direction.PUSH, "production");
            peer.upload();
            peer.status("web-1: staged, discarded (rollout aborted)");
            peer.status(diff);
            peer.exit(1, summary);
        })) {
            CommandRun.Result run = CommandRun.in(dir).socket(server.socket())
                    .run("cp", "new.sqlite3", "production", "--fleet");
            server.await();
            assertEquals(1, run.code(), run::toString);
            assertEquals("", run.stdout());
            assertTrue(run.stderr().endsWith("web-1: staged, discarded (rollout aborted)\n" + diff + "\n" + summary + "\n"),
                    run::toString);
        }
    }

    @Test
    void fleetRollbackNamesARolloutAndACount() throws Exception {
        AtomicReference<Request> request = new AtomicReference<>();
        try (ScriptedServer server = ScriptedServer.start(peer -> {
            peer.handshake();
            request.set(peer.request());
            peer.phase("rollout");
            peer.status("rollout 000044 of production: back to rollout 000041");
            peer.status("rollout 000044 of production committed: 3 of 3 nodes flipped");
            peer.exit(0, "OK");
        })) {
            CommandRun.Result run = CommandRun.in(dir).socket(server.socket())
                    .run("rollback", "production", "--fleet", "--to", "000041", "--min-nodes", "3");
            server.await();
            assertEquals(0, run.code(), run::toString);
            assertEquals("OK\n", run.stdout());
            assertEquals("rollout 000044 of production: back to rollout 000041\n"
                    + "rollout 000044 of production committed: 3 of 3 nodes flipped\n", run.stderr());
        }
        assertEquals(new Request("rollback", List.of("production"), Map.of("fleet", "true", "to", "000041",
                "min-nodes", "3")), request.get());
    }

    @Test
    void ctrlCDuringAFleetRolloutSaysTheServerGoesOn() throws Exception {
        Files.write(dir.resolve("new.sqlite3"), PushTest.bytes(5000, 9));
        ManualInterrupts interrupts = new ManualInterrupts();
        try (ScriptedServer server = ScriptedServer.start(peer -> {
            peer.handshake();
            peer.request();
            peer.ready(Ready.Direction.PUSH, "production");
            peer.upload();
            peer.phase("rollout");
            interrupts.fire();
            peer.awaitClose();
        })) {
            CommandRun.Result run = CommandRun.in(dir).socket(server.socket()).interrupts(interrupts)
                    .run("cp", "new.sqlite3", "production", "--fleet");
            server.await();
            interrupts.awaitActions();
            assertEquals(Cli.INTERRUPTED, run.code(), run::toString);
            assertTrue(run.stderr().endsWith("ERROR: interrupted after the upload: the server goes on with the fleet"
                    + " rollout of production (other servers may be about to flip); run 'hotswap ls' on the servers"
                    + " to see where it ended\n"), run::toString);
        }
    }
}
