package dev.hotswap.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.zip.Deflater;
import dev.hotswap.protocol.CpOptions;
import dev.hotswap.protocol.DataCompression;
import dev.hotswap.protocol.DataFrameInputStream;
import dev.hotswap.protocol.DataFrameOutputStream;
import dev.hotswap.protocol.End;
import dev.hotswap.protocol.Exit;
import dev.hotswap.protocol.Frame;
import dev.hotswap.protocol.FrameType;
import dev.hotswap.protocol.Handshake;
import dev.hotswap.protocol.Ready;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Compressed data streams (protocol 4) against a real engine over its socket: a push and a pull
 * that ask for them, a client of version 3 that cannot, and the bounds of a COMPRESSED frame
 * enforced on an upload with the live database untouched.
 */
@Timeout(30)
class CompressedTransfersTest {
    private static final Map<String, String> COMPRESS = Map.of(CpOptions.COMPRESS, "true");

    private final EngineFixture fixture = new EngineFixture();
    private Path live;
    private Path incoming;
    private Hotswap hotswap;

    @BeforeEach
    void setUp() throws Exception {
        live = fixture.versioned("production.sqlite3", false, 1, 2000);
        incoming = fixture.versioned("incoming.sqlite3", false, 2, 3000);
        hotswap = fixture.builder(live).build().start();
    }

    @AfterEach
    void cleanUp() throws IOException {
        hotswap.close();
        fixture.close();
    }

    @Test
    void aPushThatAskedForCompressionMayUploadCompressedFrames() throws Exception {
        byte[] database = Files.readAllBytes(incoming);
        try (EngineFixture.Client client = EngineFixture.connect(fixture.socket()).hello()
                .request("cp", COMPRESS, incoming.toString(), "production")) {
            assertEquals(new Ready(Ready.Direction.PUSH, "production"), Ready.from(client.next()));
            client.out.compressData(DataCompression.EVERY_BLOCK);
            DataFrameOutputStream upload = new DataFrameOutputStream(client.out, FrameType.DATA_IN);
            upload.write(database);
            upload.finish();
            assertTrue(upload.wireByteCount() < database.length / 2, upload.wireByteCount() + " of " + database.length);
            assertEquals(new Exit(0, "OK"), client.exit());
        }
        assertEquals(List.of("2"), EngineFixture.query(live, "SELECT version FROM meta"));
        assertArrayEquals(database, Files.readAllBytes(live));
    }

    @Test
    void aPullThatAskedForCompressionComesCompressedAndDecodesToTheLiveFile() throws Exception {
        try (EngineFixture.Client client = EngineFixture.connect(fixture.socket()).hello()
                .request("cp", COMPRESS, "production", fixture.dir.resolve("backup.sqlite3").toString())) {
            client.in.acceptCompressedData();
            Ready.from(client.next());
            DataFrameInputStream data = new DataFrameInputStream(client.in, FrameType.DATA_OUT, frame -> { });
            byte[] pulled = data.readAllBytes();
            assertEquals(new Exit(0, ""), client.exit());
            assertArrayEquals(Files.readAllBytes(live), pulled);
            assertTrue(data.wireByteCount() < pulled.length / 2, data.wireByteCount() + " of " + pulled.length);
        }
    }

    @Test
    void aVersion3ClientGetsRawFramesAndCannotAskForCompression() throws Exception {
        try (EngineFixture.Client client = EngineFixture.connect(fixture.socket())) {
            assertEquals(3, Handshake.client(client.in, client.out, 3));
            client.request("cp", "production", "-");
            Ready.from(client.next());
            // This reader refuses a COMPRESSED frame, as a version 3 client does.
            DataFrameInputStream data = new DataFrameInputStream(client.in, FrameType.DATA_OUT, frame -> { });
            assertArrayEquals(Files.readAllBytes(live), data.readAllBytes());
            assertEquals(data.byteCount(), data.wireByteCount());
        }
        try (EngineFixture.Client client = EngineFixture.connect(fixture.socket())) {
            Handshake.client(client.in, client.out, 3);
            client.request("cp", COMPRESS, "production", "-");
            Exit exit = client.exit();
            assertEquals(2, exit.code());
            assertTrue(exit.message().startsWith("ERROR: unknown option 'compress' for cp"), exit.message());
        }
    }

    /** Bad COMPRESSED frames in an upload: each refused with its reason, the live database untouched. */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "zip bomb     | ERROR: upload corrupt: COMPRESSED frame decompresses to more than the 4096 bytes it declares; database untouched",
        "huge length  | ERROR: push failed: COMPRESSED frame declares 4294967295 bytes decompressed; a frame holds 1 to 1048576; database untouched",
        "truncated    | ERROR: upload corrupt: COMPRESSED frame declares 4096 bytes, but its zlib stream is cut short after",
        "garbage      | ERROR: upload corrupt: COMPRESSED frame holds a corrupt zlib stream: ",
    })
    void refusesABadCompressedFrameAndLeavesTheLiveDatabaseUntouched(String kind, String expected) throws Exception {
        byte[] before = Files.readAllBytes(live);
        byte[] page = Files.readAllBytes(incoming);
        byte[] frame = switch (kind.strip()) {
            case "zip bomb" -> compressedFrame(4096, zlib(new byte[32 << 20]));
            case "huge length" -> compressedFrame(0xffff_ffffL, zlib(new byte[4096]));
            case "truncated" -> compressedFrame(4096, java.util.Arrays.copyOf(zlib(page, 4096), zlib(page, 4096).length / 2));
            case "garbage" -> compressedFrame(4096, garbage());
            default -> throw new IllegalArgumentException(kind);
        };
        try (EngineFixture.Client client = EngineFixture.connect(fixture.socket()).hello()
                .request("cp", COMPRESS, incoming.toString(), "production")) {
            Ready.from(client.next());
            client.out.write(new Frame(FrameType.COMPRESSED, frame));
            client.out.send(new End(4096, 0).toFrame());
            Exit exit = client.exit();
            assertEquals(1, exit.code(), exit.toString());
            assertTrue(exit.message().startsWith(expected.strip()), exit.message());
        }
        assertArrayEquals(before, Files.readAllBytes(live));
        assertEquals(List.of(), EngineFixture.temps(fixture.dir));
        assertEquals(List.of("1"), EngineFixture.query(live, "SELECT version FROM meta"));
    }

    private static byte[] compressedFrame(long declared, byte[] stream) {
        byte[] payload = new byte[4 + stream.length];
        for (int i = 0; i < 4; i++) {
            payload[i] = (byte) (declared >>> (24 - 8 * i));
        }
        System.arraycopy(stream, 0, payload, 4, stream.length);
        return payload;
    }

    private static byte[] garbage() {
        byte[] bytes = new byte[3000];
        new java.util.Random(7).nextBytes(bytes);
        bytes[0] = 0x78; // a zlib header: the damage lies in the stream
        bytes[1] = 0x01;
        return bytes;
    }

    private static byte[] zlib(byte[] data) {
        return zlib(data, data.length);
    }

    private static byte[] zlib(byte[] data, int length) {
        Deflater deflater = new Deflater(Deflater.BEST_SPEED);
        deflater.setInput(data, 0, length);
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
