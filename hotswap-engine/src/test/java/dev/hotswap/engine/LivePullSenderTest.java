package dev.hotswap.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.List;

import javax.sql.DataSource;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import dev.hotswap.protocol.CatchUpPass;
import dev.hotswap.protocol.DataFrameInputStream;
import dev.hotswap.protocol.Exit;
import dev.hotswap.protocol.FrameType;
import dev.hotswap.protocol.Ready;

/** A pull into a file (protocol 3) of a rollback-journal database: the live file, no copy. */
@Timeout(60)
@SuppressWarnings("try") // a started engine is a resource the body uses only through its socket
class LivePullSenderTest {
    private static final int ROWS = 200_000;
    private final EngineFixture fixture = new EngineFixture();

    @AfterEach
    void cleanUp() throws IOException {
        fixture.close();
    }

    @Test
    void aPullIntoAFileStreamsTheLiveFileWithNoTempCopy() throws Exception {
        Path live = fixture.versioned("big.sqlite3", false, 1, ROWS);
        byte[] before = Files.readAllBytes(live);
        try (Hotswap server = Hotswap.builder().database("big", live).socket(fixture.socket()).build().start();
                EngineFixture.Client client = EngineFixture.connect(fixture.socket()).hello()
                        .request("cp", "big", fixture.dir + "/backup.sqlite3")) {
            assertEquals(Ready.Direction.PULL, Ready.from(client.next()).direction());
            DataFrameInputStream data = new DataFrameInputStream(client.in, FrameType.DATA_OUT, frame -> { });
            ByteArrayOutputStream received = new ByteArrayOutputStream();
            received.write(data.read());
            // Mid-stream (the file is far larger than the socket's buffers): a copy would be there now.
            assertEquals(List.of(), EngineFixture.temps(fixture.dir));
            data.transferTo(received);
            assertEquals(new Exit(0, ""), client.exit());
            assertArrayEquals(before, received.toByteArray(), "the pulled bytes are the live file's");
        }
    }

    @Test
    void aClientThatStopsReadingHoldsNoLockAndThePullCatchesUpOnWhatWasWrittenMeanwhile() throws Exception {
        Path live = fixture.versioned("big.sqlite3", false, 1, 1_000_000); // far more than the socket buffers
        Path pulled = fixture.dir.resolve("pulled.sqlite3");
        try (Hotswap server = Hotswap.builder().database("big", live).socket(fixture.socket()).build().start();
                EngineFixture.Client client = EngineFixture.connect(fixture.socket()).hello()
                        .request("cp", "big", pulled.toString());
                FileChannel file = FileChannel.open(pulled, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ,
                        StandardOpenOption.WRITE)) {
            assertEquals(Ready.Direction.PULL, Ready.from(client.next()).direction());
            DataFrameInputStream data = new DataFrameInputStream(client.in, FrameType.DATA_OUT, frame -> { });
            byte[] first = new byte[1];
            data.readFully(first, 0, 1);
            // The client reads no more: the server blocks on a full socket, between two read transactions.
            try (Connection writer = server.dataSource("big").getConnection();
                    java.sql.Statement statement = writer.createStatement()) {
                statement.execute("PRAGMA busy_timeout = 1000"); // a chunk's read takes milliseconds
                statement.executeUpdate("UPDATE items SET name = 'written while the client slept' WHERE id = 1");
            }
            file.write(ByteBuffer.wrap(first));
            file.write(ByteBuffer.wrap(data.readAllBytes()));
            int passes = 0;
            while (client.in.peek() != FrameType.EXIT) {
                if (client.in.peek() == FrameType.DATA_OUT) {
                    passes++;
                    CatchUpPass.apply(new DataFrameInputStream(client.in, FrameType.DATA_OUT, f -> { }), file);
                } else {
                    client.next();
                }
            }
            assertEquals(new Exit(0, ""), client.exit());
            assertTrue(passes >= 1, "the update landed mid-pull: a catch-up pass brought it in");
        }
        assertArrayEquals(Files.readAllBytes(live), Files.readAllBytes(pulled));
        assertEquals(List.of("written while the client slept"),
                EngineFixture.query(pulled, "SELECT name FROM items WHERE id = 1"));
    }

    @Test
    void aPullToStdoutStillCopiesTheFileFirst() throws Exception {
        // Larger than the socket's buffers (the kernel doubles SOCKET_BUFFER): the server is still
        // sending, its temp copy still there, when the test looks; a smaller file was sent whole and
        // its copy deleted before the test looked, under load.
        Path live = fixture.versioned("big.sqlite3", false, 1, 5 * ROWS);
        try (Hotswap server = Hotswap.builder().database("big", live).socket(fixture.socket()).build().start();
                EngineFixture.Client client = EngineFixture.connect(fixture.socket()).hello()
                        .request("cp", "big", "-")) {
            assertEquals(Ready.Direction.PULL, Ready.from(client.next()).direction());
            DataFrameInputStream data = new DataFrameInputStream(client.in, FrameType.DATA_OUT, frame -> { });
            data.read();
            // Nothing to patch behind a pipe: the snapshot is a temp copy in the generation folder.
            assertEquals(1, EngineFixture.temps(fixture.dir).size(), EngineFixture.temps(fixture.dir).toString());
            data.transferTo(java.io.OutputStream.nullOutputStream());
            assertEquals(new Exit(0, ""), client.exit());
        }
        assertEquals(List.of(), EngineFixture.temps(fixture.dir));
    }

    @Test
    void aPullIntoAFileUnderSteadyWritesIsOneCommittedStateAndNoWriterFails() throws Exception {
        Path live = fixture.versioned("big.sqlite3", false, 1, ROWS);
        Path pulled = fixture.dir.resolve("pulled.sqlite3");
        try (Hotswap server = Hotswap.builder().database("big", live).socket(fixture.socket()).build().start()) {
            DataSource app = server.dataSource("big");
            // Requests, not a hot loop: back-to-back writers starve any reader in rollback-journal mode.
            LoopingWriter writer = LoopingWriter.start("writer", Duration.ofMillis(1), n -> {
                try (Connection c = app.getConnection();
                        PreparedStatement insert = c.prepareStatement(
                                "INSERT INTO items (version, name) VALUES (2, 'written ' || ?)")) {
                    insert.setLong(1, n);
                    insert.executeUpdate();
                }
            });
            int passes = 0;
            writer.awaitWrites(10);
            try (writer; EngineFixture.Client client = EngineFixture.connect(fixture.socket()).hello()
                    .request("cp", "big", pulled.toString());
                    FileChannel file = FileChannel.open(pulled, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ,
                            StandardOpenOption.WRITE)) {
                assertEquals(Ready.Direction.PULL, Ready.from(client.next()).direction());
                file.write(ByteBuffer.wrap(client.data()));
                while (client.in.peek() == FrameType.DATA_OUT || client.in.peek() == FrameType.PHASE
                        || client.in.peek() == FrameType.STATUS) {
                    if (client.in.peek() != FrameType.DATA_OUT) {
                        client.next();
                        continue;
                    }
                    passes++;
                    if (CatchUpPass.apply(new DataFrameInputStream(client.in, FrameType.DATA_OUT, f -> { }), file)
                            .complete()) {
                        break;
                    }
                }
                assertEquals(new Exit(0, ""), client.exit());
            }
            long written = writer.written(); // after the writer stopped: every committed row counted
            assertEquals(List.of("ok"), EngineFixture.query(pulled, "PRAGMA integrity_check"));
            long rows = Long.parseLong(EngineFixture.query(pulled, "SELECT count(*) FROM items").get(0));
            assertTrue(rows >= ROWS + 10 && rows <= ROWS + written, rows + " rows, " + written + " written");
            // One state: the rows written are exactly the first ones, none missing in between.
            assertEquals(List.of(String.valueOf(rows - ROWS)), EngineFixture.query(pulled,
                    "SELECT count(*) FROM items WHERE version = 2 AND CAST(substr(name, 9) AS INTEGER) < " + (rows - ROWS)));
            assertFalse(passes > LiveFilePull.CHUNKED_PASSES + 1, passes + " catch-up passes");
        }
    }
}
