package dev.hotswap.demo;

import static dev.hotswap.demo.DemoFiles.SEED;
import static dev.hotswap.demo.DemoFiles.folder;
import static dev.hotswap.demo.DemoFiles.generation;
import static dev.hotswap.demo.DemoFiles.names;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.sql.SQLException;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Generations as users meet them, end to end: the demo app in its own JVM and the jlink CLI. Rollback
 * and {@code ls}; pushes while the app's own job writes; restarts with the live path a regular file,
 * an operator's link, a dangling link; a kill -9 at the steps of a push.
 */
@Timeout(180)
class GenerationsEndToEndIT {
    @TempDir
    Path dir;

    @ParameterizedTest
    @Servers
    void rollbackAndToMoveBetweenTheGenerationsThatLsLists(Server server) throws Exception {
        Path a = database("a.sqlite3", List.of("kiwi"));
        Path b = database("b.sqlite3", List.of("lime", "mango"));
        try (DemoProcess demo = DemoProcess.start(server, dir, "--keep", "2")) {
            assertRefused(demo, "ERROR: production has no earlier generation to roll back to\n", "rollback", "production");
            assertEquals(List.of("1 current"), demo.generations());

            demo.cli("cp", a.toString(), "production").assertOk();
            demo.cli("cp", b.toString(), demo.db.toString()).assertOk();
            assertEquals(List.of("3 current", "2 kept", "1 kept"), demo.generations());
            assertEquals(List.of("lime", "mango"), demo.items());

            DemoProcess.CliResult back = demo.cli("rollback", "production");
            back.assertOk();
            assertTrue(back.stderr().contains("\ngeneration 2 is live (was 3)\n"), back.stderr());
            assertEquals(List.of("kiwi"), demo.items());

            demo.cli("rollback", demo.db.toString(), "--to", "1").assertOk();
            assertEquals(SEED, demo.items());
            assertEquals(List.of("1 current", "2 kept", "3 kept"), demo.generations());
            assertEquals(generation(folder(demo.db), 1), demo.db.toRealPath());

            assertRefused(demo, "ERROR: production has no generation 9 (kept: 2, 3)\n",
                    "rollback", "production", "--to", "9");
            assertRefused(demo, "ERROR: generation 1 of production is current already\n",
                    "rollback", "production", "--to", "1");
            assertEquals(SEED, demo.items());

            demo.cli("rollback", "production", "--to", "3").assertOk();
            assertEquals(List.of("lime", "mango"), demo.items());
            assertEquals(generation(folder(demo.db), 3), demo.db.toRealPath());
        }
    }

    @ParameterizedTest
    @Servers
    void pushesLandWhileTheAppsOwnJobWritesAndTheAppStaysHealthy(Server server) throws Exception {
        List<String> rowsA = prefixed("a", 2000);
        List<String> rowsB = prefixed("b", 2000);
        Path fileA = database("a.sqlite3", rowsA);
        Path fileB = database("b.sqlite3", rowsB);
        DemoProcess demo = DemoProcess.start(server, dir, "--background-writer");
        try (demo) {
            awaitBackgroundRows(demo, SEED);
            for (int push = 0; push < 6; push++) {
                List<String> pushed = push % 2 == 0 ? rowsA : rowsB;
                demo.cli("cp", (push % 2 == 0 ? fileA : fileB).toString(), "production").assertOk();
                List<String> items = demo.items();
                assertEquals(pushed, items.subList(0, Math.min(items.size(), pushed.size())),
                        "every row of the pushed file, first, after push " + push);
                assertBackgroundRows(items.subList(pushed.size(), items.size()));
            }
            awaitBackgroundRows(demo, rowsB);
            assertEquals("ok", demo.get("/health").body());

            DemoProcess.CliResult pulled = demo.cli("cp", "production", "snapshot.sqlite3");
            assertEquals(0, pulled.exit(), pulled.stderr());
            Path snapshot = dir.resolve("snapshot.sqlite3");
            assertEquals("ok", DemoFiles.integrity(snapshot));
            assertEquals(rowsB, names(snapshot).subList(0, rowsB.size()));
        }
        String log = Files.readString(dir.resolve("demo.stderr"));
        assertTrue(demo.stopOutput().matches("stopped; background writer: [1-9]\\d* rows written, 0 failed\n"),
                () -> demo.stopOutput() + "\n" + log);
    }

    @ParameterizedTest
    @Servers
    void aRegularFileIsAdoptedAtStartAndTheGenerationsSurviveARestart(Server server) throws Exception {
        Path live = database("db/production.sqlite3", List.of("original"));
        Object inode = fileKey(live);
        Path next = database("next.sqlite3", List.of("pushed"));
        try (DemoProcess demo = DemoProcess.start(server, dir)) {
            Path first = generation(folder(live), 1);
            assertTrue(Files.isSymbolicLink(live), "the live path links to the adopted generation now");
            assertEquals(first, live.toRealPath());
            assertEquals(inode, fileKey(first), "adopted by a hard link: the same file, nothing copied");
            assertEquals(List.of("original"), demo.items());
            demo.cli("cp", next.toString(), "production").assertOk();
        }
        try (DemoProcess restarted = DemoProcess.start(server, dir)) {
            assertEquals(List.of("2 current", "1 kept"), restarted.generations());
            assertEquals(List.of("pushed"), restarted.items());
            restarted.cli("rollback", "production").assertOk();
            assertEquals(List.of("original"), restarted.items());
        }
    }

    @ParameterizedTest
    @Servers
    void anOperatorsLinkIsServedWhereItLiesAndItsFileIsNeverMovedOrDeleted(Server server) throws Exception {
        Path volume = database("volume/data.sqlite3", List.of("on the volume"));
        Object inode = fileKey(volume);
        Path live = Files.createDirectories(dir.resolve("db")).resolve("production.sqlite3");
        Files.createSymbolicLink(live, volume);
        Path a = database("a.sqlite3", List.of("kiwi"));
        Path b = database("b.sqlite3", List.of("lime"));
        try (DemoProcess demo = DemoProcess.start(server, dir)) {
            assertEquals(volume, Files.readSymbolicLink(live), "the operator's link is left as it is at start");
            assertEquals(List.of("on the volume"), demo.items());

            demo.cli("cp", a.toString(), "production").assertOk();
            assertEquals(generation(folder(volume), 2), live.toRealPath(),
                    "generations live beside the data, on its file system");
            assertEquals(List.of("2 current", "1 kept"), demo.generations());

            demo.cli("rollback", "production").assertOk();
            assertEquals(volume, live.toRealPath(), "a rollback points the live path at the operator's file again");
            assertEquals(List.of("on the volume"), demo.items());

            demo.cli("cp", b.toString(), "production").assertOk();
            assertEquals(List.of("3 current", "1 kept"), demo.generationsOnceRetired());
            assertFalse(Files.exists(generation(folder(volume), 2)), "generation 2 went beyond keep 1");
        }
        try (DemoProcess restarted = DemoProcess.start(server, dir)) {
            assertEquals(List.of("3 current", "1 kept"), restarted.generations());
            assertEquals(List.of("lime"), restarted.items());
        }
        assertEquals(inode, fileKey(volume), "the operator's file is where it was, the same file");
        assertEquals(List.of("on the volume"), names(volume));
    }

    @ParameterizedTest
    @Servers
    void aDanglingLinkIsAClearErrorAtStartAndNothingIsCreated(Server server) throws Exception {
        Path live = Files.createDirectories(dir.resolve("db")).resolve("production.sqlite3");
        Path missing = dir.resolve("volume/missing.sqlite3");
        Files.createSymbolicLink(live, missing);
        DemoProcess.Failure refused = DemoProcess.failToStart(server, dir);
        assertEquals(1, refused.exit(), refused.stderr());
        assertTrue(refused.stderr().endsWith("ERROR: database production: " + live + " is a symbolic link to "
                + missing + ", which does not exist\n"), refused.stderr());
        assertFalse(Files.exists(missing, java.nio.file.LinkOption.NOFOLLOW_LINKS), "nothing created at the target");
        assertFalse(Files.exists(dir.resolve("hotswap.sock")), "no socket");

        // The same after a restart, when the current generation's file went missing meanwhile.
        Files.delete(live);
        try (DemoProcess demo = DemoProcess.start(server, dir)) {
            demo.cli("cp", database("next.sqlite3", List.of("pushed")).toString(), "production").assertOk();
        }
        Files.delete(generation(folder(live), 2));
        DemoProcess.Failure gone = DemoProcess.failToStart(server, dir);
        assertEquals(1, gone.exit(), gone.stderr());
        assertTrue(gone.stderr().endsWith("ERROR: database production: " + live + " is a symbolic link to "
                + ".hotswap/production.sqlite3/000002.sqlite3, which does not exist\n"), gone.stderr());
    }

    /**
     * Kills the app with SIGKILL right after the CLI printed {@code step}'s line, so that the kill lands
     * in or just after that step; where exactly depends on the machine, so the checks hold for any
     * point: the next start serves one complete generation, the old or the new, and has cleaned up.
     * Once the swap has reported ({@code swap N ms}), the new generation must be the one.
     */
    @ParameterizedTest
    @MethodSource("killPoints")
    void aKillDuringAPushLeavesACompleteGenerationAndTheNextStartCleansUp(Server server, String step)
            throws Exception {
        List<String> pushed = DemoFiles.rows(60_000);
        Path next = database("next.sqlite3", pushed);
        Path live = dir.resolve("db/production.sqlite3");
        Process push;
        try (DemoProcess demo = DemoProcess.start(server, dir)) {
            push = demo.startCli("cp", next.toString(), "production");
            awaitLine(push, step);
            demo.kill();
        }
        assertTrue(push.waitFor(30, TimeUnit.SECONDS), "the CLI ends once the app is gone");

        Path current;
        try (DemoProcess restarted = DemoProcess.start(server, dir)) {
            current = live.toRealPath();
            List<String> items = restarted.items();
            if (current.equals(generation(folder(live), 2))) {
                assertEquals(pushed, items, "the new generation, whole");
            } else {
                assertEquals(generation(folder(live), 1), current);
                assertEquals(SEED, items, "the old generation, whole");
            }
            if (step.equals("swap ")) {
                assertEquals(generation(folder(live), 2), current, "the swap had reported: the new generation is durable");
            }
            assertEquals(List.of(), DemoFiles.leftovers(live, folder(live)), "temp files deleted at start");
            List<String> listed = restarted.generations();
            for (Path file : DemoFiles.generations(folder(live))) {
                long id = Long.parseLong(file.getFileName().toString().substring(0, 6));
                assertTrue(listed.stream().anyMatch(line -> line.startsWith(id + " ")),
                        "generation file " + file + " is one ls lists (" + listed + "); one that never went live is deleted");
            }
        }
        assertEquals("ok", DemoFiles.integrity(current));
    }

    /**
     * Each step of a push the kill lands after, on the servers in turn: where a kill lands is the
     * engine's and the CLI's, whichever server runs the app, so each step runs once and every server
     * takes a kill.
     */
    static Stream<Arguments> killPoints() {
        List<String> steps = List.of("received", "integrity check", "schema check", "Swapping database...", "swap ");
        Server[] servers = Server.values();
        return IntStream.range(0, steps.size()).mapToObj(i -> Arguments.of(servers[i % servers.length], steps.get(i)));
    }

    /** Reads the CLI's merged output until a line starts with {@code prefix}; fails if the CLI ends first. */
    private static void awaitLine(Process cli, String prefix) throws IOException {
        BufferedReader output = new BufferedReader(new InputStreamReader(cli.getInputStream(), StandardCharsets.UTF_8));
        StringBuilder seen = new StringBuilder();
        for (String line; (line = output.readLine()) != null;) {
            if (line.startsWith(prefix)) {
                return;
            }
            seen.append(line).append('\n');
        }
        throw new AssertionError("the CLI ended without a line starting with '" + prefix + "':\n" + seen);
    }

    /** Waits (10 s at most) until the background writer has added rows after {@code first}. */
    private static void awaitBackgroundRows(DemoProcess demo, List<String> first) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (true) {
            List<String> items = demo.items();
            assertEquals(first, items.subList(0, Math.min(items.size(), first.size())));
            if (items.size() >= first.size() + 3) {
                assertBackgroundRows(items.subList(first.size(), items.size()));
                return;
            }
            assertTrue(System.nanoTime() < deadline, "the background writer added no rows after " + first.size()
                    + " within 10 s: " + items.subList(first.size(), items.size()));
            Thread.sleep(20);
        }
    }

    private static void assertBackgroundRows(List<String> rows) {
        for (String row : rows) {
            assertTrue(row.matches("bg-\\d+"), "only the background writer's rows follow the pushed ones: " + row);
        }
    }

    private static void assertRefused(DemoProcess demo, String stderr, String... args) throws Exception {
        DemoProcess.CliResult refused = demo.cli(args);
        assertEquals(1, refused.exit(), refused.stderr());
        assertEquals("", refused.out());
        assertEquals(stderr, refused.stderr());
    }

    private static List<String> prefixed(String prefix, int count) {
        return DemoFiles.rows(count).stream().map(row -> prefix + " " + row).toList();
    }

    private static Object fileKey(Path file) throws IOException {
        return Files.readAttributes(file, BasicFileAttributes.class).fileKey();
    }

    private Path database(String name, List<String> names) throws IOException, SQLException {
        Files.createDirectories(dir.resolve(name).getParent());
        return DemoFiles.database(dir.resolve(name), names);
    }
}
