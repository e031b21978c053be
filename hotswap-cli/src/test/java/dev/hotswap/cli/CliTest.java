package dev.hotswap.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The command without a server: version, help, usage errors, an unreachable server. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class CliTest {
    @TempDir
    Path dir;

    @Test
    void versionPrintsTheMavenProjectVersion() {
        CommandRun.Result run = CommandRun.in(dir).run("version");
        assertEquals(0, run.code(), run::toString);
        assertTrue(run.stdout().matches("hotswap \\d+\\.\\d+\\.\\d+(-SNAPSHOT)?\n"), run::toString);
        assertEquals("hotswap " + System.getProperty("project.version") + "\n", run.stdout());
        assertEquals("", run.stderr());
    }

    @ParameterizedTest
    @ValueSource(strings = {"--version", "-V"})
    void versionOptionMatchesVersionCommand(String option) {
        CommandRun.Result run = CommandRun.in(dir).run(option);
        assertEquals(0, run.code(), run::toString);
        assertEquals(Version.line() + "\n", run.stdout());
    }

    @ParameterizedTest
    @ValueSource(strings = {"--help", "cp --help", "ls --help", "rollback --help", "version --help", "help", "help cp",
        "help rollback", "cp -h"})
    void helpGoesToStdoutAndSucceeds(String args) {
        CommandRun.Result run = CommandRun.in(dir).run(args.split(" "));
        assertEquals(0, run.code(), run::toString);
        assertTrue(run.stdout().startsWith("Usage: hotswap"), run::toString);
        assertEquals("", run.stderr());
    }

    @Test
    void cpHelpDocumentsFlagsAndSocket() {
        String help = CommandRun.in(dir).run("cp", "--help").stdout();
        for (String expected : new String[] {"SRC", "DST", "--skip-integrity-check", "--skip-schema-check",
                "--socket=PATH", "HOTSWAP_SOCKET", "tmp/sockets/hotswap.sock", "Exit codes"}) {
            assertTrue(help.contains(expected), () -> "missing " + expected + " in\n" + help);
        }
    }

    @Test
    void rollbackHelpDocumentsTheDatabaseTheGenerationAndTheSocket() {
        String help = CommandRun.in(dir).run("rollback", "--help").stdout();
        for (String expected : new String[] {"Usage: hotswap rollback", "NAME|PATH", "--to=GEN", "--socket=PATH",
                "hotswap ls", "Exit codes"}) {
            assertTrue(help.contains(expected), () -> "missing " + expected + " in\n" + help);
        }
    }

    @Test
    void theCommandListNamesRollback() {
        String help = CommandRun.in(dir).run("--help").stdout();
        assertTrue(help.contains("\n  rollback "), help);
    }

    @Test
    void noCommandIsAUsageError() {
        CommandRun.Result run = CommandRun.in(dir).run();
        assertEquals(2, run.code(), run::toString);
        assertEquals("", run.stdout());
        assertTrue(run.stderr().startsWith("ERROR: Missing command: cp, ls, rollback, version or help\nUsage: hotswap"),
                run::toString);
    }

    @ParameterizedTest
    @ValueSource(strings = {"cp", "cp onlyone", "cp a b c", "cp --bogus a b", "ls extra", "frobnicate",
        "version --bogus", "rollback", "rollback a b", "rollback --to", "rollback --to abc production",
        "rollback production --to 1 --to 2", "rollback --bogus production", "rollback --to 0 production",
        "rollback --to -3 production", "rollback -", "cp --delta --full a b"})
    void usageErrorsExitTwoWithAnErrorLineAndTheSynopsis(String args) {
        CommandRun.Result run = CommandRun.in(dir).run(args.split(" "));
        assertEquals(2, run.code(), run::toString);
        assertEquals("", run.stdout());
        assertTrue(run.stderr().startsWith("ERROR: "), run::toString);
        assertTrue(run.stderr().contains("\nUsage: hotswap"), run::toString);
        assertTrue(run.stderr().contains("--help' for more information."), run::toString);
    }

    @Test
    void deltaAndFullTogetherAreAUsageError() {
        CommandRun.Result run = CommandRun.in(dir).run("cp", "--delta", "--full", "a.sqlite3", "production");
        assertEquals(2, run.code(), run::toString);
        assertTrue(run.stderr().startsWith("ERROR: --delta and --full cannot go together: choose one\n"), run::toString);
    }

    @Test
    void rollbackUsageErrorsSayWhatIsWrong() {
        assertTrue(CommandRun.in(dir).run("rollback").stderr()
                .startsWith("ERROR: Missing required parameter: 'NAME|PATH'\n"));
        assertTrue(CommandRun.in(dir).run("rollback", "--to", "abc", "production").stderr()
                .startsWith("ERROR: --to takes a generation id (1 or more), not abc\n"));
        assertTrue(CommandRun.in(dir).run("rollback", "--to", "0", "production").stderr()
                .startsWith("ERROR: --to takes a generation id (1 or more), not 0\n"));
        assertTrue(CommandRun.in(dir).run("rollback", "-").stderr()
                .startsWith("ERROR: rollback takes a database name or path, not '-'\n"));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "cp new.sqlite3 production --nodes a,b|--nodes needs --fleet",
        "rollback production --min-nodes 2|--min-nodes needs --fleet",
        "cp new.sqlite3 production --fleet --nodes a --min-nodes 1|--nodes and --min-nodes exclude each other: name"
                + " the servers, or ask for a number of alive ones",
        "cp new.sqlite3 production --fleet --nodes web-1,,web-2|node name '' in 'web-1,,web-2' must be 1 to 63"
                + " letters, digits, '.', '_' or '-', starting with a letter or digit",
        "rollback production --fleet --nodes a,a|node a is named twice in 'a,a'",
        "cp new.sqlite3 production --fleet --min-nodes 0|min-nodes takes a number of nodes from 1 to 1000, not '0'",
        "cp new.sqlite3 production --fleet --skip-schema-check|--skip-schema-check does not apply with --fleet:"
                + " every server runs every check",
        "cp production - --fleet|--fleet pushes to the fleet: DST must be the managed database, not '-'",
        "rollback production --fleet --to 'a b'|--to with --fleet takes a rollout id (the ROLLOUT column of"
                + " 'hotswap ls'), not a b"})
    void fleetUsageErrorsAreCaughtBeforeTheServerIsAsked(String args, String message) {
        CommandRun.Result run = CommandRun.in(dir).run(split(args));
        assertEquals(2, run.code(), run::toString);
        assertEquals("", run.stdout());
        assertTrue(run.stderr().startsWith("ERROR: " + message + "\n"), run::toString);
    }

    /** {@code args} split at blanks, except inside single quotes. */
    private static String[] split(String args) {
        java.util.List<String> parts = new java.util.ArrayList<>();
        java.util.regex.Matcher matcher = java.util.regex.Pattern.compile("'([^']*)'|(\\S+)").matcher(args);
        while (matcher.find()) {
            parts.add(matcher.group(1) != null ? matcher.group(1) : matcher.group(2));
        }
        return parts.toArray(String[]::new);
    }

    @Test
    void rollbackWithoutAServerExitsThree() {
        CommandRun.Result run = CommandRun.in(dir).run("rollback", "production");
        assertEquals(3, run.code(), run::toString);
        assertEquals("", run.stdout());
        assertTrue(run.stderr().startsWith("ERROR: no hotswap server at " + dir.resolve("tmp/sockets/hotswap.sock")),
                run::toString);
    }

    @Test
    void bothSidesStdioIsAUsageError() {
        CommandRun.Result run = CommandRun.in(dir).run("cp", "-", "-");
        assertEquals(2, run.code(), run::toString);
        assertTrue(run.stderr().startsWith("ERROR: SRC and DST cannot both be '-': one of them must be a"
                + " database the app manages\n"), run::toString);
    }

    @Test
    void missingSocketExitsThreeNamingTheDefaultPath() {
        CommandRun.Result run = CommandRun.in(dir).run("cp", "new.sqlite3", "production");
        assertEquals(3, run.code(), run::toString);
        assertEquals("", run.stdout());
        assertEquals("ERROR: no hotswap server at " + dir.resolve("tmp/sockets/hotswap.sock")
                + ": no such socket (is the app running? Use --socket PATH or HOTSWAP_SOCKET)\n", run.stderr());
    }

    @Test
    void socketComesFromOptionThenVariableThenDefault() {
        CommandRun fromVariable = CommandRun.in(dir).variable("HOTSWAP_SOCKET", "var/h.sock");
        assertTrue(fromVariable.run("ls").stderr().contains(dir.resolve("var/h.sock").toString()));
        assertTrue(fromVariable.run("ls", "--socket", "/nowhere/o.sock").stderr()
                .contains("no hotswap server at /nowhere/o.sock:"));
        assertTrue(CommandRun.in(dir).variable("HOTSWAP_SOCKET", "").run("ls").stderr()
                .contains(dir.resolve("tmp/sockets/hotswap.sock").toString()));
    }

    @Test
    void socketOptionMayStandBeforeOrAfterTheCommand() {
        for (String[] args : new String[][] {{"--socket", "/nowhere/b.sock", "cp", "new.sqlite3", "production"},
            {"cp", "--socket", "/nowhere/b.sock", "new.sqlite3", "production"},
            {"cp", "new.sqlite3", "production", "--socket", "/nowhere/b.sock"},
            {"--socket", "/nowhere/b.sock", "ls"}, {"--socket", "/nowhere/b.sock", "version", "--server"},
            {"--socket", "/nowhere/b.sock", "rollback", "production"}, {"rollback", "production", "--socket", "/nowhere/b.sock"}}) {
            CommandRun.Result run = CommandRun.in(dir).run(args);
            assertEquals(3, run.code(), run::toString);
            assertTrue(run.stderr().contains("no hotswap server at /nowhere/b.sock:"), run::toString);
        }
    }

    @Test
    void refusedConnectionExitsThree() throws IOException {
        Path sockets = Files.createTempDirectory(Path.of("/tmp"), "hs");
        Path socket = sockets.resolve("dead.sock");
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            server.bind(UnixDomainSocketAddress.of(socket)); // the file stays when nobody listens
        }
        try {
            CommandRun.Result run = CommandRun.in(dir).socket(socket).run("ls");
            assertEquals(3, run.code(), run::toString);
            assertEquals("ERROR: cannot connect to the hotswap server at " + socket
                    + ": connection refused (is the app running?)\n", run.stderr());
        } finally {
            Files.deleteIfExists(socket);
            Files.deleteIfExists(sockets);
        }
    }

    @Test
    void aFileThatIsNoSocketExitsThree() throws IOException {
        Path file = Files.writeString(dir.resolve("plain.sock"), "not a socket");
        CommandRun.Result run = CommandRun.in(dir).socket(file).run("version", "--server");
        assertEquals(3, run.code(), run::toString);
        assertEquals(Version.line() + "\n", run.stdout());
        assertTrue(run.stderr().startsWith("ERROR: cannot connect to the hotswap server at " + file + ": "),
                run::toString);
    }

    @Test
    void socketPathTooLongForTheKernelIsReachedRelativeToTheWorkingDirectory() {
        Path cwd = Path.of("").toAbsolutePath();
        Path deep = cwd.resolve("d".repeat(40)).resolve("e".repeat(50)).resolve("hotswap.sock");
        assertEquals(cwd.relativize(deep), SocketLink.connectable(deep));
        Path shortPath = Path.of("/tmp/x/hotswap.sock");
        assertEquals(shortPath, SocketLink.connectable(shortPath));
    }
}
