package dev.hotswap.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hotswap.engine.CandidateCheck;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The app's own checks and {@code --dry-run} through the real command and a real engine on its
 * socket: refusals exit 1 with the check's name and leave the live file byte for byte, skips, and
 * dry runs that leave nothing behind.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class AppChecksTest {
    /** The live database has 1 post; the check wants more than 1. */
    private static final String CHECK = "more-than-one-post";

    @TempDir
    Path dir;

    private EngineServer server;

    @BeforeEach
    void startEngine() throws Exception {
        server = EngineServer.start(builder -> builder.check(CHECK,
                CandidateCheck.sql("SELECT count(*) > 1 FROM posts")));
    }

    @AfterEach
    void stopEngine() throws Exception {
        server.close();
    }

    private CommandRun cli() {
        return CommandRun.in(dir).socket(server.socket);
    }

    /** A database of the live schema at {@code version} with {@code posts} posts. */
    private Path candidate(String name, int version, int posts) throws Exception {
        List<String> sql = new ArrayList<>(List.of(EngineServer.SCHEMA));
        sql.add("INSERT INTO meta VALUES (" + version + ")");
        for (int i = 0; i < posts; i++) {
            sql.add("INSERT INTO posts (title) VALUES ('post " + i + "')");
        }
        return EngineServer.run(dir.resolve(name), sql.toArray(String[]::new));
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void refusedCheckExitsOneWithItsNameAndLeavesTheLiveFileByteForByte(boolean full) throws Exception {
        candidate("new.sqlite3", 2, 1);
        byte[] before = Files.readAllBytes(server.live);
        List<String> files = server.generationFolder();
        CommandRun.Result run = full ? cli().run("cp", "new.sqlite3", "production", "--full")
                : cli().run("cp", "new.sqlite3", "production", "--delta");

        assertEquals(1, run.code(), run::toString);
        assertEquals("", run.stdout());
        assertTrue(run.stderr().endsWith("ERROR: check more-than-one-post refused: SELECT count(*) > 1 FROM posts"
                + " returned 0\n"), run::toString);
        assertArrayEquals(before, Files.readAllBytes(server.live));
        assertEquals(files, server.generationFolder());
        assertEquals(1, server.liveVersion());
    }

    @Test
    void passingCheckIsAStepLineWithItsTime() throws Exception {
        candidate("new.sqlite3", 2, 3);
        CommandRun.Result run = cli().run("cp", "new.sqlite3", "production");
        assertEquals(0, run.code(), run::toString);
        assertTrue(run.stderr().matches("(?s).*\nschema check \\d+ ms\ncheck more-than-one-post \\d+ ms\n"
                + "Swapping database\\.\\.\\.\n.*"), run::toString);
        assertEquals(2, server.liveVersion());
    }

    @Test
    void skipCheckSkipsItAndSaysSo() throws Exception {
        candidate("new.sqlite3", 2, 1);
        CommandRun.Result run = cli().run("cp", "new.sqlite3", "production", "--skip-check", CHECK);
        assertEquals(0, run.code(), run::toString);
        assertTrue(run.stderr().contains("\ncheck more-than-one-post skipped\n"), run::toString);
        assertEquals(2, server.liveVersion());
    }

    @Test
    void skipCheckOfAnUnknownNameIsAUsageErrorAndNothingIsSent() throws Exception {
        candidate("new.sqlite3", 2, 1);
        byte[] before = Files.readAllBytes(server.live);
        CommandRun.Result run = cli().run("cp", "new.sqlite3", "production", "--skip-check", "more-than-one-pots");
        assertEquals(2, run.code(), run::toString);
        assertEquals("ERROR: no check named 'more-than-one-pots' on production (checks: more-than-one-post)\n",
                run.stderr());
        assertArrayEquals(before, Files.readAllBytes(server.live));
    }

    @Test
    void skipCheckDoesNotApplyWithFleet() throws Exception {
        candidate("new.sqlite3", 2, 1);
        CommandRun.Result run = cli().run("cp", "new.sqlite3", "production", "--fleet", "--skip-check", CHECK);
        assertEquals(2, run.code(), run::toString);
        assertTrue(run.stderr().contains("--skip-check does not apply with --fleet: every server runs every check"),
                run::toString);
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void dryRunThatPassesExitsZeroAndLeavesNothingBehind(boolean full) throws Exception {
        candidate("new.sqlite3", 2, 3);
        byte[] before = Files.readAllBytes(server.live);
        List<String> files = server.generationFolder();
        CommandRun.Result run = full ? cli().run("cp", "new.sqlite3", "production", "--dry-run", "--full")
                : cli().run("cp", "new.sqlite3", "production", "--dry-run", "--delta");

        assertEquals(0, run.code(), run::toString);
        assertEquals("OK\n", run.stdout());
        // The CLI's own summary of a delta ("Compared N pages...") is printed when its sending ends,
        // which can fall between the server's step lines; the server's steps keep their order.
        String serverSteps = run.stderr().replaceAll("(?m)^Compared .*\n", "");
        assertTrue(serverSteps.matches("(?s).*\nintegrity check \\d+ ms\nschema check \\d+ ms\n"
                + "check more-than-one-post \\d+ ms\n"
                + "dry run: production would go live; the file is deleted, nothing changed\n"), run::toString);
        assertArrayEquals(before, Files.readAllBytes(server.live));
        assertEquals(files, server.generationFolder());
        assertEquals(1, server.liveVersion());
    }

    @Test
    void dryRunRefusesAsThePushWouldWithTheSameExitCodeAndMessage() throws Exception {
        candidate("new.sqlite3", 2, 1);
        List<String> files = server.generationFolder();
        CommandRun.Result dry = cli().run("cp", "new.sqlite3", "production", "--dry-run");
        assertEquals(files, server.generationFolder());
        CommandRun.Result push = cli().run("cp", "new.sqlite3", "production");

        assertEquals(1, dry.code(), dry::toString);
        assertEquals(push.code(), dry.code());
        String refusal = "ERROR: check more-than-one-post refused: SELECT count(*) > 1 FROM posts returned 0\n";
        assertTrue(dry.stderr().endsWith(refusal), dry::toString);
        assertTrue(push.stderr().endsWith(refusal), push::toString);
        assertEquals(files, server.generationFolder());
    }

    @Test
    void dryRunOfASchemaMismatchExitsOne() throws Exception {
        EngineServer.run(dir.resolve("other.sqlite3"), "CREATE TABLE other (x)");
        CommandRun.Result run = cli().run("cp", "other.sqlite3", "production", "--dry-run");
        assertEquals(1, run.code(), run::toString);
        assertTrue(run.stderr().contains("ERROR: schema mismatch\n"), run::toString);
        assertEquals(1, server.liveVersion());
    }

    @Test
    void dryRunOfAPullIsAUsageError() throws Exception {
        CommandRun.Result run = cli().run("cp", "production", "backup.sqlite3", "--dry-run");
        assertEquals(2, run.code(), run::toString);
        assertEquals("ERROR: dry-run applies to pushes only\n", run.stderr());
        assertTrue(Files.notExists(dir.resolve("backup.sqlite3")));
    }
}
