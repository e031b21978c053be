package dev.hotswap.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hotswap.protocol.CpOptions;
import dev.hotswap.protocol.End;
import dev.hotswap.protocol.Frame;
import dev.hotswap.protocol.FrameType;
import dev.hotswap.protocol.Hello;
import dev.hotswap.protocol.Ready;
import dev.hotswap.protocol.Request;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.zip.Deflater;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code cp --compress}: all four transfers (whole file and delta, push and pull) against a real
 * engine, compressed and raw, arrive byte for byte; the default on this host's socket never asks
 * for compression; an older server is never asked; a bad compressed frame from the server writes
 * nothing.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class CompressedTransferTest {
    /** Article-like rows: text that shrinks several times under a fast compressor, as content databases do. */
    private static final String ARTICLES = "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1500)"
            + " INSERT INTO posts (title) SELECT 'article ' || i || ': ' || substr(replace(hex(zeroblob(200)), '00',"
            + " 'the city council met on ' || (i % 28) || ' May to discuss the new school and the old bridge. '), 1 + i % 40, 900)"
            + " FROM n";

    @TempDir
    Path dir;

    private EngineServer server;

    @BeforeEach
    void startEngine() throws Exception {
        server = EngineServer.start();
        EngineServer.run(server.live, ARTICLES);
    }

    @AfterEach
    void stopEngine() throws Exception {
        server.close();
    }

    private CommandRun cli() {
        return CommandRun.in(dir).socket(server.socket);
    }

    @ParameterizedTest
    @ValueSource(strings = {"always", "never", "auto"})
    void aWholeFilePushArrivesByteForByte(String compress) throws Exception {
        Path pushed = EngineServer.run(EngineServer.database(dir.resolve("new.sqlite3"), 2), ARTICLES, ARTICLES);
        CommandRun.Result run = cli().run("cp", "--compress=" + compress, "new.sqlite3", "production");
        assertEquals(0, run.code(), run::toString);
        assertEquals(compress.equals("always"), run.stderr().contains(" on the wire)"), run::toString);
        assertArrayEquals(Files.readAllBytes(pushed), Files.readAllBytes(server.live));
    }

    @ParameterizedTest
    @ValueSource(strings = {"always", "never", "auto"})
    void aWholeFilePullArrivesByteForByte(String compress) throws Exception {
        CommandRun.Result run = cli().run("cp", "--compress=" + compress, "production", "backup.sqlite3");
        assertEquals(0, run.code(), run::toString);
        assertEquals(compress.equals("always"), run.stderr().contains(" on the wire)"), run::toString);
        assertArrayEquals(Files.readAllBytes(server.live), Files.readAllBytes(dir.resolve("backup.sqlite3")));
    }

    @ParameterizedTest
    @ValueSource(strings = {"always", "never", "auto"})
    void aDeltaPushArrivesByteForByte(String compress) throws Exception {
        Path pushed = Files.copy(server.live, dir.resolve("new.sqlite3"));
        EngineServer.run(pushed, "UPDATE meta SET version = 2", ARTICLES);
        CommandRun.Result run = cli().run("cp", "--delta", "--compress=" + compress, "new.sqlite3", "production");
        assertEquals(0, run.code(), run::toString);
        assertTrue(run.stderr().contains("by delta"), run::toString);
        assertEquals(compress.equals("always"), run.stderr().contains(" compressed on the wire)"), run::toString);
        assertEquals(compress.equals("always"), run.stderr().contains(" on the wire) to production"), run::toString);
        assertArrayEquals(Files.readAllBytes(pushed), Files.readAllBytes(server.live));
    }

    @ParameterizedTest
    @ValueSource(strings = {"always", "never", "auto"})
    void aDeltaPullArrivesByteForByte(String compress) throws Exception {
        assertEquals(0, cli().run("cp", "--compress=never", "production", "backup.sqlite3").code());
        EngineServer.run(server.live, "UPDATE meta SET version = 5", ARTICLES);
        CommandRun.Result run = cli().run("cp", "--delta", "--compress=" + compress, "production", "backup.sqlite3");
        assertEquals(0, run.code(), run::toString);
        assertTrue(run.stderr().contains(" by delta: "), run::toString);
        assertEquals(compress.equals("always"), run.stderr().contains(" on the wire) in "), run::toString);
        assertArrayEquals(Files.readAllBytes(server.live), Files.readAllBytes(dir.resolve("backup.sqlite3")));
    }

    @Test
    void onlyARemoteLinkOrAlwaysAsksForCompression() {
        assertFalse(CompressChoice.AUTO.compresses(false), "this host's socket: raw, at disk speed");
        assertTrue(CompressChoice.AUTO.compresses(true));
        assertTrue(CompressChoice.ALWAYS.compresses(false));
        assertFalse(CompressChoice.NEVER.compresses(true));
    }

    @Test
    void anUnknownValueIsAUsageErrorListingTheValuesAsTheyAreWritten() {
        CommandRun.Result run = cli().run("cp", "--compress=fast", "new.sqlite3", "production");
        assertEquals(2, run.code(), run::toString);
        assertTrue(run.stderr().startsWith("ERROR: Invalid value for option '--compress': 'fast' is none of auto,"
                + " always, never\n"), run::toString);
        assertEquals(0, cli().run("cp", "--compress=NEVER", "production", "backup.sqlite3").code(), "any case");
    }

    @Test
    void aServerOfVersion3IsNeverAskedToCompress() throws Exception {
        Path pushed = EngineServer.database(dir.resolve("new.sqlite3"), 2);
        CompletableFuture<Request> asked = new CompletableFuture<>();
        try (ScriptedServer old = ScriptedServer.start(peer -> {
            Hello.from(peer.next());
            peer.out.send(new Hello(3).toFrame());
            asked.complete(peer.request());
            peer.exit(2, "ERROR: the test ends here");
        })) {
            CommandRun.Result run = CommandRun.in(dir).socket(old.socket()).run("cp", "--compress=always",
                    pushed.toString(), "production");
            old.await();
            assertEquals(2, run.code(), run::toString);
        }
        assertFalse(asked.get().options().containsKey(CpOptions.COMPRESS), asked.get().toString());
    }

    @Test
    void aZipBombFromTheServerWritesNothing() throws Exception {
        Path backup = Files.writeString(dir.resolve("b.sqlite3"), "the old backup");
        byte[] bomb = zlib(new byte[32 << 20]);
        byte[] payload = new byte[4 + bomb.length];
        payload[2] = 0x10; // declares 4096 bytes
        System.arraycopy(bomb, 0, payload, 4, bomb.length);
        try (ScriptedServer hostile = ScriptedServer.start(peer -> {
            peer.handshake();
            assertEquals("true", peer.request().options().get(CpOptions.COMPRESS));
            peer.ready(Ready.Direction.PULL, "production");
            peer.out.write(new Frame(FrameType.COMPRESSED, payload));
            peer.out.send(new End(4096, 0).toFrame());
            try {
                peer.exit(0, "");
            } catch (IOException clientHungUp) {
                // it may, as soon as it sees the bomb
            }
        })) {
            CommandRun.Result run = CommandRun.in(dir).socket(hostile.socket()).run("cp", "--compress=always",
                    "production", "b.sqlite3");
            hostile.await();
            assertEquals(1, run.code(), run::toString);
            assertTrue(run.stderr().startsWith("ERROR: the data from the server is corrupt: COMPRESSED frame decompresses"
                    + " to more than the 4096 bytes it declares; "), run::toString);
        }
        assertEquals("the old backup", Files.readString(backup));
        try (var files = Files.list(dir)) {
            assertEquals(List.of(backup), files.toList());
        }
    }

    private static byte[] zlib(byte[] data) {
        Deflater deflater = new Deflater(Deflater.BEST_SPEED);
        deflater.setInput(data);
        deflater.finish();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buffer = new byte[65536];
        while (!deflater.finished()) {
            out.write(buffer, 0, deflater.deflate(buffer));
        }
        deflater.end();
        return out.toByteArray();
    }
}
