package dev.hotswap.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;

import dev.hotswap.protocol.Exit;
import dev.hotswap.protocol.PageDigests;
import dev.hotswap.protocol.PageHashes;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The page hashes kept between delta pushes ({@link PageHashCache}): a push to a generation that
 * nothing wrote since its last copy or push does not hash it again, each way of writing the file
 * that a weaker rule would miss makes the next push hash it, and a kept file that was tampered with
 * costs a hash pass, never a wrong database. Every push here is checked against the source's rows,
 * and after a push the kept hashes are checked against the generation file's own.
 */
@Timeout(120)
@SuppressWarnings("try") // a started engine is a resource the body uses only through its socket
class PageHashCacheTest {
    private static final String ROWS = "SELECT id || ' ' || version || ' ' || name FROM items ORDER BY id";
    private static final String HASHED = ", hashed, ";
    private static final String KEPT = ", hashes kept since generation ";
    /** Generation 1, hashed in the background once the engine started ({@link #started}). */
    private static final String HASHED_AT_START = KEPT + "1 became current";
    /**
     * A write that changes neither the file's size nor, in WAL mode, page 1 ('item 1000' to
     * 'ITEM 1000'): only the changed pages' hashes tell it, so a rule that misses it serves wrong ones.
     */
    private static final String SAME_SIZE_WRITE = "UPDATE items SET name = upper(name) WHERE id BETWEEN 1000 AND 1100";

    private final EngineFixture fixture = new EngineFixture();

    @AfterEach
    void cleanUp() throws IOException {
        fixture.close();
    }

    @ParameterizedTest(name = "wal={0}")
    @ValueSource(booleans = {true, false})
    void aSecondDeltaPushToAnUnchangedGenerationDoesNotHashItAgain(boolean wal) throws Exception {
        Path live = fixture.versioned("live.sqlite3", wal, 1, 5000);
        Path first = changed(live, "first.sqlite3", "UPDATE items SET version = 2 WHERE id BETWEEN 100 AND 200");
        Path second = changed(first, "second.sqlite3", "UPDATE items SET version = 3 WHERE id BETWEEN 3000 AND 3100");
        try (Hotswap hotswap = started(fixture.builder(live))) {
            assertBaseCopy(HASHED_AT_START, push(first, live));
            assertKeptHashesAreTheFilesHashes(fixture, 2);
            assertBaseCopy(KEPT + "2 was pushed", push(second, live));
            assertKeptHashesAreTheFilesHashes(fixture, 3);
            assertEquals(1, pageHashFiles(fixture).size(), "one kept file per database");
        }
        assertEquals(EngineFixture.query(second, ROWS), EngineFixture.query(live, ROWS));
        assertEquals(List.of(), pageHashFiles(fixture), "the kept hashes are deleted at close");
    }

    /** {@code PRAGMA data_version} would miss this one: the commit is the engine's own connection's. */
    @ParameterizedTest(name = "wal={0}")
    @ValueSource(booleans = {true, false})
    void aCommitThroughTheEnginesOwnPoolMakesTheNextPushHash(boolean wal) throws Exception {
        Path live = fixture.versioned("live.sqlite3", wal, 1, 5000);
        Path first = changed(live, "first.sqlite3", "UPDATE items SET version = 2 WHERE id BETWEEN 100 AND 200");
        Path second = changed(first, "second.sqlite3", "UPDATE items SET version = 3 WHERE id BETWEEN 3000 AND 3100");
        try (Hotswap hotswap = started(fixture.builder(live))) {
            assertBaseCopy(HASHED_AT_START, push(first, live));
            try (Connection connection = hotswap.dataSource("production").getConnection();
                    Statement statement = connection.createStatement()) {
                statement.execute(SAME_SIZE_WRITE);
            }
            assertBaseCopy(HASHED, push(second, live));
        }
        assertEquals(EngineFixture.query(second, ROWS), EngineFixture.query(live, ROWS));
    }

    /**
     * In WAL mode a commit leaves the file and its change counter alone until a checkpoint, which
     * the base copy runs; or the app's own checkpoint moved it there before.
     */
    @ParameterizedTest(name = "checkpointed by the app={0}")
    @ValueSource(booleans = {true, false})
    void aWalCommitMakesTheNextPushHash(boolean checkpointedByTheApp) throws Exception {
        Path live = fixture.versioned("live.sqlite3", true, 1, 5000);
        Path first = changed(live, "first.sqlite3", "UPDATE items SET version = 2 WHERE id BETWEEN 100 AND 200");
        Path second = changed(first, "second.sqlite3", "UPDATE items SET version = 3 WHERE id BETWEEN 3000 AND 3100");
        try (Hotswap hotswap = started(fixture.builder(live))) {
            assertBaseCopy(HASHED_AT_START, push(first, live));
            run(live, SAME_SIZE_WRITE,
                    checkpointedByTheApp ? "PRAGMA wal_checkpoint(TRUNCATE)" : "SELECT 1");
            assertBaseCopy(HASHED, push(second, live));
        }
        assertEquals(EngineFixture.query(second, ROWS), EngineFixture.query(live, ROWS));
    }

    @ParameterizedTest(name = "wal={0}")
    @ValueSource(booleans = {true, false})
    void aVacuumMakesTheNextPushHash(boolean wal) throws Exception {
        Path live = fixture.versioned("live.sqlite3", wal, 1, 5000);
        Path first = changed(live, "first.sqlite3", "DELETE FROM items WHERE id BETWEEN 100 AND 2000");
        Path second = changed(first, "second.sqlite3", "UPDATE items SET version = 3 WHERE id BETWEEN 3000 AND 3100");
        try (Hotswap hotswap = started(fixture.builder(live))) {
            assertBaseCopy(HASHED_AT_START, push(first, live));
            run(live, "VACUUM");
            assertBaseCopy(HASHED, push(second, live));
        }
        assertEquals(EngineFixture.query(second, ROWS), EngineFixture.query(live, ROWS));
    }

    /** A restore through SQLite's backup API rewrites every page, page 1 included. */
    @ParameterizedTest(name = "wal={0}")
    @ValueSource(booleans = {true, false})
    void aRestoreThroughTheBackupApiMakesTheNextPushHash(boolean wal) throws Exception {
        Path live = fixture.versioned("live.sqlite3", wal, 1, 5000);
        Path first = changed(live, "first.sqlite3", "UPDATE items SET version = 2 WHERE id BETWEEN 100 AND 200");
        Path restored = changed(first, "restored.sqlite3", SAME_SIZE_WRITE);
        Path second = changed(first, "second.sqlite3", "UPDATE items SET version = 3 WHERE id BETWEEN 3000 AND 3100");
        try (Hotswap hotswap = started(fixture.builder(live))) {
            assertBaseCopy(HASHED_AT_START, push(first, live));
            try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + live);
                    Statement statement = connection.createStatement()) {
                statement.executeUpdate("restore from " + restored);
            }
            assertBaseCopy(HASHED, push(second, live));
        }
        assertEquals(EngineFixture.query(second, ROWS), EngineFixture.query(live, ROWS));
    }

    /**
     * A WAL commit a reader's older snapshot keeps out of the file: the base copy goes through the
     * backup API (its page 1 and the log's pages are not the file's bytes), while the file, and so
     * its stamp, is as it was when its hashes were kept. Served those hashes, the push would keep the
     * commit's rows, which the source does not have.
     */
    @Test
    void aBaseCopyThroughTheBackupApiIsNeverServedTheFilesHashes() throws Exception {
        Path live = fixture.versioned("live.sqlite3", true, 1, 5000);
        Path first = changed(live, "first.sqlite3", "UPDATE items SET version = 2 WHERE id BETWEEN 100 AND 200");
        Path second = changed(first, "second.sqlite3", "UPDATE items SET version = 3 WHERE id BETWEEN 3000 AND 3100");
        try (Hotswap hotswap = started(fixture.builder(live))) {
            assertBaseCopy(HASHED_AT_START, push(first, live));
            try (Connection reader = DriverManager.getConnection("jdbc:sqlite:" + live)) {
                reader.setAutoCommit(false);
                try (Statement statement = reader.createStatement();
                        ResultSet row = statement.executeQuery("SELECT count(*) FROM items")) {
                    row.next(); // an older snapshot than the commit below: the log cannot be written back
                }
                run(live, SAME_SIZE_WRITE);
                List<String> side = push(second, live);
                assertBaseCopy(HASHED, side);
                reader.rollback();
            }
        }
        assertEquals(EngineFixture.query(second, ROWS), EngineFixture.query(live, ROWS));
    }

    /**
     * A hand edit of the generation file, its modification time set back as {@code cp -p} or
     * {@code touch -r} would: in place, or a new file moved over it. Rollback-journal mode, where
     * SQLite reads what the file holds at each transaction.
     */
    @ParameterizedTest(name = "in place={0}")
    @ValueSource(booleans = {true, false})
    void aHandEditWithItsModificationTimeSetBackMakesTheNextPushHash(boolean inPlace) throws Exception {
        Path live = fixture.versioned("live.sqlite3", false, 1, 5000);
        Path first = changed(live, "first.sqlite3", "UPDATE items SET version = 2 WHERE id BETWEEN 100 AND 200");
        Path second = changed(first, "second.sqlite3", "UPDATE items SET version = 3 WHERE id BETWEEN 3000 AND 3100");
        try (Hotswap hotswap = started(fixture.builder(live))) {
            assertBaseCopy(HASHED_AT_START, push(first, live));
            Path file = fixture.generation("live.sqlite3", 2);
            FileTime modified = Files.getLastModifiedTime(file);
            handEdit(file, inPlace);
            Files.setLastModifiedTime(file, modified);
            assertEquals(List.of("1"), EngineFixture.query(live, "SELECT count(*) FROM items WHERE name = 'ITEM 2500'"));
            assertBaseCopy(HASHED, push(second, live));
        }
        assertEquals(EngineFixture.query(second, ROWS), EngineFixture.query(live, ROWS));
    }

    /** A kept file that changed or was cut since it was written is found out, and the base hashed. */
    @ParameterizedTest(name = "cut={0}")
    @ValueSource(booleans = {true, false})
    void aTamperedKeptFileCostsAHashPassNotAWrongDatabase(boolean cut) throws Exception {
        Path live = fixture.versioned("live.sqlite3", true, 1, 5000);
        Path first = changed(live, "first.sqlite3", "UPDATE items SET version = 2 WHERE id BETWEEN 100 AND 200");
        Path second = changed(first, "second.sqlite3", "UPDATE items SET version = 3 WHERE id BETWEEN 3000 AND 3100");
        try (Hotswap hotswap = started(fixture.builder(live))) {
            assertBaseCopy(HASHED_AT_START, push(first, live));
            Path kept = pageHashFiles(fixture).get(0);
            try (FileChannel file = FileChannel.open(kept, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
                if (cut) {
                    file.truncate(file.size() - PageHashes.BYTES);
                } else {
                    // page 2's hash made that of a page the source has: a lie a later push would believe
                    ByteBuffer hash = ByteBuffer.allocate(PageHashes.BYTES);
                    file.read(hash, 10L * PageHashes.BYTES);
                    file.write(hash.flip(), PageHashes.BYTES);
                }
            }
            assertBaseCopy(HASHED, push(second, live));
            assertKeptHashesAreTheFilesHashes(fixture, 3);
        }
        assertEquals(EngineFixture.query(second, ROWS), EngineFixture.query(live, ROWS));
    }

    /**
     * The hashes kept are those of the generation that was current: a rollback leaves them behind,
     * and the generation it went back to is hashed in the background.
     */
    @Test
    void aRollbackHashesTheGenerationItWentBackToInTheBackground() throws Exception {
        Path live = fixture.versioned("live.sqlite3", true, 1, 5000);
        Path first = changed(live, "first.sqlite3", "UPDATE items SET version = 2 WHERE id BETWEEN 100 AND 200");
        Path second = changed(live, "second.sqlite3", "UPDATE items SET version = 3 WHERE id BETWEEN 3000 AND 3100");
        try (Hotswap hotswap = started(fixture.builder(live))) {
            assertBaseCopy(HASHED_AT_START, push(first, live));
            hotswap.rollback("production", java.util.OptionalLong.empty());
            settle(hotswap);
            assertBaseCopy(HASHED_AT_START, push(second, live));
        }
        assertEquals(EngineFixture.query(second, ROWS), EngineFixture.query(live, ROWS));
    }

    /** A dry run's patched file never becomes a generation: its hashes are never served. */
    @Test
    void aDeltaDryRunLeavesNoHashesToTheNextPush() throws Exception {
        Path live = fixture.versioned("live.sqlite3", true, 1, 5000);
        Path tried = changed(live, "tried.sqlite3", "UPDATE items SET version = 2 WHERE id BETWEEN 100 AND 200");
        Path next = changed(live, "next.sqlite3", "UPDATE items SET version = 3 WHERE id BETWEEN 3000 AND 3100");
        try (Hotswap hotswap = fixture.builder(live).build().start()) {
            try (EngineFixture.Client client = EngineFixture.connect(fixture.socket()).hello()) {
                client.request("cp", java.util.Map.of("delta", "4096", "dry-run", "true"), tried.toString(),
                        live.toString());
                assertEquals(0, DeltaTransferTest.pushByDeltaAfterRequest(client, tried, false).code(),
                        client.side::toString);
            }
            assertBaseCopy(HASHED, push(next, live));
        }
        assertEquals(EngineFixture.query(next, ROWS), EngineFixture.query(live, ROWS));
    }

    /** Starts the engine, and waits for its background hash pass of generation 1. */
    static Hotswap started(HotswapBuilder builder) throws Exception {
        Hotswap hotswap = builder.build().start();
        settle(hotswap);
        return hotswap;
    }

    /** Waits for the background work queued so far: retirements, prunes, hash passes. */
    static void settle(Hotswap hotswap) throws InterruptedException {
        assertTrue(hotswap.settle(Duration.ofSeconds(30)), "the engine's background work did not end in 30 s");
    }

    /** Pushes {@code next} by delta; returns the server's step lines. */
    private List<String> push(Path next, Path live) throws Exception {
        return push(fixture, next, live);
    }

    /** Pushes {@code next} by delta to the engine of {@code fixture}; returns the server's step lines. */
    static List<String> push(EngineFixture fixture, Path next, Path live) throws Exception {
        try (EngineFixture.Client client = EngineFixture.connect(fixture.socket()).hello()) {
            Exit exit = DeltaTransferTest.pushByDelta(client, next, live, false);
            assertEquals(new Exit(0, "OK"), exit, client.side::toString);
            return client.side;
        }
    }

    static void assertBaseCopy(String how, List<String> side) {
        assertTrue(side.stream().anyMatch(line -> line.startsWith("STATUS base copy of ") && line.contains(how)),
                () -> "expected a base copy line with '" + how + "': " + side);
    }

    /** The one kept hash file holds the SHA-256 of every page of generation {@code id}'s file. */
    static void assertKeptHashesAreTheFilesHashes(EngineFixture fixture, long id) throws Exception {
        Path file = fixture.generation("live.sqlite3", id);
        int pageSize = Integer.parseInt(EngineFixture.query(file, "PRAGMA page_size").get(0));
        List<Path> kept = pageHashFiles(fixture);
        assertEquals(1, kept.size(), kept::toString);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            long pages = channel.size() / pageSize;
            PageHashes actual = PageHashes.inMemory();
            new PageDigests().hashFile(channel, pageSize, pages, actual, PageDigests.Counter.NONE);
            byte[] expected = Files.readAllBytes(kept.get(0));
            assertEquals(pages * PageHashes.BYTES, expected.length);
            byte[] hash = new byte[PageHashes.BYTES];
            for (long page = 0; page < pages; page++) {
                actual.get(page, hash, 0);
                int from = (int) page * PageHashes.BYTES;
                assertArrayEquals(java.util.Arrays.copyOfRange(expected, from, from + PageHashes.BYTES), hash,
                        "page " + (page + 1) + " of generation " + id);
            }
        }
    }

    static List<Path> pageHashFiles(EngineFixture fixture) throws IOException {
        Path folder = fixture.folder("live.sqlite3");
        return EngineFixture.files(folder).stream().filter(name -> name.startsWith(".pagehashes-"))
                .map(folder::resolve).toList();
    }

    /** A copy of {@code from} named {@code name}, in rollback mode (as a CLI builds it), changed by {@code sql}. */
    private Path changed(Path from, String name, String sql) throws Exception {
        Path next = fixture.dir.resolve(name);
        Files.copy(from, next);
        run(next, "PRAGMA journal_mode=DELETE", sql);
        return next;
    }

    /** Changes one row's text in place ('item 2500' to 'ITEM 2500'): same size, the b-tree intact. */
    static void handEdit(Path file, boolean inPlace) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        byte[] needle = "item 2500".getBytes(StandardCharsets.US_ASCII);
        int at = indexOf(bytes, needle);
        assertTrue(at > 0, "'item 2500' is in the file");
        System.arraycopy("ITEM".getBytes(StandardCharsets.US_ASCII), 0, bytes, at, 4);
        if (inPlace) {
            try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
                channel.write(ByteBuffer.wrap(bytes, at, 4), at);
            }
        } else {
            Path temp = file.resolveSibling("hand-made.tmp");
            Files.write(temp, bytes);
            Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        }
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i <= haystack.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    static void run(Path db, String... sql) throws Exception {
        try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + db);
                Statement statement = connection.createStatement()) {
            for (String line : sql) {
                statement.execute(line);
            }
        }
    }
}
