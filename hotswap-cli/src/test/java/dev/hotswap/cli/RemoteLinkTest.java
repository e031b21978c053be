package dev.hotswap.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A remote link that breaks after the handshake: a stand-in transport (Python, as {@code .ci/run}
 * installs it) carries the conversation to a real engine's socket, as ssh and the remote relay do,
 * then dies the way ssh does when the network goes.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RemoteLinkTest {
    private static final Path PYTHON = Path.of("/usr/bin/python3");
    /** Bytes the stand-in carries to the server before it dies: past the handshake, well inside the upload. */
    private static final int CARRIED = 256 * 1024;
    private static final String LAST_WORDS = "client_loop: send disconnect: Broken pipe";

    @TempDir
    Path dir;

    @Test
    void aTransportThatDiesMidPushIsNamedWithWhatItSaidAndTheLiveDatabaseIsUntouched() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(PYTHON), "needs " + PYTHON + " for the stand-in transport");
        Path transport = standInThatDiesAfter(CARRIED);
        try (EngineServer server = EngineServer.start()) {
            Path next = EngineServer.run(EngineServer.database(dir.resolve("next.sqlite3"), 2),
                    "CREATE TABLE filler (body BLOB)",
                    "WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < 512) "
                            + "INSERT INTO filler SELECT randomblob(4096) FROM n");
            byte[] live = Files.readAllBytes(server.live);

            CommandRun.Result run = CommandRun.in(dir).run("--rsh", PYTHON + " " + transport,
                    "--socket", server.socket.toString(), "cp", "--full", "next.sqlite3", "prod:production");

            assertEquals(1, run.code(), run::toString);
            String error = run.stderr().lines().filter(line -> line.startsWith("ERROR: ")).findFirst().orElse("");
            assertTrue(error.startsWith("ERROR: the server closed the connection during the upload, after "),
                    run::toString);
            assertTrue(error.contains("; production is unchanged ('"), run::toString);
            assertTrue(error.endsWith(" ('" + PYTHON + " " + transport + " prod hotswap relay --socket "
                    + server.socket + " -- production' exited 255: " + LAST_WORDS + ")"), run::toString);
            assertArrayEquals(live, Files.readAllBytes(server.live));
            assertEquals(1, EngineServer.version(server.live));
        }
    }

    /**
     * A transport that connects to the socket named after {@code --socket} in its words, copies both
     * ways, and after {@code bytes} from the CLI says what ssh says when the network goes and exits 255.
     */
    private Path standInThatDiesAfter(int bytes) throws Exception {
        Path script = Files.writeString(dir.resolve("dying-ssh.py"), String.join("\n",
                "import os, socket, sys, threading",
                "path = sys.argv[sys.argv.index('--socket') + 1]",
                "server = socket.socket(socket.AF_UNIX)",
                "server.connect(path)",
                "def down():",
                "    while True:",
                "        data = server.recv(65536)",
                "        if not data:",
                "            os._exit(0)",
                "        os.write(1, data)",
                "threading.Thread(target=down, daemon=True).start()",
                "carried = 0",
                "while True:",
                "    data = os.read(0, 65536)",
                "    if not data:",
                "        server.shutdown(socket.SHUT_WR)",
                "        threading.Event().wait()",
                "    server.sendall(data)",
                "    carried += len(data)",
                "    if carried >= " + bytes + ":",
                "        sys.stderr.write('" + LAST_WORDS + "\\n')",
                "        sys.stderr.flush()",
                "        os._exit(255)",
                ""));
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rw-------"));
        return script;
    }
}
