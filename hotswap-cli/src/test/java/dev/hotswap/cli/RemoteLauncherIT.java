package dev.hotswap.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hotswap.protocol.Protocol;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The built image's launcher against a real engine on "another host": a real OpenSSH server on
 * loopback ({@link LoopbackSshd}) whose login runs the same image's {@code hotswap relay}. Push,
 * pull into an older backup, rollback and ls, as {@code HOST:PATH}, and every failure on the way.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class RemoteLauncherIT {
    private static final String REMOTE_HOTSWAP = Launcher.IMAGE.resolve("bin/hotswap").toAbsolutePath().toString();
    private static LoopbackSshd sshd;

    @TempDir
    Path dir;

    private EngineServer server;

    @BeforeAll
    static void startSshd() throws Exception {
        sshd = LoopbackSshd.start();
    }

    @AfterAll
    static void stopSshd() throws Exception {
        if (sshd != null) {
            sshd.close();
        }
    }

    @BeforeEach
    void startEngine() throws Exception {
        server = EngineServer.start();
    }

    @AfterEach
    void stopEngine() throws Exception {
        server.close();
    }

    /** {@code hotswap --rsh 'ssh -F CONFIG' --remote-hotswap IMAGE args...}. */
    private Launcher.Outcome overSsh(byte[] stdin, String... args) throws Exception {
        return hotswap(stdin, sshd.rsh(), args);
    }

    private Launcher.Outcome hotswap(byte[] stdin, String rsh, String... args) throws Exception {
        return new Launcher(dir).run(Map.of(), stdin, withRemote(rsh, args));
    }

    private static String[] withRemote(String rsh, String... args) {
        List<String> line = new ArrayList<>(List.of("--rsh", rsh, "--remote-hotswap", REMOTE_HOTSWAP));
        line.addAll(List.of(args));
        return line.toArray(String[]::new);
    }

    @Test
    void pushPullIntoAnOlderBackupRollbackAndListOverSsh() throws Exception {
        Path backup = Files.copy(server.live, dir.resolve("backup.sqlite3")); // version 1
        EngineServer.database(dir.resolve("new.sqlite3"), 7);

        Launcher.Outcome push = overSsh(new byte[0], "cp", "new.sqlite3", "prod:" + server.live);
        assertEquals(0, push.code(), push::toString);
        assertEquals("OK\n", push.stdout());
        assertTrue(push.stderr().contains(" by delta in "), "a delta is the default over ssh: " + push);
        assertEquals(7, server.liveVersion());

        // By name, the remote side needs its socket: --socket names it on that host.
        String socket = server.socket.toString();
        Launcher.Outcome pull = overSsh(new byte[0], "--socket", socket, "cp", "prod:production", "backup.sqlite3");
        assertEquals(0, pull.code(), pull::toString);
        assertTrue(pull.stderr().contains(" by delta"), "a pull into an older copy is a delta: " + pull);
        assertEquals(7, EngineServer.version(backup));

        Launcher.Outcome ls = overSsh(new byte[0], "ls", "prod:" + server.live);
        Launcher.Outcome byName = overSsh(new byte[0], "ls", "prod:");
        assertEquals(3, byName.code(), "the remote home has no default socket: " + byName);
        assertTrue(byName.stderr().contains("failed (exit 3): no hotswap server at "), byName::toString);
        assertEquals(0, ls.code(), ls::toString);
        assertTrue(ls.stdout().lines().anyMatch(line -> line.matches("production +2 +current .*")), ls::toString);

        Launcher.Outcome rollback = overSsh(new byte[0], "rollback", "--socket", socket, "prod:production");
        assertEquals(0, rollback.code(), rollback::toString);
        assertEquals("OK\n", rollback.stdout());
        assertEquals(1, server.liveVersion());

        Launcher.Outcome full = overSsh(new byte[0], "cp", "--full", "prod:" + server.live, "-");
        assertEquals(0, full.code(), full::toString);
        assertFalse(full.stderr().contains("by delta"), full::toString);
        assertEquals(1, EngineServer.version(Files.write(dir.resolve("full.sqlite3"), full.stdoutBytes())));
    }

    /** What runs on prod before a push: this CLI's line, then the remote engine's, found beside its database. */
    @Test
    void versionServerPrintsTheRemoteEnginesVersionOverSsh() throws Exception {
        String expected = "hotswap \\S+\nhotswap-engine \\S+ protocol " + Protocol.VERSION + "\n";
        Launcher.Outcome byPath = overSsh(new byte[0], "version", "--server", "prod:" + server.live);
        assertEquals(0, byPath.code(), byPath::toString);
        assertTrue(byPath.stdout().matches(expected), byPath::toString);
        Launcher.Outcome byName = overSsh(new byte[0], "--socket", server.socket.toString(), "version", "--server",
                "prod:production");
        assertEquals(0, byName.code(), byName::toString);
        assertEquals(byPath.stdout(), byName.stdout());

        server.stop();
        Launcher.Outcome down = overSsh(new byte[0], "version", "--server", "prod:" + server.live);
        assertEquals(3, down.code(), down::toString);
        assertEquals(byPath.stdout().lines().findFirst().orElseThrow() + "\n", down.stdout(), "this CLI's line comes first");
        assertEquals(1, down.stderr().lines().count(), down::toString);
        assertTrue(down.stderr().startsWith("ERROR: 'ssh -F " + sshd.clientConfig + " prod " + REMOTE_HOTSWAP
                + " relay -- " + server.live + "' failed (exit 3): "), down::toString);
    }

    @Test
    void aPathWithSpacesAndQuotesReachesTheRemoteShellIntact() throws Exception {
        Path odd = Files.createDirectories(dir.resolve("it's a \"db\" $HOME"));
        Path live = EngineServer.database(odd.resolve("odd db.sqlite3"), 1);
        server.close();
        server = EngineServer.start(builder -> builder.database("odd", live));
        EngineServer.database(dir.resolve("new.sqlite3"), 9);
        Launcher.Outcome push = overSsh(new byte[0], "cp", "new.sqlite3", "prod:" + live);
        assertEquals(0, push.code(), push::toString);
        assertEquals(9, EngineServer.version(live));
    }

    @Test
    void aTransportThatExecsWithoutAShellWorksAsKubectlExecDoes() throws Exception {
        // Plays `kubectl exec -i POD -- COMMAND...`: no shell on the way, the words run as they are.
        Path kubectl = Files.writeString(dir.resolve("kubectl"), String.join("\n",
                "#!/bin/sh",
                "[ \"$1\" = exec ] && [ \"$2\" = -i ] || { echo \"kubectl: unknown command $1\" >&2; exit 1; }",
                "shift 2",
                "pod=$1; shift",
                "exec \"$@\"", ""));
        Files.setPosixFilePermissions(kubectl, PosixFilePermissions.fromString("rwx------"));
        EngineServer.database(dir.resolve("new.sqlite3"), 5);
        String rsh = kubectl + " exec -i";
        Launcher.Outcome push = hotswap(new byte[0], rsh, "cp", "new.sqlite3", "web-0:" + server.live);
        assertEquals(0, push.code(), push::toString);
        assertEquals(5, server.liveVersion());
        Launcher.Outcome pull = hotswap(new byte[0], rsh, "cp", "web-0:" + server.live, "-");
        assertEquals(0, pull.code(), pull::toString);
        assertEquals(5, EngineServer.version(Files.write(dir.resolve("pulled.sqlite3"), pull.stdoutBytes())));
    }

    @Test
    void aRefusedPushKeepsItsDiffAndExitOne() throws Exception {
        EngineServer.run(dir.resolve("other.sqlite3"),
                "CREATE TABLE meta (version INTEGER NOT NULL)",
                "CREATE TABLE posts (id INTEGER PRIMARY KEY, title TEXT NOT NULL, draft INTEGER)");
        Launcher.Outcome schema = overSsh(new byte[0], "cp", "other.sqlite3", "prod:" + server.live);
        assertEquals(1, schema.code(), schema::toString);
        assertEquals("", schema.stdout());
        assertTrue(schema.stderr().endsWith("ERROR: schema mismatch\n"
                + "- CREATE TABLE posts (id INTEGER PRIMARY KEY, title TEXT NOT NULL)\n"
                + "+ CREATE TABLE posts (id INTEGER PRIMARY KEY, title TEXT NOT NULL, draft INTEGER)\n"),
                schema::toString);
        assertEquals(1, server.liveVersion());
    }

    @Test
    void anUnreachableHostExitsThreeNamingTheCommandAndWhatSshSaid() throws Exception {
        EngineServer.database(dir.resolve("new.sqlite3"), 7);
        Launcher.Outcome down = overSsh(new byte[0], "cp", "new.sqlite3", "down:" + server.live);
        assertEquals(3, down.code(), down::toString);
        assertOneErrorLine(down, "ERROR: 'ssh -F " + sshd.clientConfig + " down " + REMOTE_HOTSWAP + " relay -- "
                + server.live + "' failed (exit 255): ");
        assertTrue(down.stderr().contains("Connection refused"), down::toString);
        assertEquals(1, server.liveVersion());
    }

    @Test
    void aMissingTransportExitsThree() throws Exception {
        Launcher.Outcome missing = hotswap(new byte[0], dir.resolve("no-such-ssh") + " -x", "ls", "prod:");
        assertEquals(3, missing.code(), missing::toString);
        assertOneErrorLine(missing, "ERROR: cannot run the remote shell '" + dir.resolve("no-such-ssh") + " -x prod "
                + REMOTE_HOTSWAP + " relay': no such program (choose it with --rsh CMD or HOTSWAP_RSH)");
    }

    @Test
    void aMissingRemoteProgramExitsThreeWithTheShellsWord() throws Exception {
        Launcher.Outcome missing = new Launcher(dir).run(Map.of(), new byte[0], "--rsh", sshd.rsh(),
                "--remote-hotswap", "/nonexistent/hotswap", "ls", "prod:");
        assertEquals(3, missing.code(), missing::toString);
        assertOneErrorLine(missing, "ERROR: 'ssh -F " + sshd.clientConfig + " prod /nonexistent/hotswap relay'"
                + " failed (exit 127): ");
        assertTrue(missing.stderr().contains("/nonexistent/hotswap")
                && missing.stderr().contains("(is hotswap installed there? Name it with --remote-hotswap PATH"),
                missing::toString);
    }

    @Test
    void aRemoteProgramWithoutTheRelayCommandIsCalledTooOld() throws Exception {
        // An older hotswap: any program that answers "relay" with a usage error, as picocli does.
        Path old = Files.writeString(dir.resolve("old-hotswap"), String.join("\n", "#!/bin/sh",
                "echo \"ERROR: Unmatched argument at index 0: '$1'\" >&2", "exit 2", ""));
        Files.setPosixFilePermissions(old, PosixFilePermissions.fromString("rwx------"));
        Launcher.Outcome outcome = new Launcher(dir).run(Map.of(), new byte[0], "--rsh", sshd.rsh(),
                "--remote-hotswap", old.toString(), "ls", "prod:");
        assertEquals(3, outcome.code(), outcome::toString);
        assertOneErrorLine(outcome, "ERROR: 'ssh -F " + sshd.clientConfig + " prod " + old + " relay' failed (exit 2): "
                + "Unmatched argument at index 0: 'relay' (the remote hotswap is older than this one: it has no relay command)");
    }

    @Test
    void aStoppedRemoteServerExitsThreeWithTheRelaysError() throws Exception {
        server.stop();
        EngineServer.database(dir.resolve("new.sqlite3"), 7);
        Launcher.Outcome outcome = overSsh(new byte[0], "cp", "new.sqlite3", "prod:" + server.live);
        assertEquals(3, outcome.code(), outcome::toString);
        assertOneErrorLine(outcome, "ERROR: 'ssh -F " + sshd.clientConfig + " prod " + REMOTE_HOTSWAP + " relay -- "
                + server.live + "' failed (exit 3): ");
        assertTrue(outcome.stderr().contains("no hotswap server at ") || outcome.stderr().contains("cannot connect"),
                outcome::toString);
    }

    @Test
    void interruptingARemotePushAbortsItOnTheServer() throws Exception {
        byte[] before = Files.readAllBytes(server.live);
        Path folder = server.generation(1).getParent();
        Launcher.Launched launched = new Launcher(dir).start(Map.of(),
                withRemote(sshd.rsh(), "cp", "--full", "-", "prod:" + server.live));
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
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (incoming(folder).isEmpty()) {
            assertTrue(System.nanoTime() < deadline && launched.process.isAlive(),
                    "the server never started receiving the push");
            Thread.sleep(20);
        }
        boolean sigint = !ignoresSigint();
        // SIGINT is Ctrl-C; a CI that starts tests in the background may have set children to
        // ignore it, and then SIGTERM runs the same shutdown hook.
        new ProcessBuilder("kill", sigint ? "-INT" : "-TERM", Long.toString(launched.process.pid())).start()
                .waitFor(10, TimeUnit.SECONDS);
        Launcher.Outcome outcome = launched.await();
        assertEquals(sigint ? 130 : 143, outcome.code(), outcome::toString);
        assertTrue(outcome.stderr().endsWith("ERROR: interrupted: the upload was aborted and the server discards it; "
                + "production is unchanged\n"), outcome::toString);
        deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!incoming(folder).isEmpty()) {
            assertTrue(System.nanoTime() < deadline, "the server kept its temp file: " + incoming(folder));
            Thread.sleep(20);
        }
        assertArrayEquals(before, Files.readAllBytes(server.live));
        assertEquals(1, server.liveVersion());
    }

    private static List<Path> incoming(Path folder) throws IOException {
        try (Stream<Path> files = Files.list(folder)) {
            return files.filter(file -> file.getFileName().toString().startsWith(".incoming")).toList();
        }
    }

    /** Whether this JVM ignores SIGINT, which the processes it starts then inherit. */
    private static boolean ignoresSigint() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"), StandardCharsets.UTF_8)) {
            if (line.startsWith("SigIgn:")) {
                return (Long.parseUnsignedLong(line.substring(7).strip(), 16) & 0x2) != 0;
            }
        }
        return false;
    }

    private static void assertOneErrorLine(Launcher.Outcome outcome, String start) {
        assertEquals("", outcome.stdout(), outcome::toString);
        assertEquals(1, outcome.stderr().lines().count(), outcome::toString);
        assertTrue(outcome.stderr().startsWith(start), "expected it to start with\n" + start + "\n" + outcome);
    }
}
