package dev.hotswap.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The command in-process against a real engine server: the whole list, end to end. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class EngineEndToEndTest {
    @TempDir
    Path dir;

    private EngineServer server;

    @BeforeEach
    void startEngine() throws Exception {
        server = EngineServer.start();
    }

    @AfterEach
    void stopEngine() throws Exception {
        server.close();
    }

    private CommandRun cli() {
        return CommandRun.in(dir).socket(server.socket);
    }

    @Test
    void pushFromAFileByPathSwapsTheLiveDatabase() throws Exception {
        EngineServer.database(dir.resolve("new.sqlite3"), 2);
        CommandRun.Result run = cli().run("cp", "new.sqlite3", server.live.toString());
        assertEquals(0, run.code(), run::toString);
        assertEquals("OK\n", run.stdout());
        assertTrue(run.stderr().contains("Swapping database...\n"), run::toString);
        assertEquals(2, server.liveVersion());
    }

    @Test
    void pushFromStdinByName() throws Exception {
        byte[] database = Files.readAllBytes(EngineServer.database(dir.resolve("new.sqlite3"), 3));
        CommandRun.Result run = cli().stdin(database).run("cp", "-", "production");
        assertEquals(0, run.code(), run::toString);
        assertEquals("OK\n", run.stdout());
        assertEquals(3, server.liveVersion());
    }

    @Test
    void pullToAFile() throws Exception {
        CommandRun.Result run = cli().run("cp", "production", "backup.sqlite3");
        assertEquals(0, run.code(), run::toString);
        assertEquals("", run.stdout());
        assertEquals(1, EngineServer.version(dir.resolve("backup.sqlite3")));
        try (var files = Files.list(dir)) {
            assertEquals(List.of(dir.resolve("backup.sqlite3")), files.toList());
        }
    }

    @Test
    void pullToStdout() throws Exception {
        CommandRun.Result run = cli().run("cp", server.live.toString(), "-");
        assertEquals(0, run.code(), run::toString);
        Path copy = Files.write(dir.resolve("copy.sqlite3"), run.stdoutBytes());
        assertEquals(1, EngineServer.version(copy));
        assertTrue(run.stderr().contains("Pulled production to stdout"), run::toString);
    }

    @Test
    void schemaMismatchIsRefusedWithTheExactDiff() throws Exception {
        EngineServer.run(dir.resolve("new.sqlite3"),
                "CREATE TABLE meta (version INTEGER NOT NULL)",
                "CREATE TABLE posts (id INTEGER PRIMARY KEY, body TEXT NOT NULL)",
                "INSERT INTO meta VALUES (9)");
        CommandRun.Result run = cli().run("cp", "new.sqlite3", "production");
        assertEquals(1, run.code(), run::toString);
        assertEquals("", run.stdout());
        assertTrue(run.stderr().endsWith("ERROR: schema mismatch\n"
                + "- CREATE TABLE posts (id INTEGER PRIMARY KEY, title TEXT NOT NULL)\n"
                + "+ CREATE TABLE posts (id INTEGER PRIMARY KEY, body TEXT NOT NULL)\n"), run::toString);
        assertEquals(1, server.liveVersion());

        CommandRun.Result skipped = cli().run("cp", "--skip-schema-check", "new.sqlite3", "production");
        assertEquals(0, skipped.code(), skipped::toString);
        assertTrue(skipped.stderr().contains("schema check skipped\n"), skipped::toString);
        assertEquals(9, server.liveVersion());
    }

    @Test
    void garbageIsRefused() throws Exception {
        byte[] garbage = new byte[100_000];
        new Random(41).nextBytes(garbage);
        CommandRun.Result run = cli().stdin(garbage).run("cp", "-", "production");
        assertEquals(1, run.code(), run::toString);
        assertEquals("", run.stdout());
        assertTrue(run.stderr().endsWith("ERROR: not a SQLite database (no \"SQLite format 3\" header)\n"),
                run::toString);
        assertEquals(1, server.liveVersion());
    }

    @Test
    void truncatedStdinIsRefused() throws Exception {
        Path file = EngineServer.run(dir.resolve("big.sqlite3"), "PRAGMA page_size=4096",
                "CREATE TABLE meta (version INTEGER NOT NULL)",
                "CREATE TABLE posts (id INTEGER PRIMARY KEY, title TEXT NOT NULL)",
                "INSERT INTO meta VALUES (5)",
                "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 2000)"
                        + " INSERT INTO posts (title) SELECT 'post ' || i FROM n");
        byte[] whole = Files.readAllBytes(file);
        CommandRun.Result run = cli().stdin(Arrays.copyOf(whole, whole.length / 2)).run("cp", "-", "production");
        assertEquals(1, run.code(), run::toString);
        assertTrue(run.stderr().contains("ERROR: truncated database: "), run::toString);
        assertEquals(1, server.liveVersion());
    }

    @Test
    void severalPushesInARow() throws Exception {
        for (int version = 2; version <= 4; version++) {
            EngineServer.database(dir.resolve("v" + version + ".sqlite3"), version);
            CommandRun.Result run = cli().run("cp", "v" + version + ".sqlite3", "production");
            assertEquals(0, run.code(), run::toString);
            assertEquals("OK\n", run.stdout());
            assertEquals(version, server.liveVersion());
        }
    }

    @Test
    void neitherSideManagedNamesTheManagedDatabases() throws Exception {
        EngineServer.database(dir.resolve("a.sqlite3"), 2);
        CommandRun.Result run = cli().run("cp", "a.sqlite3", "b.sqlite3");
        assertEquals(2, run.code(), run::toString);
        assertEquals("ERROR: neither path is a managed database (managed: production " + server.live + ")\n",
                run.stderr());
    }

    @Test
    void bothSidesManagedIsRefused() throws Exception {
        CommandRun.Result run = cli().run("cp", "production", server.live.toString());
        assertEquals(2, run.code(), run::toString);
        assertEquals("ERROR: both paths are managed databases; one side must be a file or - (managed: production "
                + server.live + ")\n", run.stderr());
    }

    @Test
    void skipFlagsOnAPullAreAUsageError() throws Exception {
        CommandRun.Result run = cli().run("cp", "--skip-integrity-check", "production", "b.sqlite3");
        assertEquals(2, run.code(), run::toString);
        assertEquals("ERROR: skip-integrity-check applies to pushes only\n", run.stderr());
    }

    @Test
    void lsAndVersionTalkToTheEngine() throws Exception {
        CommandRun.Result ls = cli().run("ls");
        assertEquals(0, ls.code(), ls::toString);
        String[] lines = ls.stdout().split("\n");
        assertEquals(2, lines.length, ls::toString);
        assertTrue(lines[0].startsWith("NAME"), ls::toString);
        assertTrue(lines[1].startsWith("production  " + server.live + "  "), ls::toString);

        CommandRun.Result version = cli().run("version", "--server");
        assertEquals(0, version.code(), version::toString);
        assertTrue(version.stdout().matches(
                "hotswap \\S+\nhotswap-engine \\S+ protocol 2\n"), version::toString);
    }

    @Test
    void noServerExitsThree() throws Exception {
        server.close();
        CommandRun.Result run = cli().run("cp", "-", "production");
        assertEquals(3, run.code(), run::toString);
        assertTrue(run.stderr().startsWith("ERROR: no hotswap server at " + server.socket), run::toString);
        server = EngineServer.start(); // for @AfterEach
    }
}
