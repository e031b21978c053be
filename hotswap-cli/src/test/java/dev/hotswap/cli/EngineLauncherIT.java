package dev.hotswap.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The built image's launcher against a real engine server: the real thing, end to end. A push, a
 * pull and the refusals also run on the unpacked archive and the runnable jar ({@link Distribution}).
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class EngineLauncherIT {
    @TempDir
    Path dir;

    private EngineServer server;
    private Map<String, String> socket;

    @BeforeEach
    void startEngine() throws Exception {
        server = EngineServer.start();
        socket = Map.of(SocketOption.VARIABLE, server.socket.toString());
    }

    @AfterEach
    void stopEngine() throws Exception {
        server.close();
    }

    private Launcher.Outcome hotswap(byte[] stdin, String... args) throws Exception {
        return hotswap(Distribution.IMAGE, stdin, args);
    }

    private Launcher.Outcome hotswap(Distribution distribution, byte[] stdin, String... args) throws Exception {
        return new Launcher(dir, distribution).run(socket, stdin, args);
    }

    @ParameterizedTest
    @EnumSource(Distribution.class)
    void pushAFileThenPullItBackThroughStdout(Distribution distribution) throws Exception {
        EngineServer.database(dir.resolve("new.sqlite3"), 7);
        Launcher.Outcome push = hotswap(distribution, new byte[0], "cp", "new.sqlite3", "production");
        assertEquals(0, push.code(), push::toString);
        assertEquals("OK\n", push.stdout());
        assertTrue(push.stderr().contains("Swapping database...\n"), push::toString);
        assertEquals(7, server.liveVersion());

        Launcher.Outcome pull = hotswap(distribution, new byte[0], "cp", "production", "-");
        assertEquals(0, pull.code(), pull::toString);
        assertEquals(7, EngineServer.version(Files.write(dir.resolve("pulled.sqlite3"), pull.stdoutBytes())));
    }

    @Test
    void pushFromStdinAndPullToAFile() throws Exception {
        byte[] database = Files.readAllBytes(EngineServer.database(dir.resolve("v8.sqlite3"), 8));
        Launcher.Outcome push = hotswap(database, "cp", "-", server.live.toString());
        assertEquals(0, push.code(), push::toString);
        Launcher.Outcome pull = hotswap(new byte[0], "cp", server.live.toString(), "backup.sqlite3");
        assertEquals(0, pull.code(), pull::toString);
        assertEquals("", pull.stdout());
        assertEquals(8, EngineServer.version(dir.resolve("backup.sqlite3")));
    }

    @ParameterizedTest
    @EnumSource(Distribution.class)
    void refusalsExitOneWithTheServersMessage(Distribution distribution) throws Exception {
        EngineServer.run(dir.resolve("other.sqlite3"),
                "CREATE TABLE meta (version INTEGER NOT NULL)",
                "CREATE TABLE posts (id INTEGER PRIMARY KEY, title TEXT NOT NULL, draft INTEGER)");
        Launcher.Outcome schema = hotswap(distribution, new byte[0], "cp", "other.sqlite3", "production");
        assertEquals(1, schema.code(), schema::toString);
        assertEquals("", schema.stdout());
        assertTrue(schema.stderr().endsWith("ERROR: schema mismatch\n"
                + "- CREATE TABLE posts (id INTEGER PRIMARY KEY, title TEXT NOT NULL)\n"
                + "+ CREATE TABLE posts (id INTEGER PRIMARY KEY, title TEXT NOT NULL, draft INTEGER)\n"),
                schema::toString);

        byte[] garbage = new byte[50_000];
        new Random(51).nextBytes(garbage);
        Launcher.Outcome refused = hotswap(distribution, garbage, "cp", "-", "production");
        assertEquals(1, refused.code(), refused::toString);
        assertTrue(refused.stderr().endsWith("ERROR: not a SQLite database (no \"SQLite format 3\" header)\n"),
                refused::toString);
        assertEquals(1, server.liveVersion());
    }

    @Test
    void lsThenRollbackThenLsShowTheGenerationsMove() throws Exception {
        EngineServer.database(dir.resolve("new.sqlite3"), 7);
        assertEquals(0, hotswap(new byte[0], "cp", "new.sqlite3", "production").code());

        Launcher.Outcome ls = hotswap(new byte[0], "ls");
        assertEquals(0, ls.code(), ls::toString);
        assertEquals("", ls.stderr());
        assertEquals(List.of("production 2 current " + server.live, "production 1 kept " + server.generation(1)),
                summary(ls.stdout()));

        Launcher.Outcome rollback = hotswap(new byte[0], "rollback", "production");
        assertEquals(0, rollback.code(), rollback::toString);
        assertEquals("OK\n", rollback.stdout());
        assertTrue(rollback.stderr().contains("\ngeneration 1 is live (was 2)\n"), rollback::toString);
        assertEquals(1, server.liveVersion());
        assertEquals(List.of("production 1 current " + server.live, "production 2 kept " + server.generation(2)),
                summary(hotswap(new byte[0], "ls").stdout()));

        Launcher.Outcome unknown = hotswap(new byte[0], "rollback", "--to", "5", "production");
        assertEquals(1, unknown.code(), unknown::toString);
        assertEquals("", unknown.stdout());
        assertEquals("ERROR: production has no generation 5 (kept: 2)\n", unknown.stderr());
        assertEquals(1, server.liveVersion());
    }

    /** Name, generation, state and path of each data line of an {@code ls} table. */
    private static List<String> summary(String table) {
        return table.lines().skip(1).map(line -> line.split(" +", 11))
                .map(fields -> fields[0] + " " + fields[1] + " " + fields[2] + " " + fields[10]).toList();
    }

    @Test
    void neitherSideManagedExitsTwo() throws Exception {
        Launcher.Outcome outcome = hotswap(new byte[0], "cp", "a.sqlite3", "b.sqlite3");
        assertEquals(2, outcome.code(), outcome::toString);
        assertEquals("ERROR: neither path is a managed database (managed: production " + server.live + ")\n",
                outcome.stderr());
    }
}
