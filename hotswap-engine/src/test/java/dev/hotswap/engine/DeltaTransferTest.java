package dev.hotswap.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import dev.hotswap.protocol.Base;
import dev.hotswap.protocol.DataFrameOutputStream;
import dev.hotswap.protocol.DeltaBase;
import dev.hotswap.protocol.DeltaSource;
import dev.hotswap.protocol.Exit;
import dev.hotswap.protocol.Frame;
import dev.hotswap.protocol.FrameType;
import dev.hotswap.protocol.Handshake;
import dev.hotswap.protocol.PageDigests;
import dev.hotswap.protocol.PageHashes;
import dev.hotswap.protocol.Ready;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.sqlite.SQLiteConfig;

/**
 * Delta pushes and pulls through the admin socket against real SQLite files: the result has the
 * source's content, only changed pages cross the socket, and a delta that does not verify leaves
 * the live database byte for byte as it was.
 */
@Timeout(60)
@SuppressWarnings("try") // a started engine is a resource the body uses only through its socket
class DeltaTransferTest {
    private final EngineFixture fixture = new EngineFixture();

    @AfterEach
    void cleanUp() throws IOException {
        fixture.close();
    }

    @ParameterizedTest
    @CsvSource({
        "1024, 2000, 'UPDATE items SET name = ''changed'' WHERE id BETWEEN 100 AND 120'",
        "4096, 2000, 'INSERT INTO items (version, name) SELECT 1, ''more '' || id FROM items'",
        "65536, 3000, 'DELETE FROM items WHERE id > 100; VACUUM'",
        "4096, 500, 'UPDATE items SET name = ''every row'''",
    })
    void deltaPushSwapsInTheSourcesContent(int pageSize, int rows, String change) throws Exception {
        Path live = fixture.database("live.sqlite3", true, "PRAGMA page_size=" + pageSize, "VACUUM");
        seed(live, rows);
        Path next = fixture.dir.resolve("next.sqlite3");
        Files.copy(live, next, StandardCopyOption.REPLACE_EXISTING);
        run(next, "PRAGMA journal_mode=DELETE", change);
        List<String> expected = EngineFixture.query(next, "SELECT id || ' ' || name FROM items ORDER BY id");
        try (Hotswap hotswap = fixture.builder(live).build().start();
                EngineFixture.Client client = EngineFixture.connect(fixture.socket()).hello()) {
            Exit exit = pushByDelta(client, next, live, false);
            assertEquals(new Exit(0, "OK"), exit, client.side::toString);
            assertTrue(client.side.stream().anyMatch(line -> line.contains(" by delta in ")), client.side::toString);
        }
        assertEquals(expected, EngineFixture.query(live, "SELECT id || ' ' || name FROM items ORDER BY id"));
        assertEquals(List.of(), EngineFixture.temps(fixture.dir));
    }

    @Test
    void sendsOnlyTheChangedPages() throws Exception {
        Path live = fixture.versioned("live.sqlite3", true, 1, 20_000);
        Path next = fixture.dir.resolve("next.sqlite3");
        Files.copy(live, next);
        run(next, "PRAGMA journal_mode=DELETE", "UPDATE items SET name = 'changed' WHERE id BETWEEN 5000 AND 5100");
        try (Hotswap hotswap = fixture.builder(live).build().start();
                EngineFixture.Client client = EngineFixture.connect(fixture.socket()).hello()) {
            assertEquals(new Exit(0, "OK"), pushByDelta(client, next, live, false));
            String received = client.side.stream().filter(line -> line.contains(" by delta in ")).findFirst().orElseThrow();
            long pages = Long.parseLong(received.split(" ")[2]);
            long total = Long.parseLong(received.split(" ")[4]);
            assertTrue(pages * 20 < total, received);
        }
    }

    @Test
    void aDeltaPushRunsTheWarmUpStatementsOnTheNewGenerationBeforeItIsLive() throws Exception {
        Path live = fixture.versioned("live.sqlite3", true, 1, 2_000);
        Path next = fixture.dir.resolve("next.sqlite3");
        Files.copy(live, next);
        run(next, "PRAGMA journal_mode=DELETE", "CREATE TABLE products (id INTEGER PRIMARY KEY)");
        // products is only in the patched file: the statement runs there or fails
        try (Hotswap hotswap = fixture.builder(live).warmUp("production", "SELECT count(*) FROM products").build().start();
                EngineFixture.Client client = EngineFixture.connect(fixture.socket()).hello()) {
            client.request("cp", Map.of("delta", Integer.toString(pageSize(next)), "skip-schema-check", "true"),
                    next.toString(), live.toString());
            Exit exit = pushByDeltaAfterRequest(client, next, false);
            assertEquals(new Exit(0, "OK"), exit, client.side::toString);
            int warmUp = client.side.indexOf(client.side.stream()
                    .filter(line -> line.matches("STATUS warm-up \\d+ ms: SELECT count\\(\\*\\) FROM products"))
                    .findFirst().orElseThrow(() -> new AssertionError(client.side.toString())));
            assertTrue(client.side.stream().anyMatch(line -> line.contains(" by delta in ")), client.side::toString);
            assertTrue(warmUp < client.side.indexOf("STATUS generation 2 is live (was 1)"), client.side::toString);
        }
    }

    @Test
    void refusesALyingDigestAndLeavesTheLiveFileUntouched() throws Exception {
        Path live = fixture.versioned("live.sqlite3", true, 1, 3000);
        Path next = fixture.dir.resolve("next.sqlite3");
        Files.copy(live, next);
        run(next, "PRAGMA journal_mode=DELETE", "UPDATE items SET name = 'changed' WHERE id < 50");
        byte[] before = EngineFixture.bytes(live);
        try (Hotswap hotswap = fixture.builder(live).build().start();
                EngineFixture.Client client = EngineFixture.connect(fixture.socket()).hello()) {
            Exit exit = pushByDelta(client, next, live, true);
            assertEquals(1, exit.code());
            assertTrue(exit.message().startsWith("ERROR: upload corrupt: the patched file's digest "), exit.message());
            assertTrue(exit.message().endsWith("; database untouched"), exit.message());
        }
        assertArrayEquals(before, EngineFixture.bytes(live));
        assertEquals(List.of(), EngineFixture.temps(fixture.dir));
    }

    @Test
    void aDroppedDeltaLeavesTheLiveFileUntouchedAndNoTempFile() throws Exception {
        Path live = fixture.versioned("live.sqlite3", true, 1, 3000);
        byte[] before = EngineFixture.bytes(live);
        try (Hotswap hotswap = fixture.builder(live).build().start()) {
            try (EngineFixture.Client client = EngineFixture.connect(fixture.socket()).hello();
                    FileChannel file = FileChannel.open(live, StandardOpenOption.READ)) {
                int pageSize = 4096;
                client.request("cp", Map.of("delta", Integer.toString(pageSize)), "-", live.toString());
                Ready.from(client.next());
                DeltaSource source = new DeltaSource(client.in, client.out, FrameType.DATA_IN, frame -> { });
                Base base = source.readBase();
                long pages = file.size() / pageSize;
                PageHashes hashes = PageHashes.inMemory();
                PageDigests digests = new PageDigests();
                digests.hashFile(file, pageSize, pages, hashes, PageDigests.Counter.NONE);
                source.compare(base, pages, hashes, digests, PageDigests.Counter.NONE);
                DataFrameOutputStream data = new DataFrameOutputStream(client.out, FrameType.DATA_IN);
                data.write(new byte[100]);
                data.flush();
            } // the connection drops mid-stream
            long deadline = System.nanoTime() + 20_000_000_000L;
            while (!EngineFixture.temps(fixture.dir).isEmpty() && System.nanoTime() < deadline) {
                Thread.sleep(20); // waits for the server to see the drop and delete its candidate
            }
        }
        assertArrayEquals(before, EngineFixture.bytes(live));
        assertEquals(List.of(), EngineFixture.temps(fixture.dir));
    }

    @Test
    void deltaPullPatchesAnOldCopyIntoTheSnapshot() throws Exception {
        Path live = fixture.versioned("live.sqlite3", true, 1, 20_000);
        try (Hotswap hotswap = fixture.builder(live).build().start()) {
            Path old = fixture.dir.resolve("old.sqlite3");
            try (EngineFixture.Client client = EngineFixture.connect(fixture.socket()).hello()) {
                client.request("cp", live.toString(), "-");
                Ready.from(client.next());
                Files.write(old, client.data());
                assertEquals(0, client.exit().code());
            }
            run(live, "UPDATE items SET name = 'changed' WHERE id BETWEEN 7000 AND 7050");
            Path patched = fixture.dir.resolve("patched.sqlite3");
            Files.copy(old, patched);
            try (EngineFixture.Client client = EngineFixture.connect(fixture.socket()).hello();
                    FileChannel file = FileChannel.open(patched, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
                int pageSize = 4096;
                client.request("cp", Map.of("delta", Integer.toString(pageSize)), live.toString(), "-");
                Ready.from(client.next());
                DeltaBase base = new DeltaBase(client.in, client.out, FrameType.DATA_OUT, frame -> { });
                long pages = file.size() / pageSize;
                PageHashes hashes = PageHashes.inMemory();
                PageDigests digests = new PageDigests();
                digests.hashFile(file, pageSize, pages, hashes, PageDigests.Counter.NONE);
                Base offer = Base.of(pageSize, pages);
                base.offer(offer, hashes, digests);
                assertTrue(base.sourceChoseDelta());
                base.answerWants(offer, hashes);
                DeltaBase.Patched result = base.patch(offer, file, hashes, digests, PageDigests.Counter.NONE);
                assertEquals(0, client.exit().code());
                assertTrue(result.pagesReceived() * 20 < result.pageCount(), result::toString);
            }
            assertEquals(EngineFixture.query(live, "SELECT count(*) FROM items WHERE name = 'changed'"),
                    EngineFixture.query(patched, "SELECT count(*) FROM items WHERE name = 'changed'"));
            assertEquals(List.of("ok"), EngineFixture.query(patched, "PRAGMA integrity_check"));
        }
    }

    /**
     * {@code hotswap cp db/production.sqlite3 new.sqlite3} offers a delta (SRC is a local database:
     * the CLI cannot tell a pull from a push before READY), then offers no old copy. With no base
     * there is nothing to compare: the server must not hash its snapshot for it.
     */
    @Test
    void aPullOfferedNoOldCopyHashesNothing() throws Exception {
        Path live = fixture.versioned("live.sqlite3", true, 1, 2000);
        try (Hotswap hotswap = fixture.builder(live).build().start();
                EngineFixture.Client client = EngineFixture.connect(fixture.socket()).hello()) {
            client.request("cp", Map.of("delta", "4096"), live.toString(), "-");
            Ready.from(client.next());
            new DeltaBase(client.in, client.out, FrameType.DATA_OUT, frame -> { }).offerNothing(4096);
            byte[] pulled = client.data();

            assertEquals(0, client.exit().code(), client.side::toString);
            assertEquals(List.of(), client.side.stream().filter(line -> line.equals("PHASE compare")).toList(),
                    "the server hashed its snapshot for an offer of no old copy: " + client.side);
            assertArrayEquals(EngineFixture.bytes(live), pulled);
        }
    }

    /**
     * The server's base copy waits for a writer's lock for three idle timeouts: its own work, which
     * the upload's minimum rate must not blame on the client.
     */
    @Test
    void aDeltaPushIsTimedOnlyFromWhenTheServerWaitsForTheClient() throws Exception {
        Path live = fixture.versioned("live.sqlite3", false, 1, 3000);
        Path next = fixture.dir.resolve("next.sqlite3");
        Files.copy(live, next);
        run(next, "UPDATE items SET name = 'changed' WHERE id < 50");
        Duration idle = Duration.ofMillis(400);
        try (Hotswap hotswap = fixture.builder(live).idleTimeout(idle).build().start();
                Connection writer = new SQLiteConfig().createConnection("jdbc:sqlite:" + live);
                Statement statement = writer.createStatement();
                EngineFixture.Client client = EngineFixture.connect(fixture.socket()).hello()) {
            statement.execute("BEGIN EXCLUSIVE"); // the base copy's read transaction waits for it
            CompletableFuture<Void> release = CompletableFuture.runAsync(() -> {
                try {
                    Thread.sleep(idle.toMillis() * 3);
                    statement.execute("ROLLBACK");
                } catch (InterruptedException | java.sql.SQLException e) {
                    throw new AssertionError("could not release the writer's lock", e);
                }
            });
            Exit exit = pushByDelta(client, next, live, false);
            release.get(10, TimeUnit.SECONDS);

            assertEquals(new Exit(0, "OK"), exit, client.side::toString);
        }
        assertEquals(List.of("changed"), EngineFixture.query(live, "SELECT DISTINCT name FROM items WHERE id < 50"));
    }

    /**
     * Once the server has offered its base, the client's turn begins: a client that then sends
     * nothing for the idle timeout is cut off, and the message says it was the client.
     */
    @Test
    void aDeltaPushWhoseClientFallsSilentIsToldItWasTheClient() throws Exception {
        Path live = fixture.versioned("live.sqlite3", true, 1, 2000);
        byte[] before = EngineFixture.bytes(live);
        Duration idle = Duration.ofMillis(1000);
        try (Hotswap hotswap = fixture.builder(live).idleTimeout(idle).build().start();
                EngineFixture.Client client = EngineFixture.connect(fixture.socket()).hello()) {
            client.request("cp", Map.of("delta", "4096"), "-", live.toString());
            Ready.from(client.next());
            DeltaSource source = new DeltaSource(client.in, client.out, FrameType.DATA_IN, frame -> { });
            Base base = source.readBase();
            assertTrue(base.pageCount() > 0, base::toString);
            // ... and no WANT: silent from here on.
            Frame frame;
            while ((frame = client.next()) != null && frame.type() != FrameType.EXIT) {
                // the block hashes, the server's lines
            }

            assertEquals(new Exit(1, "ERROR: push failed: the client sent nothing for 1s; database untouched"),
                    frame == null ? null : Exit.from(frame));
        }
        assertArrayEquals(before, EngineFixture.bytes(live));
        assertEquals(List.of(), EngineFixture.temps(fixture.dir));
    }

    /**
     * The client copies and hashes its old copy before it offers it (its own work); one that sends
     * nothing for a whole idle timeout meanwhile is cut off with a reason that says so, and, if it
     * offers within one more idle timeout, reads that reason after its offer instead of a broken pipe.
     */
    @Test
    void aPullWhoseClientFallsSilentWhileOfferingItsOldCopyIsToldSo() throws Exception {
        Path live = fixture.versioned("live.sqlite3", true, 1, 2000);
        Path old = fixture.dir.resolve("old.sqlite3");
        Files.copy(live, old);
        Duration idle = Duration.ofMillis(1000);
        try (Hotswap hotswap = fixture.builder(live).idleTimeout(idle).build().start();
                EngineFixture.Client client = EngineFixture.connect(fixture.socket()).hello();
                FileChannel file = FileChannel.open(old, StandardOpenOption.READ)) {
            int pageSize = 4096;
            client.request("cp", Map.of("delta", Integer.toString(pageSize)), live.toString(), "-");
            Ready.from(client.next());
            Thread.sleep(idle.toMillis() * 3 / 2); // preparing the offer without a word
            long pages = file.size() / pageSize;
            PageHashes hashes = PageHashes.inMemory();
            PageDigests digests = new PageDigests();
            digests.hashFile(file, pageSize, pages, hashes, PageDigests.Counter.NONE);
            new DeltaBase(client.in, client.out, FrameType.DATA_OUT, frame -> { }).offer(Base.of(pageSize, pages),
                    hashes, digests);

            assertEquals(new Exit(1, "ERROR: pull failed: the client sent nothing for 1s while it offered its old copy;"
                    + " closed"), client.exit());
        }
    }

    @Test
    void aVersion1ClientPushesTheWholeFileAndCannotAskForADelta() throws Exception {
        Path live = fixture.versioned("live.sqlite3", true, 1, 100);
        Path next = fixture.versioned("next.sqlite3", false, 2, 100);
        try (Hotswap hotswap = fixture.builder(live).build().start()) {
            try (EngineFixture.Client client = EngineFixture.connect(fixture.socket())) {
                assertEquals(1, Handshake.client(client.in, client.out, 1));
                client.request("cp", Map.of("delta", "4096"), next.toString(), live.toString());
                Exit refused = Exit.from(client.next());
                assertEquals(2, refused.code());
                assertTrue(refused.message().startsWith("ERROR: unknown option 'delta'"), refused.message());
            }
            try (EngineFixture.Client client = EngineFixture.connect(fixture.socket())) {
                assertEquals(1, Handshake.client(client.in, client.out, 1));
                client.request("cp", next.toString(), live.toString());
                Ready.from(client.next());
                client.upload(Files.readAllBytes(next));
                assertEquals(new Exit(0, "OK"), client.exit());
            }
        }
        assertEquals(List.of("2"), EngineFixture.query(live, "SELECT version FROM meta"));
    }

    /** Pushes {@code next} by delta; with {@code lie}, the file digest sent is not {@code next}'s. */
    static Exit pushByDelta(EngineFixture.Client client, Path next, Path live, boolean lie) throws Exception {
        client.request("cp", Map.of("delta", Integer.toString(pageSize(next))), next.toString(), live.toString());
        return pushByDeltaAfterRequest(client, next, lie);
    }

    /** The delta push of {@code next} once its {@code cp} request is sent. */
    static Exit pushByDeltaAfterRequest(EngineFixture.Client client, Path next, boolean lie) throws Exception {
        int pageSize = pageSize(next);
        Ready.from(client.next());
        try (FileChannel file = FileChannel.open(next, StandardOpenOption.READ)) {
            DeltaSource source = new DeltaSource(client.in, client.out, FrameType.DATA_IN, client::side);
            Base base = source.readBase();
            long pages = file.size() / pageSize;
            assertTrue(DeltaSource.usable(base, pageSize, pages), base::toString);
            PageHashes hashes = PageHashes.inMemory();
            PageDigests digests = new PageDigests();
            digests.hashFile(file, pageSize, pages, hashes, PageDigests.Counter.NONE);
            DeltaSource.Plan plan = source.compare(base, pages, hashes, digests, PageDigests.Counter.NONE);
            if (lie) {
                hashes.put(0, new byte[PageHashes.BYTES], 0); // the digest covers page hashes
            }
            DeltaSource.stream(plan, file, new DataFrameOutputStream(client.out, FrameType.DATA_IN), hashes, digests,
                    PageDigests.Counter.NONE);
        }
        return client.exit();
    }

    private static int pageSize(Path file) throws Exception {
        return Integer.parseInt(EngineFixture.query(file, "PRAGMA page_size").get(0));
    }

    private void seed(Path db, int rows) throws Exception {
        List<String> sql = new java.util.ArrayList<>(List.of(EngineFixture.SCHEMA));
        sql.add("INSERT INTO meta VALUES (1)");
        sql.add("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < " + rows + ")"
                + " INSERT INTO items (version, name) SELECT 1, 'item ' || i || ' ' || hex(randomblob(40)) FROM n");
        run(db, sql.toArray(String[]::new));
    }

    private static void run(Path db, String... sql) throws Exception {
        try (var connection = java.sql.DriverManager.getConnection("jdbc:sqlite:" + db);
                var statement = connection.createStatement()) {
            for (String line : sql) {
                for (String part : line.split("; ")) {
                    statement.execute(part);
                }
            }
        }
    }
}
