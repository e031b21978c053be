package dev.hotswap.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The CLI talks only to a server it trusts: the socket's folder must belong to a trusted user and be
 * writable by no one else, and the process on the other end must run as the CLI's own user, as
 * root, or as the user named in {@code HOTSWAP_SERVER_USER}.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ServerTrustTest {
    /** A hotswap look-alike: answers HELLO, then EXIT 1 with a line that proves the CLI listened. */
    private static final String IMPOSTOR = String.join("\n",
            "import os, socket, struct, sys",
            "def frame(t, p): return t + struct.pack('>I', len(p)) + p",
            "s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)",
            "s.bind(sys.argv[1] + '.new')",
            "s.listen(1)",
            "os.rename(sys.argv[1] + '.new', sys.argv[1])", // the path appears only once it listens
            "s.settimeout(20)",
            "c, _ = s.accept()",
            "c.settimeout(10)",
            "try:",
            "    if c.recv(11):",
            "        c.sendall(frame(b'H', b'HSWP' + struct.pack('>H', 2)))",
            "        c.sendall(frame(b'X', bytes([1]) + b'ERROR: the impostor was believed'))",
            "        c.recv(1)",
            "except OSError:",
            "    pass",
            "c.close()");
    private static final Path PYTHON = Path.of("/usr/bin/python3");

    private Path dir;
    private Process impostor;

    @AfterEach
    void cleanUp() throws IOException {
        if (impostor != null) {
            impostor.destroyForcibly();
        }
        if (dir != null) {
            try (Stream<Path> files = Files.walk(dir)) {
                for (Path path : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(path);
                }
            }
        }
    }

    @Test
    void refusesASocketInAFolderOthersMayWriteInto() throws Exception {
        try (ScriptedServer server = ScriptedServer.start(peer -> peer.awaitClose())) {
            Path folder = server.socket().getParent();
            Files.setPosixFilePermissions(folder, PosixFilePermissions.fromString("rwxrwxrwx"));
            String me = Files.getOwner(folder).getName();

            CommandRun.Result run = CommandRun.in(folder).socket(server.socket()).run("ls");

            assertEquals(3, run.code(), run::toString);
            assertEquals("ERROR: refusing the hotswap socket " + server.socket() + ": socket folder " + folder
                    + " (mode 0777, owner " + me + ") is not private: group or others may write into it, so anyone"
                    + " who can write there could replace the socket. Make it owned by " + me
                    + " and mode 0700 (chmod 700 " + folder + "), or use another socket path\n", run.stderr());
            Files.setPosixFilePermissions(folder, PosixFilePermissions.fromString("rwx------"));
        }
    }

    @Test
    void refusesAServerRunningAsAnotherUser() throws Exception {
        Path socket = startImpostorAsNobody();

        CommandRun.Result run = CommandRun.in(dir).socket(socket).run("version", "--server");

        assertEquals(3, run.code(), run::toString);
        assertTrue(run.stderr().equals("ERROR: refusing the hotswap socket " + socket + ": the server runs as"
                + " nobody, and this command trusts only root; if nobody is the app's user, set HOTSWAP_SERVER_USER=nobody\n"),
                run::toString);
    }

    @Test
    void talksToTheUserNamedInHotswapServerUser() throws Exception {
        Path socket = startImpostorAsNobody();

        CommandRun.Result run = CommandRun.in(dir).socket(socket).variable("HOTSWAP_SERVER_USER", "nobody")
                .run("version", "--server");

        assertEquals(1, run.code(), run::toString);
        assertTrue(run.stderr().endsWith("ERROR: the impostor was believed\n"), run::toString);
    }

    @Test
    void anUnknownServerUserIsAUsageError() throws Exception {
        try (ScriptedServer server = ScriptedServer.start()) {
            CommandRun.Result run = CommandRun.in(server.socket().getParent()).socket(server.socket())
                    .variable("HOTSWAP_SERVER_USER", "no-such-user-here").run("ls");

            assertEquals(2, run.code(), run::toString);
            assertEquals("ERROR: HOTSWAP_SERVER_USER names no user: no-such-user-here\n", run.stderr());
        }
    }

    private static String me() throws IOException {
        return Files.getOwner(Path.of("/proc/self")).getName();
    }

    /**
     * Runs the impostor as nobody on a socket it binds in a folder of its own, then moves that socket
     * into a private folder of ours: only the peer's credentials can tell it from a real server.
     */
    private Path startImpostorAsNobody() throws Exception {
        assumeTrue(me().equals("root"), "needs root to run a server as another user (running as " + me() + ")");
        assumeTrue(Files.isExecutable(Path.of("/usr/sbin/runuser")) || Files.isExecutable(Path.of("/sbin/runuser")),
                "needs runuser (util-linux) to run a server as nobody");
        assumeTrue(Files.isExecutable(PYTHON), "needs " + PYTHON + " for the server that runs as nobody");
        UserPrincipal nobody;
        try {
            nobody = Path.of("/").getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("nobody");
        } catch (IOException e) {
            assumeTrue(false, "needs a user nobody: " + e);
            return null;
        }
        dir = Files.createTempDirectory(Path.of("/tmp"), "hs");
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx--x--x"));
        Path theirs = Files.createDirectory(dir.resolve("n"));
        Files.setOwner(theirs, nobody);
        Path ours = Files.createDirectory(dir.resolve("s"), PosixFilePermissions.asFileAttribute(
                PosixFilePermissions.fromString("rwx------")));
        Path bound = theirs.resolve("s.sock");
        impostor = new ProcessBuilder("runuser", "-u", "nobody", "--", PYTHON.toString(), "-c", IMPOSTOR,
                bound.toString()).redirectErrorStream(true).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!Files.exists(bound, LinkOption.NOFOLLOW_LINKS)) {
            assertTrue(impostor.isAlive(), () -> "the impostor died: " + output());
            assertTrue(System.nanoTime() < deadline, "the impostor did not bind " + bound + " within 10 s");
            Thread.sleep(20);
        }
        return Files.move(bound, ours.resolve("hotswap.sock"));
    }

    private String output() {
        try {
            return new String(impostor.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return e.toString();
        }
    }
}
