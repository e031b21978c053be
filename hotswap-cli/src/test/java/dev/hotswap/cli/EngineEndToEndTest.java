package dev.hotswap.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
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
    void pushReportsTheFlipTheNewGenerationAndTheOldOnesRelease() throws Exception {
        EngineServer.database(dir.resolve("new.sqlite3"), 2);
        CommandRun.Result run = cli().run("cp", "new.sqlite3", "production");
        assertEquals(0, run.code(), run::toString);
        assertEquals("OK\n", run.stdout());
        // Nothing holds generation 1 at the flip, so it is released at once.
        assertTrue(run.stderr().matches("(?s).*\nSwapping database\\.\\.\\.\nswap \\d+ ms\npause \\d+ µs\n"
                + "generation 2 is live \\(was 1\\)\nold generation 1 released after \\d+ ms\n"), run::toString);
        assertEquals(server.generation(2), server.live.toRealPath());
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

    /**
     * {@code cp --delta db/production.sqlite3 new.sqlite3} offers a delta (SRC is a local database, and
     * the CLI cannot tell a pull from a push before READY), but there is no old copy: neither side
     * may hash the database for it, as neither does for {@code cp production new.sqlite3}.
     */
    @Test
    void aPullByPathIntoANewFileHashesNothing() throws Exception {
        long hashings = DeltaPush.HASHINGS_STARTED.sum();
        CommandRun.Result run = cli().run("cp", "--delta", server.live.toString(), "new.sqlite3");
        assertEquals(0, run.code(), run::toString);
        assertEquals(1, EngineServer.version(dir.resolve("new.sqlite3")));
        assertEquals(hashings, DeltaPush.HASHINGS_STARTED.sum(), "the CLI hashed SRC for a pull");
        assertFalse(run.stderr().contains("whole file:"), "the server compared for nothing: " + run);
    }

    /** With --delta, a pull into an old copy offers its size before it copies and hashes it, and gets the pages that changed. */
    @Test
    void aPullIntoAnOldCopyReceivesOnlyThePagesThatChanged() throws Exception {
        assertEquals(0, cli().run("cp", "production", "backup.sqlite3").code());
        EngineServer.run(server.live, "UPDATE meta SET version = 5");
        CommandRun.Result run = cli().run("cp", "--delta", "production", "backup.sqlite3");
        assertEquals(0, run.code(), run::toString);
        assertTrue(run.stderr().contains("Pulled production to " + dir.resolve("backup.sqlite3") + " by delta: "),
                run::toString);
        assertEquals(5, EngineServer.version(dir.resolve("backup.sqlite3")));
    }

    /**
     * On a local socket a whole file costs less than a delta, which needs a copy and a hash pass of
     * the live database on the server and a hash pass of the new file here: the default push sends
     * the whole file, and neither side hashes.
     */
    @Test
    void aDefaultLocalPushSendsTheWholeFileWithoutABaseCopy() throws Exception {
        EngineServer.database(dir.resolve("new.sqlite3"), 2);
        long hashings = DeltaPush.HASHINGS_STARTED.sum();
        CommandRun.Result run = cli().run("cp", "new.sqlite3", "production");
        assertEquals(0, run.code(), run::toString);
        assertEquals(2, server.liveVersion());
        assertFalse(run.stderr().contains("base copy of"), "the server copied a base: " + run);
        assertFalse(run.stderr().contains("by delta"), run::toString);
        assertEquals(hashings, DeltaPush.HASHINGS_STARTED.sum(), "the CLI hashed SRC for a whole-file push");
    }

    /** --delta still asks for one on a local socket: the server copies and hashes its base, and only changed pages travel. */
    @Test
    void aDeltaPushCopiesAndHashesTheBaseAndSendsTheChangedPages() throws Exception {
        EngineServer.database(dir.resolve("new.sqlite3"), 2);
        CommandRun.Result run = cli().run("cp", "--delta", "new.sqlite3", "production");
        assertEquals(0, run.code(), run::toString);
        assertEquals(2, server.liveVersion());
        assertTrue(run.stderr().contains("base copy of"), run::toString);
        assertTrue(run.stderr().contains(" by delta in "), run::toString);
    }

    /** The default pull into an old copy on a local socket receives the whole snapshot, without hashing the old copy. */
    @Test
    void aDefaultLocalPullIntoAnOldCopyReceivesTheWholeSnapshot() throws Exception {
        assertEquals(0, cli().run("cp", "production", "backup.sqlite3").code());
        EngineServer.run(server.live, "UPDATE meta SET version = 5");
        CommandRun.Result run = cli().run("cp", "production", "backup.sqlite3");
        assertEquals(0, run.code(), run::toString);
        assertFalse(run.stderr().contains("by delta"), run::toString);
        assertEquals(5, EngineServer.version(dir.resolve("backup.sqlite3")));
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
    void lsListsTheCurrentAndTheKeptGenerationAndVersionTalksToTheEngine() throws Exception {
        CommandRun.Result fresh = cli().run("ls");
        assertEquals(0, fresh.code(), fresh::toString);
        List<String[]> rows = rows(fresh.stdout());
        assertEquals(1, rows.size(), fresh::toString);
        assertRow(rows.get(0), "1", "current", "0", server.live);

        EngineServer.database(dir.resolve("v2.sqlite3"), 2);
        assertEquals(0, cli().run("cp", "v2.sqlite3", "production").code());
        CommandRun.Result ls = cli().run("ls");
        assertEquals(0, ls.code(), ls::toString);
        assertTrue(ls.stdout().startsWith("NAME        GEN  STATE    SINCE  "), ls::toString);
        rows = rows(ls.stdout());
        assertEquals(2, rows.size(), ls::toString);
        assertRow(rows.get(0), "2", "current", "0", server.live);
        assertRow(rows.get(1), "1", "kept", "0", server.generation(1));
        assertTrue(rows.get(0)[7].matches("\\d+µs|\\d+\\.\\d+m?s"), "the pause of the swap: " + rows.get(0)[7]);
        assertEquals("-", rows.get(1)[7], "generation 1 came by adoption, not by a swap");

        CommandRun.Result version = cli().run("version", "--server");
        assertEquals(0, version.code(), version::toString);
        assertTrue(version.stdout().matches(
                "hotswap \\S+\nhotswap-engine \\S+ protocol 4\n"), version::toString);
    }

    @Test
    void lsDropsAGenerationBeyondTheKeepCount() throws Exception {
        for (int version = 2; version <= 3; version++) {
            EngineServer.database(dir.resolve("v" + version + ".sqlite3"), version);
            assertEquals(0, cli().run("cp", "v" + version + ".sqlite3", "production").code());
        }
        assertEquals(List.of("3 current", "2 kept"), generationsOnceRetired());
        assertFalse(Files.exists(server.generation(1)), "generation 1 is deleted beyond keep 1");
    }

    @Test
    void rollbackMakesThePreviousGenerationCurrentAndAPushCanFollow() throws Exception {
        EngineServer.database(dir.resolve("v2.sqlite3"), 2);
        assertEquals(0, cli().run("cp", "v2.sqlite3", "production").code());

        CommandRun.Result run = cli().run("rollback", "production");
        assertEquals(0, run.code(), run::toString);
        assertEquals("OK\n", run.stdout());
        assertTrue(run.stderr().matches("Swapping database\\.\\.\\.\nswap \\d+ ms\npause \\d+ µs\n"
                + "generation 1 is live \\(was 2\\)\nold generation 2 released after \\d+ ms\n"), run::toString);
        assertEquals(1, server.liveVersion());
        assertEquals(server.generation(1), server.live.toRealPath());
        List<String[]> rows = rows(cli().run("ls").stdout());
        assertEquals(List.of("1 current", "2 kept"), rows.stream().map(row -> row[1] + " " + row[2]).toList());

        CommandRun.Result back = cli().run("rollback", server.live.toString());
        assertEquals(0, back.code(), back::toString);
        assertEquals(2, server.liveVersion(), "a rollback of a rollback returns to where it started");

        EngineServer.database(dir.resolve("v3.sqlite3"), 3);
        CommandRun.Result push = cli().run("cp", "v3.sqlite3", "production");
        assertEquals(0, push.code(), push::toString);
        assertTrue(push.stderr().contains("\ngeneration 3 is live (was 2)\n"), push::toString);
        assertEquals(3, server.liveVersion());
    }

    @Test
    void rollbackToANamedGeneration() throws Exception {
        server.close();
        server = EngineServer.start(3);
        for (int version = 2; version <= 3; version++) {
            EngineServer.database(dir.resolve("v" + version + ".sqlite3"), version);
            assertEquals(0, cli().run("cp", "v" + version + ".sqlite3", "production").code());
        }
        CommandRun.Result run = cli().run("rollback", "production", "--to", "1");
        assertEquals(0, run.code(), run::toString);
        assertTrue(run.stderr().contains("\ngeneration 1 is live (was 3)\n"), run::toString);
        assertEquals(1, server.liveVersion());

        // Without --to: the generation current most recently before this one, 3, not the newest kept id.
        assertEquals(0, cli().run("rollback", "production").code());
        assertEquals(3, server.liveVersion());
        assertEquals(0, cli().run("rollback", "production", "--to", "2").code());
        assertEquals(2, server.liveVersion());
    }

    @Test
    void rollbackRefusalsLeaveTheLiveDatabaseAsItWas() throws Exception {
        Path before = server.live.toRealPath();
        assertRefused(1, "ERROR: production has no earlier generation to roll back to\n", "rollback", "production");
        assertRefused(1, "ERROR: production has no generation 99 (kept: none)\n",
                "rollback", "production", "--to", "99");
        assertRefused(1, "ERROR: generation 1 of production is current already\n",
                "rollback", "production", "--to", "1");
        assertRefused(2, "ERROR: nowhere is not a managed database (managed: production " + server.live + ")\n",
                "rollback", "nowhere");
        assertEquals(before, server.live.toRealPath());
        assertEquals(1, server.liveVersion());

        EngineServer.database(dir.resolve("v2.sqlite3"), 2);
        assertEquals(0, cli().run("cp", "v2.sqlite3", "production").code());
        assertRefused(1, "ERROR: production has no generation 7 (kept: 1)\n", "rollback", "production", "--to", "7");
        assertEquals(2, server.liveVersion());
    }

    @Test
    void rollbackWhileAPushUploadsIsRefusedAndThePushStillLands() throws Exception {
        byte[] database = Files.readAllBytes(EngineServer.database(dir.resolve("v2.sqlite3"), 2));
        CountDownLatch rest = new CountDownLatch(1);
        InputStream stalling = new SequenceInputStream(new ByteArrayInputStream(database, 0, 4096),
                new InputStream() {
                    private final InputStream tail = new ByteArrayInputStream(database, 4096, database.length - 4096);

                    @Override
                    public int read() throws IOException {
                        awaitRest();
                        return tail.read();
                    }

                    @Override
                    public int read(byte[] bytes, int offset, int length) throws IOException {
                        awaitRest();
                        return tail.read(bytes, offset, length);
                    }

                    private void awaitRest() throws IOException {
                        try {
                            if (!rest.await(30, TimeUnit.SECONDS)) {
                                throw new IOException("the test never released the rest of the upload");
                            }
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                            throw new java.io.InterruptedIOException();
                        }
                    }
                });
        CompletableFuture<CommandRun.Result> push = CompletableFuture.supplyAsync(
                () -> cli().stdin(stalling).run("cp", "-", "production"));
        Path folder = server.generation(1).getParent();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!hasIncomingFile(folder)) {
            assertTrue(System.nanoTime() < deadline, "the push never started receiving into " + folder);
            Thread.sleep(5);
        }
        assertRefused(1, "ERROR: another push or rollback of production is in progress\n", "rollback", "production");
        rest.countDown();
        CommandRun.Result pushed = push.get(30, TimeUnit.SECONDS);
        assertEquals(0, pushed.code(), pushed::toString);
        assertEquals(2, server.liveVersion());
    }

    /**
     * Each generation {@code ls} lists, as {@code "<id> <state>"}, once none is retiring: the engine
     * deletes a generation beyond the keep count on its background thread, after the push that made
     * it surplus has returned.
     */
    private List<String> generationsOnceRetired() throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        List<String> listed = generations();
        while (listed.stream().anyMatch(line -> line.endsWith(" retiring"))) {
            assertTrue(System.nanoTime() < deadline, "a generation still retiring after 10 s: " + listed);
            Thread.sleep(5);
            listed = generations();
        }
        return listed;
    }

    private List<String> generations() {
        return rows(cli().run("ls").stdout()).stream().map(row -> row[1] + " " + row[2]).toList();
    }

    private static boolean hasIncomingFile(Path folder) throws IOException {
        if (!Files.isDirectory(folder)) {
            return false;
        }
        try (var files = Files.list(folder)) {
            return files.anyMatch(file -> file.getFileName().toString().startsWith(".incoming-"));
        }
    }

    private void assertRefused(int code, String stderr, String... args) {
        CommandRun.Result run = cli().run(args);
        assertEquals(code, run.code(), run::toString);
        assertEquals("", run.stdout());
        assertEquals(stderr, run.stderr());
    }

    /** The data lines of an {@code ls} table, split into fields; the path (last) may hold blanks. */
    private static List<String[]> rows(String table) {
        String[] lines = table.split("\n");
        assertTrue(lines[0].startsWith("NAME "), table);
        List<String[]> rows = new ArrayList<>();
        for (int i = 1; i < lines.length; i++) {
            rows.add(lines[i].split(" +", 11));
        }
        return rows;
    }

    private static void assertRow(String[] row, String generation, String state, String requests, Path path) {
        assertEquals("production", row[0]);
        assertEquals(generation, row[1]);
        assertEquals(state, row[2]);
        assertTrue(row[3].matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ"), "since: " + row[3]);
        assertTrue(row[4].matches("\\d+(\\.\\d)?(B|KiB|MiB)"), "size: " + row[4]);
        assertEquals("4096", row[5]);
        assertEquals("delete", row[6]);
        assertEquals(requests, row[8]);
        assertEquals("-", row[9]);
        assertEquals(path.toString(), row[10]);
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
