package dev.hotswap.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * What {@code HOST:PATH} arguments make the CLI run: a stand-in remote shell writes down the words
 * it was given and fails as a remote {@code hotswap relay} without a server would.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RemoteArgumentsTest {
    @TempDir
    Path dir;

    private Path rsh;
    private Path words;

    @BeforeEach
    void writeStandIn() throws IOException {
        words = dir.resolve("words");
        rsh = Files.writeString(dir.resolve("rsh"), String.join("\n", "#!/bin/sh",
                "printf '%s\\n' \"$@\" > " + RemoteShell.quote(words.toString()),
                "echo 'ERROR: no hotswap server at /srv/app/hotswap.sock: no such socket' >&2",
                "exit 3", ""));
        Files.setPosixFilePermissions(rsh, PosixFilePermissions.fromString("rwx------"));
    }

    private List<String> words() throws IOException {
        return Files.readAllLines(words, StandardCharsets.UTF_8);
    }

    @Test
    void theRemoteShellGetsItsWordsThenTheHostThenTheQuotedRelayCommand() throws Exception {
        Files.write(dir.resolve("new.sqlite3"), new byte[0]);
        CommandRun.Result run = CommandRun.in(dir).run("--rsh", rsh + " -p '22 22'", "--socket", "/srv/app/hotswap.sock",
                "cp", "new.sqlite3", "deploy@prod:/app/it's a db.sqlite3");
        assertEquals(3, run.code(), run::toString);
        assertEquals(List.of("-p", "22 22", "deploy@prod", "hotswap", "relay", "--socket", "/srv/app/hotswap.sock",
                "--", "'/app/it'\\''s a db.sqlite3'"), words());
        assertEquals("ERROR: '" + rsh + " -p '22 22' deploy@prod hotswap relay --socket /srv/app/hotswap.sock -- "
                + "'/app/it'\\''s a db.sqlite3'' failed (exit 3): no hotswap server at "
                + "/srv/app/hotswap.sock: no such socket\n", run.stderr());
    }

    /**
     * To another host, SRC can only be pushed, by delta unless --full: its hash pass starts before
     * the transport does (here it starts and fails at once), not after the server's READY.
     */
    @Test
    void aRemotePushHashesSrcBeforeTheTransportStartsUnlessFull() throws Exception {
        EngineServer.database(dir.resolve("new.sqlite3"), 2);
        long hashings = DeltaPush.HASHINGS_STARTED.sum();
        CommandRun.Result run = CommandRun.in(dir).run("--rsh", rsh.toString(), "cp", "new.sqlite3", "prod:production");
        assertEquals(3, run.code(), run::toString);
        assertEquals(hashings + 1, DeltaPush.HASHINGS_STARTED.sum(), "SRC was not hashed before the connection");

        run = CommandRun.in(dir).run("--rsh", rsh.toString(), "cp", "--full", "new.sqlite3", "prod:production");
        assertEquals(3, run.code(), run::toString);
        assertEquals(hashings + 1, DeltaPush.HASHINGS_STARTED.sum(), "SRC was hashed for a whole-file push");
    }

    @Test
    void variablesChooseTheShellAndTheRemoteProgramAndTheLocalSocketStaysHere() throws Exception {
        CommandRun.Result run = CommandRun.in(dir).variable(RemoteShell.VARIABLE, rsh.toString())
                .variable(RemoteOptions.PROGRAM_VARIABLE, "/opt/hotswap/bin/hotswap")
                .variable(SocketOption.VARIABLE, "/here/hotswap.sock").run("ls", "prod:");
        assertEquals(3, run.code(), run::toString);
        assertEquals(List.of("prod", "/opt/hotswap/bin/hotswap", "relay"), words());
    }

    @Test
    void optionsWinOverVariables() throws Exception {
        CommandRun.Result run = CommandRun.in(dir).variable(RemoteShell.VARIABLE, "/no/such/ssh")
                .variable(RemoteOptions.PROGRAM_VARIABLE, "/no/such/hotswap")
                .run("rollback", "--rsh", rsh.toString(), "--remote-hotswap", "hs", "web-0:production");
        assertEquals(3, run.code(), run::toString);
        assertEquals(List.of("web-0", "hs", "relay", "--", "production"), words());
    }

    /**
     * {@code version --server HOST:PATH} asks the engine beside that database through the relay, as
     * {@code ls HOST:PATH} does, after printing this CLI's line; the relay's failure is {@code ls}'s.
     */
    @Test
    void versionServerWithAHostAsksTheRemoteEngineThroughTheRelay() throws Exception {
        CommandRun.Result run = CommandRun.in(dir).variable(RemoteShell.VARIABLE, rsh.toString())
                .run("--socket", "/srv/app/hotswap.sock", "version", "--server", "prod:/app/db/../db/production.sqlite3");
        assertEquals(3, run.code(), run::toString);
        assertEquals(List.of("prod", "hotswap", "relay", "--socket", "/srv/app/hotswap.sock", "--",
                "/app/db/production.sqlite3"), words());
        assertEquals(Version.line() + "\n", run.stdout());
        assertEquals("ERROR: '" + rsh + " prod hotswap relay --socket /srv/app/hotswap.sock -- /app/db/production.sqlite3'"
                + " failed (exit 3): no hotswap server at /srv/app/hotswap.sock: no such socket\n", run.stderr());

        run = CommandRun.in(dir).variable(RemoteShell.VARIABLE, rsh.toString()).run("version", "--server", "web-0:");
        assertEquals(3, run.code(), run::toString);
        assertEquals(List.of("web-0", "hotswap", "relay"), words());
    }

    @Test
    void versionServerWithoutAHostAsksThisHostsSocketAndNoRemoteShell() throws Exception {
        CommandRun.Result run = CommandRun.in(dir).variable(RemoteShell.VARIABLE, rsh.toString())
                .run("version", "--server");
        assertEquals(3, run.code(), run::toString);
        assertEquals(Version.line() + "\n", run.stdout());
        assertTrue(run.stderr().startsWith("ERROR: no hotswap server at " + dir.resolve("tmp/sockets/hotswap.sock")),
                run::toString);
        assertFalse(Files.exists(words), "the remote shell ran for this host's server");
    }

    /** The CLI gives up on a link that never answers and ends it; that ending is not the link's failure. */
    @Test
    void aRemoteShellThatNeverAnswersTimesOutAsASilentServerDoes() throws Exception {
        Path silent = Files.writeString(dir.resolve("silent"), "#!/bin/sh\nexec sleep 60\n");
        Files.setPosixFilePermissions(silent, PosixFilePermissions.fromString("rwx------"));
        Duration connect = RemoteLink.connectTimeout;
        Duration handshake = Connection.handshakeTimeout;
        RemoteLink.connectTimeout = Duration.ofMillis(300);
        Connection.handshakeTimeout = Duration.ofMillis(300);
        try {
            CommandRun.Result run = CommandRun.in(dir).run("--rsh", silent.toString(), "ls", "prod:");
            assertEquals(3, run.code(), run::toString);
            assertEquals("ERROR: the server through '" + silent + " prod hotswap relay' did not answer within 0.30 s\n",
                    run.stderr());
        } finally {
            RemoteLink.connectTimeout = connect;
            Connection.handshakeTimeout = handshake;
        }
    }

    @Test
    void aLocalFileWithAColonIsWrittenWithDotSlash() throws Exception {
        CommandRun.Result run = CommandRun.in(dir).variable(RemoteShell.VARIABLE, rsh.toString())
                .run("cp", "./a:b", "production");
        assertEquals(3, run.code(), run::toString);
        assertTrue(run.stderr().startsWith("ERROR: no hotswap server at " + dir.resolve("tmp/sockets/hotswap.sock")),
                run::toString);
        assertFalse(Files.exists(words), "the remote shell ran for a local file");
    }

    @Test
    void remoteArgumentsThatCannotWorkAreUsageErrors() throws Exception {
        assertUsage(CommandRun.in(dir).run("cp", "a:x", "b:y"), "ERROR: SRC and DST are both remote");
        assertUsage(CommandRun.in(dir).run("cp", "new.sqlite3", "prod:db/production.sqlite3"),
                "ERROR: the remote path db/production.sqlite3 is relative");
        assertUsage(CommandRun.in(dir).run("cp", "--", "new.sqlite3", "-oProxyCommand=x:production"),
                "ERROR: the host of -oProxyCommand=x:production starts with '-'");
        assertUsage(CommandRun.in(dir).run("cp", "new.sqlite3", "prod:"), "ERROR: prod: names no database");
        assertUsage(CommandRun.in(dir).run("--rsh", "ssh 'unclosed", "ls", "prod:"),
                "ERROR: cannot split the remote shell command: unclosed ' in ssh 'unclosed");
        assertUsage(CommandRun.in(dir).run("ls", "production"), "ERROR: production is no remote host");
        CommandRun.Result noHost = CommandRun.in(dir).run("version", "--server", "production");
        assertUsage(noHost, "ERROR: production is no remote host");
        assertEquals("", noHost.stdout(), "half an answer before a usage error");
        assertUsage(CommandRun.in(dir).run("version", "--server", "prod:db/production.sqlite3"),
                "ERROR: the remote path db/production.sqlite3 is relative");
        assertFalse(Files.exists(words));
    }

    private static void assertUsage(CommandRun.Result run, String start) {
        assertEquals(2, run.code(), run::toString);
        assertTrue(run.stderr().startsWith(start), run::toString);
    }
}
