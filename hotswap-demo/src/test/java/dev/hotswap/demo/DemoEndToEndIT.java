package dev.hotswap.demo;

import static dev.hotswap.demo.DemoFiles.SEED;
import static dev.hotswap.demo.DemoFiles.names;
import static dev.hotswap.demo.DemoFiles.sha256;
import static dev.hotswap.demo.DemoFiles.sql;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hotswap.demo.core.Items;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The whole system as users run it: the demo app in its own JVM on each {@link Server} (Jetty,
 * Undertow, Tomcat, Spring Boot), and the jlink-built {@code hotswap} launcher pushing and pulling
 * through the admin socket. Generations,
 * rollback and restarts: {@link GenerationsEndToEndIT}.
 */
@Timeout(120)
class DemoEndToEndIT {

    @TempDir
    Path dir;

    @ParameterizedTest
    @Servers
    void pullsToStdout(Server server) throws Exception {
        try (DemoProcess demo = DemoProcess.start(server, dir)) {
            var pulled = demo.cli("cp", demo.db.toString(), "-");
            assertEquals(0, pulled.exit(), pulled.stderr());
            Path copy = dir.resolve("from-stdout.sqlite3");
            Files.write(copy, pulled.stdout());
            assertEquals(SEED, names(copy));
        }
    }

    @ParameterizedTest
    @Servers
    void pullsToFileWhileTheAppWrites(Server server) throws Exception {
        try (DemoProcess demo = DemoProcess.start(server, dir)) {
            assertEquals(201, demo.post("/items", "durian").statusCode());
            var pulled = demo.cli("cp", "production", "backup.sqlite3");
            assertEquals(0, pulled.exit(), pulled.stderr());
            assertEquals(List.of("apple", "banana", "cherry", "durian"), names(dir.resolve("backup.sqlite3")));
        }
    }

    @ParameterizedTest
    @Servers
    void pushesFromFile(Server server) throws Exception {
        try (DemoProcess demo = DemoProcess.start(server, dir)) {
            Path next = database("next.sqlite3", List.of("kiwi", "lime"));
            demo.cli("cp", next.toString(), demo.db.toString()).assertOk();
            assertEquals("[\"kiwi\",\"lime\"]", demo.get("/items").body());
        }
    }

    @ParameterizedTest
    @Servers
    void pushesAndPullsOnlyTheChangedPagesByDelta(Server server) throws Exception {
        try (DemoProcess demo = DemoProcess.start(server, dir)) {
            sql(demo.db, "INSERT INTO items(name) SELECT 'row ' || i FROM (WITH RECURSIVE n(i) AS"
                    + " (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 20000) SELECT i FROM n)");
            var pulled = demo.cli("cp", "production", "backup.sqlite3");
            assertEquals(0, pulled.exit(), pulled.stderr());
            Path next = dir.resolve("next.sqlite3");
            Files.copy(dir.resolve("backup.sqlite3"), next);
            sql(next, "UPDATE items SET name = 'changed' WHERE id BETWEEN 10000 AND 10100");

            var pushed = demo.cli("cp", "--delta", next.toString(), "production");
            pushed.assertOk();
            assertTrue(pushed.stderr().matches("(?s).*Compared \\d+ pages, sent \\d+ of \\d+ .*"), pushed.stderr());
            assertTrue(pushed.stderr().contains(" by delta in "), pushed.stderr());
            assertEquals(List.of("changed"), DemoFiles.values(demo.db, "SELECT DISTINCT name FROM items WHERE id BETWEEN 10000 AND 10100"));

            var again = demo.cli("cp", "--delta", "production", "backup.sqlite3");
            assertEquals(0, again.exit(), again.stderr());
            assertTrue(again.stderr().contains("Pulled production to " + dir.resolve("backup.sqlite3") + " by delta: "),
                    again.stderr());
            assertEquals(names(demo.db), names(dir.resolve("backup.sqlite3")));

            var whole = demo.cli("cp", "--full", "production", "backup.sqlite3");
            assertEquals(0, whole.exit(), whole.stderr());
            assertTrue(!whole.stderr().contains("by delta"), whole.stderr());
        }
    }

    @ParameterizedTest
    @Servers
    void pushesFromStdin(Server server) throws Exception {
        try (DemoProcess demo = DemoProcess.start(server, dir)) {
            byte[] next = Files.readAllBytes(database("next.sqlite3", List.of("mango")));
            demo.cli(next, "cp", "-", "db/production.sqlite3").assertOk();
            assertEquals("[\"mango\"]", demo.get("/items").body());
        }
    }

    @ParameterizedTest
    @Servers
    void refusesSchemaMismatchAndKeepsTheLiveData(Server server) throws Exception {
        try (DemoProcess demo = DemoProcess.start(server, dir)) {
            Path other = dir.resolve("other.sqlite3");
            sql(other, "CREATE TABLE items(id INTEGER PRIMARY KEY, name TEXT, price REAL)");
            byte[] before = sha256(demo.db);
            var refused = demo.cli("cp", other.toString(), demo.db.toString());
            assertEquals(1, refused.exit());
            assertEquals("", refused.out());
            assertTrue(refused.stderr().contains("ERROR: schema mismatch\n"
                    + "- CREATE TABLE items(id INTEGER PRIMARY KEY, name TEXT)\n"
                    + "+ CREATE TABLE items(id INTEGER PRIMARY KEY, name TEXT, price REAL)"), refused.stderr());
            assertArrayEquals(before, sha256(demo.db));
            assertEquals("[\"apple\",\"banana\",\"cherry\"]", demo.get("/items").body());
        }
    }

    @ParameterizedTest
    @Servers
    void refusesGarbage(Server server) throws Exception {
        try (DemoProcess demo = DemoProcess.start(server, dir)) {
            byte[] garbage = new byte[100_000];
            new Random(7).nextBytes(garbage);
            assertRefusedAndUntouched(demo, garbage);
        }
    }

    @ParameterizedTest
    @Servers
    void refusesTruncatedUpload(Server server) throws Exception {
        try (DemoProcess demo = DemoProcess.start(server, dir)) {
            byte[] whole = rows(5000);
            assertRefusedAndUntouched(demo, Arrays.copyOf(whole, whole.length / 2));
        }
    }

    @ParameterizedTest
    @Servers
    void refusesCorruptPage(Server server) throws Exception {
        try (DemoProcess demo = DemoProcess.start(server, dir)) {
            byte[] bytes = rows(5000);
            int pageSize = ((bytes[16] & 0xff) << 8) | (bytes[17] & 0xff);
            // Scramble the middle of page 3 (a b-tree page of the table): the header stays valid,
            // so only PRAGMA integrity_check can tell.
            for (int i = 2 * pageSize + 8; i < 3 * pageSize - 8; i += 7) {
                bytes[i] ^= 0x5a;
            }
            var refused = assertRefusedAndUntouched(demo, bytes);
            assertTrue(refused.stderr().contains("ERROR: integrity check failed"), refused.stderr());
        }
    }

    @ParameterizedTest
    @Servers
    void pushesSeveralTimesInARow(Server server) throws Exception {
        try (DemoProcess demo = DemoProcess.start(server, dir)) {
            for (int i = 0; i < 3; i++) {
                Path next = database("next-" + i + ".sqlite3", List.of("push " + i));
                demo.cli("cp", next.toString(), "production").assertOk();
                assertEquals("[\"push " + i + "\"]", demo.get("/items").body());
            }
        }
    }

    @ParameterizedTest
    @Servers
    void servesEveryRequestAcrossRepeatedSwapsUnderLoad(Server server) throws Exception {
        List<String> a = IntStream.range(0, 100).mapToObj(i -> "a" + i).toList();
        List<String> b = IntStream.range(0, 100).mapToObj(i -> "b" + i).toList();
        Path fileA = database("a.sqlite3", a);
        Path fileB = database("b.sqlite3", b);
        String jsonA = Items.json(a);
        String jsonB = Items.json(b);
        try (DemoProcess demo = DemoProcess.start(server, dir)) {
            demo.cli("cp", fileA.toString(), "production").assertOk();
            AtomicBoolean running = new AtomicBoolean(true);
            AtomicLong served = new AtomicLong();
            List<String> failures = java.util.Collections.synchronizedList(new ArrayList<>());
            List<Thread> clients = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                clients.add(new Thread(() -> {
                    while (running.get() && failures.size() < 10) {
                        try {
                            HttpResponse<String> response = demo.get("/items");
                            if (response.statusCode() != 200
                                    || !(response.body().equals(jsonA) || response.body().equals(jsonB))) {
                                failures.add(response.statusCode() + " " + response.body());
                            }
                            served.incrementAndGet();
                        } catch (IOException | InterruptedException e) {
                            failures.add(e.toString());
                        }
                    }
                }));
            }
            clients.forEach(Thread::start);
            for (int swap = 0; swap < 6; swap++) {
                demo.cli("cp", (swap % 2 == 0 ? fileB : fileA).toString(), "production").assertOk();
            }
            running.set(false);
            for (Thread client : clients) {
                client.join();
            }
            assertEquals(List.of(), failures);
            assertTrue(served.get() > 0);
            assertEquals(jsonA, demo.get("/items").body());
        }
    }

    @ParameterizedTest
    @Servers
    void serverKilledMidUploadLeavesTheLiveFileAndTheNextStartCleansUp(Server server) throws Exception {
        byte[] big = rows(20_000);
        byte[] before;
        Process push;
        try (DemoProcess demo = DemoProcess.start(server, dir)) {
            before = sha256(demo.db);
            push = demo.startCli("cp", "-", demo.db.toString());
            push.getOutputStream().write(big, 0, big.length / 2);
            push.getOutputStream().flush();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (leftovers(demo.db).isEmpty()) {
                assertTrue(System.nanoTime() < deadline, "the upload reached a temp file");
                Thread.sleep(20);
            }
            demo.kill();
            assertArrayEquals(before, sha256(demo.db), "live database byte-for-byte untouched");
            assertEquals(1, leftovers(demo.db).size(), "kill -9 orphans the temp file");
        }
        try {
            push.getOutputStream().close();
        } catch (IOException alreadyGone) {
            // the CLI may have exited already
        }
        assertTrue(push.waitFor(30, TimeUnit.SECONDS));
        String output = new String(push.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertEquals(1, push.exitValue(), output);
        assertTrue(output.startsWith("ERROR: ") || output.contains("\nERROR: "), output);

        try (DemoProcess restarted = DemoProcess.start(server, dir)) { // replaces the stale socket
            assertEquals(List.of(), leftovers(restarted.db), "orphan deleted at start");
            assertArrayEquals(before, sha256(restarted.db));
            assertEquals("[\"apple\",\"banana\",\"cherry\"]", restarted.get("/items").body());
        }
    }

    @ParameterizedTest
    @MethodSource("baselines")
    void baselineGatesServeTheSameApi(Server server, String gate) throws Exception {
        try (DemoProcess demo = DemoProcess.start(server, dir, "--gate", gate)) {
            assertEquals("ok", demo.get("/health").body());
            assertEquals(201, demo.post("/items", "durian").statusCode());
            assertEquals("[\"apple\",\"banana\",\"cherry\",\"durian\"]", demo.get("/items").body());
            assertEquals(404, demo.get("/nothing").statusCode());
        }
    }

    /** The servers this run covers, each with the baseline gates it has (Quarkus's and Micronaut's demos have no mutex gate). */
    static Stream<Arguments> baselines() {
        return ServerSample.servers(DemoEndToEndIT.class, "baselineGatesServeTheSameApi").stream()
                .flatMap(server -> server.hasMutexGate()
                ? Stream.of(Arguments.of(server, "mutex"), Arguments.of(server, "off"))
                : Stream.of(Arguments.of(server, "off")));
    }

    /** The engine's temp files for the demo's live path (adopted at start, so its folder is beside it). */
    private static List<Path> leftovers(Path db) throws IOException {
        return DemoFiles.leftovers(db, DemoFiles.folder(db));
    }

    private DemoProcess.CliResult assertRefusedAndUntouched(DemoProcess demo, byte[] upload) throws Exception {
        byte[] before = sha256(demo.db);
        var refused = demo.cli(upload, "cp", "-", demo.db.toString());
        assertEquals(1, refused.exit(), refused.stderr());
        assertEquals("", refused.out());
        assertTrue(refused.stderr().startsWith("ERROR: ") || refused.stderr().contains("\nERROR: "), refused.stderr());
        assertArrayEquals(before, sha256(demo.db), "live database byte-for-byte untouched");
        assertEquals("[\"apple\",\"banana\",\"cherry\"]", demo.get("/items").body());
        assertEquals(List.of(), leftovers(demo.db));
        return refused;
    }

    /** The bytes of a demo database of {@code count} rows named {@code row <i>}. */
    private byte[] rows(int count) throws IOException, SQLException {
        return Files.readAllBytes(database("rows-" + count + ".sqlite3", DemoFiles.rows(count)));
    }

    private Path database(String name, List<String> names) throws IOException, SQLException {
        return DemoFiles.database(dir.resolve(name), names);
    }
}
