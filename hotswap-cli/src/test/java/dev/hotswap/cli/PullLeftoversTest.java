package dev.hotswap.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.hotswap.protocol.Ready;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a pull leaves when it is cut short: a Ctrl-C that comes as the destination is being
 * replaced says that it was; a temp file that a killed pull left is deleted by the next pull to
 * the same destination, while one a running pull holds, and every file not named like ours, stay.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class PullLeftoversTest {
    /** Creates and locks a temp file the way a pull does (fcntl), says so, then waits to be killed. */
    private static final String HOLDER = String.join("\n",
            "import fcntl, sys, time",
            "f = open(sys.argv[1], 'wb')",
            "fcntl.lockf(f, fcntl.LOCK_EX)",
            "print('locked', flush=True)",
            "time.sleep(60)");
    private static final Path PYTHON = Path.of("/usr/bin/python3");

    @TempDir
    Path dir;

    @Test
    void aCtrlCAsTheDestinationIsReplacedSaysItWasReplaced() throws Exception {
        Path target = Files.writeString(dir.resolve("backup.sqlite3"), "previous backup");
        FileDestination destination = FileDestination.checked(target, "production", OptionalInt.empty());
        OutputStream out = destination.open();
        out.write(PushTest.bytes(4096, 5));
        destination.commit();

        destination.discard(); // the Ctrl-C handler's turn comes once the commit finished

        assertEquals(target + " was replaced by the whole, verified snapshot", destination.afterFailure());
        assertArrayEquals(PushTest.bytes(4096, 5), Files.readAllBytes(target));
    }

    @Test
    void aCtrlCBeforeTheCommitSaysNothingWasWritten() throws Exception {
        Path target = Files.writeString(dir.resolve("backup.sqlite3"), "previous backup");
        FileDestination destination = FileDestination.checked(target, "production", OptionalInt.empty());
        destination.open().write(PushTest.bytes(4096, 5));

        destination.discard();

        assertEquals("nothing was written to " + target, destination.afterFailure());
        assertEquals("previous backup", Files.readString(target));
        assertEquals(List.of("backup.sqlite3"), names());
    }

    @Test
    void theNextPullDeletesAKilledPullsTempFileAndNothingElse() throws Exception {
        Path precious = Files.writeString(dir.resolve("precious"), "keep");
        List<String> strangers = List.of(
                ".backup.sqlite3.not-hex.hotswap-pull",      // not our name
                ".other.sqlite3.12ab.hotswap-pull",          // another destination's
                "backup.sqlite3.12ab.hotswap-pull",          // not hidden: not ours
                ".backup.sqlite3.12ab.hotswap-pull.keep");   // a longer name
        for (String name : strangers) {
            Files.writeString(dir.resolve(name), "someone else's");
        }
        Files.createSymbolicLink(dir.resolve(".backup.sqlite3.fff.hotswap-pull"), precious); // a link, not a file
        Files.writeString(dir.resolve(".backup.sqlite3.7f3a9c01d2e4b5f6.hotswap-pull"), "half a snapshot");

        pull();

        assertEquals(Stream.concat(Stream.of(".backup.sqlite3.fff.hotswap-pull", "backup.sqlite3", "precious"),
                strangers.stream()).sorted().toList(), names());
        assertEquals("keep", Files.readString(precious));
    }

    @Test
    void aTempFileARunningPullHoldsIsLeftAloneUntilItsPullIsKilled() throws Exception {
        assumeTrue(Files.isExecutable(PYTHON), "needs " + PYTHON + " to hold a temp file in another process");
        Path held = dir.resolve(".backup.sqlite3.00c0ffee.hotswap-pull");
        Process holder = new ProcessBuilder(PYTHON.toString(), "-c", HOLDER, held.toString())
                .redirectErrorStream(true).start();
        try {
            BufferedReader said = new BufferedReader(new InputStreamReader(holder.getInputStream(), StandardCharsets.UTF_8));
            assertEquals("locked", said.readLine(), "the holder did not lock its file");

            pull();
            assertTrue(Files.exists(held), "a temp file in use was deleted");

            holder.destroyForcibly(); // SIGKILL: the kernel drops its lock
            assertTrue(holder.waitFor(10, TimeUnit.SECONDS), "the holder did not die");
            pull();
            assertFalse(Files.exists(held), "a dead pull's temp file was left");
        } finally {
            holder.destroyForcibly();
        }
    }

    private void pull() throws Exception {
        try (ScriptedServer server = ScriptedServer.start(peer -> {
            peer.handshake();
            peer.request();
            peer.ready(Ready.Direction.PULL, "production");
            peer.download(PushTest.bytes(3000, 9));
            peer.exit(0, "");
        })) {
            CommandRun.Result run = CommandRun.in(dir).socket(server.socket()).run("cp", "production", "backup.sqlite3");
            server.await();
            assertEquals(0, run.code(), run::toString);
        }
    }

    private List<String> names() throws Exception {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(file -> file.getFileName().toString()).sorted().toList();
        }
    }

    private static void assertArrayEquals(byte[] expected, byte[] actual) {
        org.junit.jupiter.api.Assertions.assertArrayEquals(expected, actual);
    }
}
