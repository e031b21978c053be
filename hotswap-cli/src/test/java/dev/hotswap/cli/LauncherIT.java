package dev.hotswap.cli;

import static dev.hotswap.cli.PushTest.bytes;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hotswap.protocol.Frame;
import dev.hotswap.protocol.FrameType;
import dev.hotswap.protocol.Ready;
import dev.hotswap.protocol.Request;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The built image's launcher, {@code target/hotswap/bin/hotswap}, run as a user would; {@code version}
 * also on the unpacked archive and the runnable jar ({@link Distribution}).
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class LauncherIT {
    private static final Path IMAGE = Launcher.IMAGE;

    @TempDir
    Path dir;

    private Launcher.Launched start(Map<String, String> environment, String... args) throws IOException {
        return new Launcher(dir).start(environment, args);
    }

    private Launcher.Outcome run(Map<String, String> environment, byte[] stdin, String... args) throws Exception {
        return new Launcher(dir).run(environment, stdin, args);
    }

    private Launcher.Outcome run(String... args) throws Exception {
        return run(Map.of(), new byte[0], args);
    }

    @ParameterizedTest
    @EnumSource(Distribution.class)
    void versionPrintsTheProjectVersionAndNothingElse(Distribution distribution) throws Exception {
        // The jar runs on whatever Java the host has: its line names the jar and that Java.
        String expected = "hotswap " + System.getProperty("project.version") + (distribution != Distribution.JAR ? ""
                : " (" + Distribution.RUNNABLE_JAR.getFileName() + ", Java " + System.getProperty("java.version") + ")");
        for (String command : List.of("version", "--version")) {
            Launcher.Outcome outcome = new Launcher(dir, distribution).run(Map.of(), new byte[0], command);
            assertEquals(0, outcome.code(), outcome::toString);
            assertEquals(expected + "\n", outcome.stdout(), command);
            assertEquals("", outcome.stderr(), "no JVM or CDS warnings on stderr");
        }
    }

    @Test
    void theImageHoldsOnlyTheCliItsDependenciesJavaBaseAndJdkNet() throws Exception {
        Process process = new ProcessBuilder(IMAGE.resolve("bin/java").toString(), "--list-modules").start();
        String listing = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(30, TimeUnit.SECONDS));
        Set<String> modules = Arrays.stream(listing.split("\n"))
                .map(line -> line.replaceAll("@.*", "").strip())
                .filter(line -> !line.isEmpty())
                .collect(Collectors.toSet());
        assertEquals(Set.of("dev.hotswap.cli", "dev.hotswap.protocol", "info.picocli", "java.base", "jdk.net"), modules);
        assertTrue(Files.exists(IMAGE.resolve("lib/server/classes.jsa")), "the CDS archive is missing");
    }

    @Test
    void helpSucceedsAndUsageErrorsExitTwo() throws Exception {
        Launcher.Outcome help = run("cp", "--help");
        assertEquals(0, help.code(), help::toString);
        assertTrue(help.stdout().startsWith("Usage: hotswap cp"), help::toString);
        Launcher.Outcome usage = run("cp", "only-one");
        assertEquals(2, usage.code(), usage::toString);
        assertTrue(usage.stderr().startsWith("ERROR: Missing required parameter: 'DST'\n"), usage::toString);
        Launcher.Outcome rollbackHelp = run("rollback", "--help");
        assertEquals(0, rollbackHelp.code(), rollbackHelp::toString);
        assertTrue(rollbackHelp.stdout().startsWith("Usage: hotswap rollback"), rollbackHelp::toString);
        Launcher.Outcome rollbackUsage = run("rollback", "--to", "last", "production");
        assertEquals(2, rollbackUsage.code(), rollbackUsage::toString);
        assertEquals("", rollbackUsage.stdout());
        assertTrue(rollbackUsage.stderr().startsWith("ERROR: --to takes a generation id (1 or more), not last\n"),
                rollbackUsage::toString);
    }

    @Test
    void rollbackPrintsOkOnlyAfterTheServersExit() throws Exception {
        AtomicReference<Request> request = new AtomicReference<>();
        try (ScriptedServer server = ScriptedServer.start(peer -> {
            peer.handshake();
            request.set(peer.request());
            peer.status("generation 4 is live (was 5)");
            peer.exit(0, "OK");
        }, peer -> {
            peer.handshake();
            peer.request();
            peer.exit(1, "ERROR: another push or rollback of production is in progress");
        })) {
            Map<String, String> socket = Map.of(SocketOption.VARIABLE, server.socket().toString());
            Launcher.Outcome done = run(socket, new byte[0], "rollback", "production", "--to", "4");
            assertEquals(0, done.code(), done::toString);
            assertEquals("OK\n", done.stdout());
            assertEquals("generation 4 is live (was 5)\n", done.stderr());
            Launcher.Outcome busy = run(socket, new byte[0], "rollback", "production");
            assertEquals(1, busy.code(), busy::toString);
            assertEquals("", busy.stdout());
            assertEquals("ERROR: another push or rollback of production is in progress\n", busy.stderr());
            server.await();
        }
        assertEquals(new Request("rollback", List.of("production"), Map.of("to", "4")), request.get());
    }

    @Test
    void noServerExitsThreeNamingTheSocketUnderTheWorkingDirectory() throws Exception {
        Launcher.Outcome outcome = run("cp", "new.sqlite3", "production");
        assertEquals(3, outcome.code(), outcome::toString);
        assertEquals("", outcome.stdout());
        assertEquals("ERROR: no hotswap server at " + dir.toRealPath().resolve("tmp/sockets/hotswap.sock")
                + ": no such socket (is the app running? Use --socket PATH or HOTSWAP_SOCKET)\n", outcome.stderr());
    }

    @Test
    void pushFromStdinThenPullToStdout() throws Exception {
        byte[] database = bytes(500_000, 31);
        AtomicReference<byte[]> received = new AtomicReference<>();
        try (ScriptedServer server = ScriptedServer.start(peer -> {
            peer.handshake();
            peer.request();
            peer.ready(Ready.Direction.PUSH, "production");
            received.set(peer.upload());
            peer.status("Swapped production");
            peer.exit(0, "OK");
        }, peer -> {
            peer.handshake();
            peer.request();
            peer.ready(Ready.Direction.PULL, "production");
            peer.download(received.get());
            peer.exit(0, "");
        })) {
            Map<String, String> socket = Map.of(SocketOption.VARIABLE, server.socket().toString());
            Launcher.Outcome push = run(socket, database, "cp", "-", "production");
            assertEquals(0, push.code(), push::toString);
            assertEquals("OK\n", push.stdout());
            assertTrue(push.stderr().endsWith("Swapped production\n"), push::toString);

            Launcher.Outcome pull = run(socket, new byte[0], "cp", "production", "-");
            assertEquals(0, pull.code(), pull::toString);
            assertArrayEquals(database, pull.stdoutBytes());
            server.await();
        }
    }

    @Test
    void relativePathsAreResolvedAgainstTheWorkingDirectory() throws Exception {
        byte[] database = bytes(100_000, 32);
        Files.write(dir.resolve("new.sqlite3"), database);
        AtomicReference<Request> pushRequest = new AtomicReference<>();
        try (ScriptedServer server = ScriptedServer.start(peer -> {
            peer.handshake();
            pushRequest.set(peer.request());
            peer.ready(Ready.Direction.PUSH, "production");
            assertArrayEquals(database, peer.upload());
            peer.exit(0, "OK");
        }, peer -> {
            peer.handshake();
            peer.request();
            peer.ready(Ready.Direction.PULL, "production");
            peer.download(database);
            peer.exit(0, "");
        })) {
            Launcher.Outcome push = run(Map.of(), new byte[0], "cp", "--socket", server.socket().toString(),
                    "new.sqlite3", "production");
            assertEquals(0, push.code(), push::toString);
            Launcher.Outcome pull = run(Map.of(), new byte[0], "cp", "--socket", server.socket().toString(),
                    "production", "backups/../backup.sqlite3");
            assertEquals(1, pull.code(), "backups/ does not exist: " + pull);
            server.await();
        }
        assertEquals(new Request("cp", List.of(dir.toRealPath().resolve("new.sqlite3").toString(), "production"),
                Map.of("size", Integer.toString(database.length))), pushRequest.get());
    }

    @Test
    void pullToAFileInTheWorkingDirectory() throws Exception {
        byte[] database = bytes(100_000, 33);
        try (ScriptedServer server = ScriptedServer.start(peer -> {
            peer.handshake();
            peer.request();
            peer.ready(Ready.Direction.PULL, "production");
            peer.download(database);
            peer.exit(0, "");
        })) {
            Launcher.Outcome pull = run(Map.of(SocketOption.VARIABLE, server.socket().toString()), new byte[0],
                    "cp", "production", "backup.sqlite3");
            assertEquals(0, pull.code(), pull::toString);
            assertEquals("", pull.stdout());
            server.await();
        }
        assertArrayEquals(database, Files.readAllBytes(dir.resolve("backup.sqlite3")));
        try (var files = Files.list(dir)) {
            assertEquals(List.of(dir.resolve("backup.sqlite3")), files.toList());
        }
    }

    @Test
    void aSignalDuringAPushSendsAbort() throws Exception {
        CountDownLatch uploading = new CountDownLatch(1);
        AtomicReference<Frame> abort = new AtomicReference<>();
        try (ScriptedServer server = ScriptedServer.start(peer -> {
            peer.handshake();
            peer.request();
            peer.ready(Ready.Direction.PUSH, "production");
            assertEquals(FrameType.DATA_IN, peer.next().type());
            uploading.countDown();
            abort.set(peer.drainUntil(FrameType.ABORT));
        })) {
            Launcher.Launched launched = start(Map.of(SocketOption.VARIABLE, server.socket().toString()),
                    "cp", "-", "production");
            Thread feeder = new Thread(() -> {
                byte[] chunk = new byte[1 << 16];
                try (OutputStream in = launched.process.getOutputStream()) {
                    while (true) {
                        in.write(chunk);
                    }
                } catch (IOException processGone) {
                    // the command exited
                }
            });
            feeder.setDaemon(true);
            feeder.start();
            assertTrue(uploading.await(30, TimeUnit.SECONDS), "the upload never started");
            // SIGTERM runs the same shutdown hook as Ctrl-C's SIGINT (which a CI may have set to
            // be ignored by child processes). Through the handle: Process.destroy() would also
            // close our ends of the pipes and lose the last line on stderr.
            launched.process.toHandle().destroy();
            Launcher.Outcome outcome = launched.await();
            server.await();
            assertEquals(128 + 15, outcome.code(), outcome::toString);
            assertTrue(outcome.stderr().endsWith("ERROR: interrupted: the upload was aborted and the server"
                    + " discards it; production is unchanged\n"), outcome::toString);
        }
        assertNotNull(abort.get(), "the server never saw ABORT");
        assertEquals("interrupted", abort.get().text());
    }
}
