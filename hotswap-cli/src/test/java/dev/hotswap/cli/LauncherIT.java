package dev.hotswap.cli;

import static dev.hotswap.cli.PushTest.bytes;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.hotswap.protocol.Frame;
import dev.hotswap.protocol.FrameType;
import dev.hotswap.protocol.Ready;
import dev.hotswap.protocol.Request;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
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

/** The built image's launcher, {@code target/hotswap/bin/hotswap}, run as a user would. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class LauncherIT {
    private static final Path IMAGE = Path.of(System.getProperty("hotswap.image", "target/hotswap"));
    private static final Path LAUNCHER = IMAGE.resolve("bin/hotswap");

    @TempDir
    Path dir;

    /** What a process left behind. */
    record Outcome(int code, byte[] stdoutBytes, String stderr) {
        String stdout() {
            return new String(stdoutBytes, StandardCharsets.UTF_8);
        }

        @Override
        public String toString() {
            return "exit " + code + "\n--- stdout\n" + stdout() + "\n--- stderr\n" + stderr;
        }
    }

    /** A started process whose output is being collected. */
    static final class Launched {
        final Process process;
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();
        private final ByteArrayOutputStream err = new ByteArrayOutputStream();
        private final Thread outReader;
        private final Thread errReader;

        Launched(Process process) {
            this.process = process;
            outReader = pump(process.getInputStream(), out);
            errReader = pump(process.getErrorStream(), err);
        }

        Outcome await() throws InterruptedException {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                fail("hotswap did not finish within 30 s");
            }
            outReader.join(5000);
            errReader.join(5000);
            return new Outcome(process.exitValue(), out.toByteArray(), err.toString(StandardCharsets.UTF_8));
        }

        private static Thread pump(InputStream from, ByteArrayOutputStream to) {
            Thread thread = new Thread(() -> {
                try {
                    from.transferTo(to);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
            thread.setDaemon(true);
            thread.start();
            return thread;
        }
    }

    private Launched start(Map<String, String> environment, String... args) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(concat(LAUNCHER.toString(), args)).directory(dir.toFile());
        builder.environment().remove(SocketOption.VARIABLE);
        builder.environment().remove("JAVA_TOOL_OPTIONS");
        builder.environment().putAll(environment);
        return new Launched(builder.start());
    }

    private Outcome run(Map<String, String> environment, byte[] stdin, String... args) throws Exception {
        Launched launched = start(environment, args);
        try (OutputStream in = launched.process.getOutputStream()) {
            in.write(stdin);
        } catch (IOException closedEarly) {
            // the command did not read all of stdin: its exit code says why
        }
        return launched.await();
    }

    private Outcome run(String... args) throws Exception {
        return run(Map.of(), new byte[0], args);
    }

    private static String[] concat(String first, String... rest) {
        String[] all = new String[rest.length + 1];
        all[0] = first;
        System.arraycopy(rest, 0, all, 1, rest.length);
        return all;
    }

    @Test
    void versionPrintsTheProjectVersionAndNothingElse() throws Exception {
        Outcome outcome = run("version");
        assertEquals(0, outcome.code(), outcome::toString);
        assertEquals("hotswap " + System.getProperty("project.version") + "\n", outcome.stdout());
        assertEquals("", outcome.stderr(), "no JVM or CDS warnings on stderr");
    }

    @Test
    void theImageHoldsOnlyTheCliItsDependenciesAndJavaBase() throws Exception {
        Process process = new ProcessBuilder(IMAGE.resolve("bin/java").toString(), "--list-modules").start();
        String listing = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(30, TimeUnit.SECONDS));
        Set<String> modules = Arrays.stream(listing.split("\n"))
                .map(line -> line.replaceAll("@.*", "").strip())
                .filter(line -> !line.isEmpty())
                .collect(Collectors.toSet());
        assertEquals(Set.of("dev.hotswap.cli", "dev.hotswap.protocol", "info.picocli", "java.base"), modules);
        assertTrue(Files.exists(IMAGE.resolve("lib/server/classes.jsa")), "the CDS archive is missing");
    }

    @Test
    void helpSucceedsAndUsageErrorsExitTwo() throws Exception {
        Outcome help = run("cp", "--help");
        assertEquals(0, help.code(), help::toString);
        assertTrue(help.stdout().startsWith("Usage: hotswap cp"), help::toString);
        Outcome usage = run("cp", "only-one");
        assertEquals(2, usage.code(), usage::toString);
        assertTrue(usage.stderr().startsWith("ERROR: Missing required parameter: 'DST'\n"), usage::toString);
    }

    @Test
    void noServerExitsThreeNamingTheSocketUnderTheWorkingDirectory() throws Exception {
        Outcome outcome = run("cp", "new.sqlite3", "production");
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
            Outcome push = run(socket, database, "cp", "-", "production");
            assertEquals(0, push.code(), push::toString);
            assertEquals("OK\n", push.stdout());
            assertTrue(push.stderr().endsWith("Swapped production\n"), push::toString);

            Outcome pull = run(socket, new byte[0], "cp", "production", "-");
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
            Outcome push = run(Map.of(), new byte[0], "cp", "--socket", server.socket().toString(),
                    "new.sqlite3", "production");
            assertEquals(0, push.code(), push::toString);
            Outcome pull = run(Map.of(), new byte[0], "cp", "--socket", server.socket().toString(),
                    "production", "backups/../backup.sqlite3");
            assertEquals(1, pull.code(), "backups/ does not exist: " + pull);
            server.await();
        }
        assertEquals(new Request("cp", List.of(dir.toRealPath().resolve("new.sqlite3").toString(), "production"),
                Map.of()), pushRequest.get());
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
            Outcome pull = run(Map.of(SocketOption.VARIABLE, server.socket().toString()), new byte[0],
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
            Launched launched = start(Map.of(SocketOption.VARIABLE, server.socket().toString()),
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
            Outcome outcome = launched.await();
            server.await();
            assertEquals(128 + 15, outcome.code(), outcome::toString);
            assertTrue(outcome.stderr().endsWith("ERROR: interrupted: the upload was aborted and the server"
                    + " discards it; production is unchanged\n"), outcome::toString);
        }
        assertNotNull(abort.get(), "the server never saw ABORT");
        assertEquals("interrupted", abort.get().text());
    }
}
