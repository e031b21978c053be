package dev.hotswap.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.hotswap.protocol.Exit;
import dev.hotswap.protocol.Ready;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Warm-up statements on the admin socket: they run on the new generation's connection before the
 * flip, each in a timed status line, and one that fails refuses a push but not a rollback.
 */
@Timeout(30)
class WarmUpTest {
    private static final Map<String, String> SKIP_SCHEMA_CHECK = Map.of("skip-schema-check", "true");

    private final EngineFixture fixture = new EngineFixture();
    private Path live;

    @AfterEach
    void cleanUp() throws IOException {
        fixture.close();
    }

    private Hotswap start(String... warmUp) throws Exception {
        live = fixture.versioned("production.sqlite3", true, 1, 10);
        return fixture.builder(live).warmUp("production", warmUp).build().start();
    }

    /** The generation 2 candidate: the usual schema plus a table {@code products} that generation 1 lacks. */
    private Path withProducts() throws Exception {
        Path incoming = fixture.versioned("incoming.sqlite3", true, 2, 20);
        try (var connection = new org.sqlite.SQLiteConfig().createConnection("jdbc:sqlite:" + incoming);
                var statement = connection.createStatement()) {
            statement.execute("CREATE TABLE products (id INTEGER PRIMARY KEY, name TEXT)");
            statement.execute("INSERT INTO products (name) VALUES ('lamp'), ('chair')");
        }
        return incoming;
    }

    /** A statement that never returns on a generation of {@code rows} items, and at once on any other. */
    private static String endlessOn(int rows) {
        return "SELECT CASE WHEN (SELECT count(*) FROM items) = " + rows + " THEN (WITH RECURSIVE n(x) AS "
                + "(SELECT 1 UNION ALL SELECT x + 1 FROM n) SELECT count(*) FROM n) ELSE 1 END";
    }

    private Exit push(Path file, Map<String, String> options, List<String> side) throws IOException {
        try (EngineFixture.Client client = EngineFixture.connect(fixture.socket()).hello()
                .request("cp", options, file.toString(), "production")) {
            assertEquals(new Ready(Ready.Direction.PUSH, "production"), Ready.from(client.next()));
            client.upload(Files.readAllBytes(file));
            Exit exit = client.exit();
            side.addAll(client.side);
            return exit;
        }
    }

    @Test
    void warmUpStatementsRunOnTheNewGenerationInTimedLinesBeforeItIsLive() throws Exception {
        // products exists only in the new file: the statement succeeds only on the new generation
        try (Hotswap hotswap = start("SELECT count(*) FROM products", "SELECT * FROM items")) {
            List<String> side = new ArrayList<>();
            assertEquals(new Exit(0, "OK"), push(withProducts(), SKIP_SCHEMA_CHECK, side));

            int first = indexOf(side, "STATUS warm-up \\d+ ms: SELECT count\\(\\*\\) FROM products");
            int second = indexOf(side, "STATUS warm-up \\d+ ms: SELECT \\* FROM items");
            int live = indexOf(side, "STATUS generation 2 is live \\(was 1\\)");
            assertTrue(first < second && second < live, side.toString());
            assertEquals(2, hotswap.status().get(0).current().id());
        }
        assertEquals(List.of("2"), EngineFixture.query(live, "SELECT version FROM meta"));
    }

    @Test
    void refusesPushWhoseWarmUpStatementFailsAndLeavesLiveUntouched() throws Exception {
        try (Hotswap hotswap = start("SELECT count(*) FROM products")) {
            // the live generation has no products either: the statement fails only where it runs, on the new file
            Path incoming = fixture.versioned("incoming.sqlite3", true, 2, 20);
            byte[] before = EngineFixture.bytes(live);
            List<String> side = new ArrayList<>();

            Exit exit = push(incoming, Map.of(), side);

            assertEquals(1, exit.code(), exit.toString());
            assertTrue(exit.message().startsWith("ERROR: production: warm-up statement failed: "
                    + "SELECT count(*) FROM products: "), exit.message());
            assertTrue(exit.message().contains("no such table: products"), exit.message());
            assertTrue(exit.message().endsWith("; database untouched"), exit.message());
            assertArrayEquals(before, EngineFixture.bytes(live));
            assertEquals(List.of(1L), fixture.generations("production.sqlite3"));
            assertEquals(List.of(), EngineFixture.temps(fixture.dir));
            assertEquals(1, hotswap.status().get(0).current().id());
        }
        assertEquals(List.of("1"), EngineFixture.query(live, "SELECT version FROM meta"));
    }

    @Test
    void stagingRefusesAWarmUpStatementTheNewFileCannotCompileBeforeAnythingIsStaged() throws Exception {
        // a fleet node stages, then answers: the refusal must come here, not at the flip after the vote
        try (Hotswap hotswap = start("SELECT name FROM products")) {
            Path incoming = fixture.versioned("incoming.sqlite3", true, 2, 20);
            SwapRefusedException refused = assertThrows(SwapRefusedException.class,
                    () -> hotswap.stage("production", Files.newInputStream(incoming), PushOptions.defaults(), "r-1"));

            assertEquals(SwapRefusedException.Reason.WARM_UP, refused.reason());
            assertEquals(List.of(1L), fixture.generations("production.sqlite3"));
            assertEquals(List.of(), EngineFixture.temps(fixture.dir));
        }
    }

    @Test
    void refusesAtTheFlipAWarmUpStatementThatWouldWriteAndLeavesLiveUntouched() throws Exception {
        try (Hotswap hotswap = start("DELETE FROM items")) {
            Path incoming = fixture.versioned("incoming.sqlite3", true, 2, 20);
            byte[] before = EngineFixture.bytes(live);
            try (StagedGeneration staged = hotswap.stage("production", Files.newInputStream(incoming),
                    PushOptions.defaults(), null)) {
                // it compiles: only running it finds that it writes
                SwapRefusedException refused = assertThrows(SwapRefusedException.class, () -> hotswap.activate(staged));

                assertEquals(SwapRefusedException.Reason.WARM_UP, refused.reason());
                assertTrue(refused.getMessage().startsWith("ERROR: generation 2 of production: warm-up statement failed: "
                        + "DELETE FROM items: "), refused.getMessage());
                assertTrue(refused.getMessage().endsWith("; database untouched"), refused.getMessage());
                assertEquals(List.of("20"), EngineFixture.rows(staged.file(), "SELECT count(*) FROM items"),
                        "query_only kept the new file's rows");
            }
            assertArrayEquals(before, EngineFixture.bytes(live));
            assertEquals(1, hotswap.status().get(0).current().id());
        }
        assertEquals(List.of("1"), EngineFixture.query(live, "SELECT version FROM meta"));
    }

    @Test
    void rollbackGoesOnWithAWarningWhenAWarmUpStatementFailsOnTheOlderGeneration() throws Exception {
        try (Hotswap hotswap = start("SELECT count(*) FROM products")) {
            assertEquals(new Exit(0, "OK"), push(withProducts(), SKIP_SCHEMA_CHECK, new ArrayList<>()));

            List<String> side = new ArrayList<>();
            try (EngineFixture.Client client = EngineFixture.connect(fixture.socket()).hello()
                    .request("rollback", "production")) {
                assertEquals(new Exit(0, "OK"), client.exit());
                side.addAll(client.side);
            }

            int warning = indexOf(side, "STATUS WARNING: warm-up statement failed: SELECT count\\(\\*\\) FROM products: "
                    + ".*no such table: products.*; rolling back anyway");
            assertTrue(warning < indexOf(side, "STATUS generation 1 is live \\(was 2\\)"), side.toString());
            assertEquals(1, hotswap.status().get(0).current().id());
        }
        assertEquals(List.of("1"), EngineFixture.query(live, "SELECT version FROM meta"));
    }

    @Test
    void refusesPushWhoseWarmUpRunsPastItsTimeoutAndLeavesLiveUntouched() throws Exception {
        live = fixture.versioned("production.sqlite3", true, 1, 10);
        try (Hotswap hotswap = fixture.builder(live).warmUp("production", "SELECT count(*) FROM items", endlessOn(20))
                .warmUpTimeout(Duration.ofMillis(300)).build().start()) {
            Path incoming = fixture.versioned("incoming.sqlite3", true, 2, 20);
            byte[] before = EngineFixture.bytes(live);
            List<String> side = new ArrayList<>();

            Exit exit = push(incoming, Map.of(), side);

            assertEquals(1, exit.code(), exit.toString());
            assertEquals("ERROR: generation 2 of production: warm-up statement ran past the warm-up timeout of 300ms: "
                    + endlessOn(20) + "; database untouched", exit.message());
            assertArrayEquals(before, EngineFixture.bytes(live));
            assertEquals(1, hotswap.status().get(0).current().id());
            // nothing stayed stuck: the next push warms up and goes live
            assertEquals(new Exit(0, "OK"), push(fixture.versioned("third.sqlite3", true, 3, 30), Map.of(),
                    new ArrayList<>()));
        }
        assertEquals(List.of("3"), EngineFixture.query(live, "SELECT version FROM meta"));
    }

    @Test
    void rollbackGoesOnWithAWarningWhenTheWarmUpRunsPastItsTimeout() throws Exception {
        live = fixture.versioned("production.sqlite3", true, 1, 10);
        try (Hotswap hotswap = fixture.builder(live)
                .warmUp("production", endlessOn(10))
                .warmUpTimeout(Duration.ofMillis(300)).build().start()) {
            // endless only on generation 1 (10 items), which the rollback goes back to
            assertEquals(new Exit(0, "OK"), push(fixture.versioned("incoming.sqlite3", true, 2, 20), Map.of(),
                    new ArrayList<>()));

            List<String> side = new ArrayList<>();
            try (EngineFixture.Client client = EngineFixture.connect(fixture.socket()).hello()
                    .request("rollback", "production")) {
                assertEquals(new Exit(0, "OK"), client.exit());
                side.addAll(client.side);
            }

            int warning = indexOf(side, "STATUS WARNING: warm-up statement ran past the warm-up timeout of 300ms: "
                    + ".*; rolling back anyway");
            assertTrue(warning < indexOf(side, "STATUS generation 1 is live \\(was 2\\)"), side.toString());
            assertEquals(1, hotswap.status().get(0).current().id());
        }
        assertEquals(List.of("1"), EngineFixture.query(live, "SELECT version FROM meta"));
    }

    @Test
    void warmUpOfAnUnconfiguredDatabaseIsRefusedByTheBuilder() {
        HotswapBuilder builder = Hotswap.builder().database("production", Path.of("/tmp/p.sqlite3"));
        assertThrows(IllegalArgumentException.class, () -> builder.warmUp("staging", "SELECT 1"));
        assertThrows(IllegalArgumentException.class, () -> builder.warmUp("production", " "));
    }

    private static int indexOf(List<String> side, String regex) {
        for (int i = 0; i < side.size(); i++) {
            if (side.get(i).matches(regex)) {
                return i;
            }
        }
        throw new AssertionError("no line matches " + regex + " in " + side);
    }
}
