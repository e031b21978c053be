package dev.hotswap.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.sqlite.SQLiteConfig;

import dev.hotswap.protocol.CatchUpPass;
import dev.hotswap.protocol.DataFrameInputStream;
import dev.hotswap.protocol.DataFrameOutputStream;
import dev.hotswap.protocol.FrameReader;
import dev.hotswap.protocol.FrameType;
import dev.hotswap.protocol.FrameWriter;

/**
 * Streaming a rollback-journal file from the live file, with catch-up passes: whatever commits land
 * between the read transactions, the client's file ends as one committed state, byte for byte.
 */
@Timeout(120)
class LiveFilePullTest {
    private static final int ROWS = 1_500;
    /** What a writer commits between two read transactions, by number. */
    private static final int NOTHING = 0;
    private static final int UPDATE = 1;
    private static final int INSERT = 2;
    private static final int SHRINK = 3;
    private static final int NEW_PAGE_SIZE = 4;

    private final EngineFixture fixture = new EngineFixture();
    private final AtomicInteger databases = new AtomicInteger();

    @AfterEach
    void cleanUp() throws IOException {
        fixture.close();
    }

    @Test
    void withoutCommitsTheStreamIsTheFileAndNoPassFollows() throws Exception {
        Path live = liveDatabase();
        Pulled pulled = pull(live, 4 * LiveFilePull.UNIT, () -> { });

        assertEquals(0, pulled.passes());
        assertArrayEquals(Files.readAllBytes(live), Files.readAllBytes(pulled.file()));
    }

    @Test
    void whateverCommitsLandBetweenChunksTheClientEndsWithOneCommittedStateByteForByte() {
        qt().withExamples(30).forAll(integers().between(1, 6),
                lists().of(integers().between(NOTHING, NEW_PAGE_SIZE)).ofSizeBetween(0, 30))
                .checkAssert((units, commits) -> {
                    try {
                        Path live = liveDatabase();
                        try (Connection writer = new SQLiteConfig().createConnection("jdbc:sqlite:" + live)) {
                            AtomicInteger between = new AtomicInteger();
                            Pulled pulled = pull(live, units * LiveFilePull.UNIT, () -> {
                                int n = between.getAndIncrement();
                                commit(writer, n < commits.size() ? commits.get(n) : NOTHING, n);
                            });
                            // Commits land only between read transactions, none after the last: the
                            // live file now is the state the last pass read.
                            assertArrayEquals(Files.readAllBytes(live), Files.readAllBytes(pulled.file()),
                                    units + " units a chunk, commits " + commits + ", " + pulled.passes() + " passes");
                            assertTrue(pulled.passes() <= LiveFilePull.CHUNKED_PASSES + 1, pulled.passes() + " passes");
                        }
                    } catch (IOException | SQLException e) {
                        throw new AssertionError(e);
                    }
                });
    }

    @Test
    void afterItsChunkedPassesACatchUpHoldsWritersOffUntilItEnds() throws Exception {
        Path live = liveDatabase();
        try (Connection writer = new SQLiteConfig().createConnection("jdbc:sqlite:" + live)) {
            // A writer that commits between every two chunks would keep chunked passes going forever.
            AtomicInteger between = new AtomicInteger();
            Pulled pulled = pull(live, LiveFilePull.UNIT, () -> commit(writer, UPDATE, between.getAndIncrement()));

            assertEquals(LiveFilePull.CHUNKED_PASSES + 1, pulled.passes());
            assertArrayEquals(Files.readAllBytes(live), Files.readAllBytes(pulled.file()));
        }
        assertEquals(List.of("ok"), EngineFixture.query(live, "PRAGMA integrity_check"));
    }

    @Test
    void aSwitchToWalModeBetweenChunksFailsThePullInsteadOfMissingTheLog() throws Exception {
        Path live = liveDatabase();
        try (Connection writer = new SQLiteConfig().createConnection("jdbc:sqlite:" + live);
                Statement statement = writer.createStatement()) {
            AtomicInteger between = new AtomicInteger();
            IOException failed = assertThrows(IOException.class, () -> pull(live, LiveFilePull.UNIT, () -> {
                if (between.getAndIncrement() == 0) {
                    try {
                        statement.execute("PRAGMA journal_mode = WAL");
                        statement.executeUpdate("UPDATE items SET body = x'00' WHERE id = 1"); // in the log only
                    } catch (SQLException e) {
                        throw new AssertionError(e);
                    }
                }
            }));
            assertEquals("the database switched to WAL mode during the pull; pull it again", failed.getMessage());
        }
    }

    /** The client's file after the whole pull, and how many catch-up passes it took. */
    private record Pulled(Path file, int passes) {
    }

    /** Pulls {@code live} as a server would send it and applies it as a client would, through the wire format. */
    private Pulled pull(Path live, int chunk, Runnable betweenTransactions) throws IOException, SQLException {
        ByteArrayOutputStream wire = new ByteArrayOutputStream();
        FrameWriter out = new FrameWriter(wire);
        int passes;
        try (LiveFileChunks chunks = new LiveFileChunks(live, betweenTransactions)) {
            LiveFilePull pull = new LiveFilePull(chunks, chunk);
            DataFrameOutputStream data = new DataFrameOutputStream(out, FrameType.DATA_OUT);
            boolean done = pull.stream(data);
            data.finish();
            while (!done) {
                data = new DataFrameOutputStream(out, FrameType.DATA_OUT);
                done = pull.catchUp(new CatchUpPass.Writer(data));
                data.finish();
            }
            passes = pull.passes();
        }
        Path file = fixture.dir.resolve("pulled-" + databases.incrementAndGet() + ".sqlite3");
        FrameReader in = new FrameReader(new ByteArrayInputStream(wire.toByteArray()));
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ,
                StandardOpenOption.WRITE)) {
            byte[] stream = new DataFrameInputStream(in, FrameType.DATA_OUT, f -> { }).readAllBytes();
            channel.write(ByteBuffer.wrap(stream));
            int applied = 0;
            while (in.peek() != null) {
                CatchUpPass.Applied pass = CatchUpPass.apply(new DataFrameInputStream(in, FrameType.DATA_OUT, f -> { }),
                        channel);
                applied++;
                assertEquals(applied == passes, pass.complete(), "only the last pass completes the pull");
            }
            assertEquals(passes, applied);
        }
        return new Pulled(file, passes);
    }

    private Path liveDatabase() throws SQLException {
        // About 1.6 MB: tens of chunks of 64 KiB
        return fixture.database("live-" + databases.incrementAndGet() + ".sqlite3", false,
                "CREATE TABLE items (id INTEGER PRIMARY KEY, body BLOB)",
                "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < " + ROWS + ")"
                        + " INSERT INTO items (body) SELECT randomblob(1000) FROM n");
    }

    /** Commits {@code what} through {@code writer}; the {@code n}th commit between transactions. */
    private static void commit(Connection writer, int what, int n) {
        try (Statement statement = writer.createStatement()) {
            switch (what) {
                case UPDATE -> statement.executeUpdate("UPDATE items SET body = randomblob(1000) WHERE id = "
                        + (1 + (n * 37) % ROWS)); // a page anywhere, perhaps one sent already
                case INSERT -> statement.executeUpdate("INSERT INTO items (body) SELECT randomblob(1000)"
                        + " FROM items LIMIT 200"); // the file grows by about 200 kB
                case SHRINK -> {
                    statement.executeUpdate("DELETE FROM items WHERE id % 3 = " + n % 3);
                    statement.execute("VACUUM"); // the file shrinks by a third
                }
                case NEW_PAGE_SIZE -> {
                    statement.execute("PRAGMA page_size = " + (n % 2 == 0 ? 8192 : 1024));
                    statement.execute("VACUUM"); // every page moves
                }
                default -> {
                }
            }
        } catch (SQLException e) {
            throw new AssertionError("the writer could not commit between two read transactions", e);
        }
    }
}
