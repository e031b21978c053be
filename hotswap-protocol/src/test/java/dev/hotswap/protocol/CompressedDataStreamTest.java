package dev.hotswap.protocol;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.booleans;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.zip.CRC32C;
import java.util.zip.Deflater;
import org.junit.jupiter.api.Test;

/** Data streams with COMPRESSED frames (protocol 4): what is decoded equals what was sent, and the bounds. */
class CompressedDataStreamTest {
    private static final String[] WORDS = ("the of and a to in is was that for on as with by he at from his an were are "
            + "which this be or has had first one their its new after who they two her she been other when there "
            + "all during into school time may years more most only over city some world would where later up such "
            + "used many can state about national out known university united then made").split(" ");

    @Test
    void decodedStreamEqualsInputWhateverTheDataAndFraming() {
        qt().withExamples(150).forAll(longs().all(), integers().between(0, 300_000), booleans().all(),
                integers().between(1, 70_000)).checkAssert((seed, length, text, chunk) -> {
            int maxRead = 1 + (int) Math.floorMod(seed, 9000L);
            byte[] data = text ? prose(seed, length) : noise(seed, length);
            byte[] wire = compressedStream(data, chunk, DataCompression.EVERY_BLOCK);
            DataFrameInputStream in = accepting(new Wire.ChunkedInputStream(wire, new Random(seed), maxRead));
            try {
                assertArrayEquals(data, in.readAllBytes());
            } catch (IOException e) {
                throw new AssertionError(e);
            }
            assertTrue(in.isComplete());
            assertEquals(data.length, in.byteCount());
        });
    }

    @Test
    void textTravelsCompressedAndNoiseRaw() throws IOException {
        byte[] text = prose(1, 1 << 20);
        byte[] noise = noise(2, 1 << 20);

        List<Frame> textFrames = frames(compressedStream(text, Protocol.DATA_CHUNK, DataCompression.EVERY_BLOCK));
        List<Frame> noiseFrames = frames(compressedStream(noise, Protocol.DATA_CHUNK, DataCompression.EVERY_BLOCK));

        assertEquals(List.of(FrameType.COMPRESSED, FrameType.COMPRESSED, FrameType.COMPRESSED, FrameType.COMPRESSED,
                FrameType.END), textFrames.stream().map(Frame::type).toList());
        long textWire = textFrames.stream().filter(f -> f.type() == FrameType.COMPRESSED).mapToLong(Frame::length).sum();
        assertTrue(textWire < text.length / 2, "prose shrinks at least 2x at the fastest level: " + textWire);
        assertEquals(List.of(FrameType.DATA_IN, FrameType.DATA_IN, FrameType.DATA_IN, FrameType.DATA_IN, FrameType.END),
                noiseFrames.stream().map(Frame::type).toList(), "a block that does not shrink goes raw");
    }

    @Test
    void aWriterThatWasNotToldSendsRawFramesOnly() throws IOException {
        List<Frame> frames = frames(compressedStream(prose(3, 600_000), Protocol.DATA_CHUNK, DataCompression.NONE));
        assertTrue(frames.stream().noneMatch(f -> f.type() == FrameType.COMPRESSED), frames::toString);
    }

    @Test
    void refusesCompressedFramesUnlessTheConversationAskedForThem() {
        byte[] wire = compressedStream(prose(4, 10_000), 4096, DataCompression.EVERY_BLOCK);
        DataFrameInputStream in = new DataFrameInputStream(Wire.reader(wire), FrameType.DATA_IN, frame -> { });
        ProtocolException refused = assertThrows(ProtocolException.class, in::readAllBytes);
        assertEquals("unexpected COMPRESSED frame inside a DATA_IN stream", refused.getMessage());
    }

    @Test
    void refusesADeclaredLengthPastTheLimitBeforeInflating() {
        ProtocolException refused = assertThrows(ProtocolException.class,
                () -> drain(compressedFrame(Protocol.MAX_PAYLOAD + 1, zlib(new byte[100]))));
        assertEquals("COMPRESSED frame declares 1048577 bytes decompressed; a frame holds 1 to 1048576",
                refused.getMessage());
        ProtocolException huge = assertThrows(ProtocolException.class,
                () -> drain(compressedFrame(0xffff_ffffL, zlib(new byte[100]))));
        assertEquals("COMPRESSED frame declares 4294967295 bytes decompressed; a frame holds 1 to 1048576",
                huge.getMessage());
        assertThrows(ProtocolException.class, () -> drain(compressedFrame(0, zlib(new byte[100]))));
    }

    @Test
    void stopsAZipBombOneBytePastWhatItDeclares() {
        // 64 MiB of zeros in about 64 KiB: a frame that declared them all would be refused above,
        // so this one declares 1000 bytes and brings the rest anyway.
        byte[] bomb = zlib(new byte[64 << 20]);
        assertTrue(bomb.length < Protocol.MAX_PAYLOAD - 4);
        CorruptStreamException refused = assertThrows(CorruptStreamException.class,
                () -> drain(compressedFrame(1000, bomb)));
        assertEquals("COMPRESSED frame decompresses to more than the 1000 bytes it declares", refused.getMessage());
    }

    @Test
    void refusesATruncatedZlibStream() {
        byte[] data = prose(5, 50_000);
        byte[] whole = zlib(data);
        CorruptStreamException early = assertThrows(CorruptStreamException.class,
                () -> drain(compressedFrame(data.length, Arrays.copyOf(whole, whole.length / 2))));
        assertTrue(early.getMessage().startsWith("COMPRESSED frame declares 50000 bytes, but its zlib stream is cut short after "),
                early.getMessage());
        CorruptStreamException noEnd = assertThrows(CorruptStreamException.class,
                () -> drain(compressedFrame(data.length, Arrays.copyOf(whole, whole.length - 2))));
        assertTrue(noEnd.getMessage().startsWith("COMPRESSED frame"), noEnd.getMessage());
    }

    @Test
    void refusesGarbageInPlaceOfAZlibStream() {
        byte[] garbage = noise(6, 5000);
        garbage[0] = 0x78; // a zlib header, so that the damage is found inside the stream
        garbage[1] = 0x01;
        CorruptStreamException refused = assertThrows(CorruptStreamException.class,
                () -> drain(compressedFrame(5000, garbage)));
        assertTrue(refused.getMessage().startsWith("COMPRESSED frame holds a corrupt zlib stream: "), refused.getMessage());
    }

    @Test
    void refusesAStreamShorterThanDeclaredOrBytesAfterIt() {
        byte[] data = prose(7, 3000);
        CorruptStreamException shorter = assertThrows(CorruptStreamException.class,
                () -> drain(compressedFrame(4000, zlib(data))));
        assertEquals("COMPRESSED frame declares 4000 bytes, but its zlib stream ends after 3000", shorter.getMessage());
        byte[] trailing = Arrays.copyOf(zlib(data), zlib(data).length + 3);
        CorruptStreamException after = assertThrows(CorruptStreamException.class,
                () -> drain(compressedFrame(3000, trailing)));
        assertEquals("COMPRESSED frame has 3 bytes after its zlib stream", after.getMessage());
    }

    /**
     * A flipped byte is refused, or it changes nothing: deflate ignores the padding bits after its
     * last block and zlib checks the Adler-32 of what it decodes, so a flip there decodes to the same
     * bytes. Never different bytes.
     */
    @Test
    void anySingleFlippedByteOfACompressedStreamIsRefusedOrChangesNothing() {
        qt().withExamples(1000).forAll(longs().all(), integers().between(1, 20_000), integers().between(0, Integer.MAX_VALUE),
                integers().between(1, 255)).checkAssert(this::flipOneByte);
    }

    /** The flip a run of the property above found that zlib does not refuse (a padding bit): harmless. */
    @Test
    void aFlippedPaddingBitOfTheDeflateStreamDecodesToTheSameBytes() {
        flipOneByte(-92L, 168, 121, 2);
    }

    private void flipOneByte(long seed, int chunk, int at, int mask) {
        byte[] input = prose(seed, 30_000);
        byte[] wire = compressedStream(input, chunk, DataCompression.EVERY_BLOCK);
        int index = at % wire.length;
        wire[index] ^= (byte) mask;
        byte[] read;
        try {
            read = accepting(new Wire.ChunkedInputStream(wire, new Random(seed), 5000)).readAllBytes();
        } catch (ProtocolException refused) {
            return;
        } catch (IOException e) {
            throw new AssertionError("flipped byte " + index + ": not a protocol error", e);
        }
        assertArrayEquals(input, read, "flipped byte " + index + " was neither refused nor harmless");
    }

    /** Words from a small vocabulary, as articles are: compressible as text is. */
    static byte[] prose(long seed, int length) {
        Random random = new Random(seed);
        StringBuilder text = new StringBuilder(length + 16);
        while (text.length() < length) {
            text.append(WORDS[random.nextInt(WORDS.length)]).append(random.nextInt(12) == 0 ? ". " : " ");
        }
        return Arrays.copyOf(text.toString().getBytes(StandardCharsets.US_ASCII), length);
    }

    static byte[] noise(long seed, int length) {
        byte[] bytes = new byte[length];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    static byte[] compressedStream(byte[] data, int chunk, DataCompression compression) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        FrameWriter writer = new FrameWriter(bytes);
        writer.compressData(compression);
        try (DataFrameOutputStream out = new DataFrameOutputStream(writer, FrameType.DATA_IN, chunk)) {
            out.write(data);
            out.finish();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    private static DataFrameInputStream accepting(java.io.InputStream wire) {
        FrameReader reader = new FrameReader(wire);
        reader.acceptCompressedData();
        return new DataFrameInputStream(reader, FrameType.DATA_IN, frame -> { });
    }

    private static List<Frame> frames(byte[] wire) throws IOException {
        FrameReader reader = Wire.reader(wire);
        List<Frame> frames = new java.util.ArrayList<>();
        for (Frame frame = reader.read(); frame != null; frame = reader.read()) {
            frames.add(frame);
        }
        return frames;
    }

    /** A COMPRESSED frame declaring {@code declared} bytes with {@code stream} after it, then an END for nothing. */
    private static byte[] compressedFrame(long declared, byte[] stream) {
        byte[] payload = new byte[4 + stream.length];
        payload[0] = (byte) (declared >>> 24);
        payload[1] = (byte) (declared >>> 16);
        payload[2] = (byte) (declared >>> 8);
        payload[3] = (byte) declared;
        System.arraycopy(stream, 0, payload, 4, stream.length);
        return Wire.encode(List.of(new Frame(FrameType.COMPRESSED, payload), new End(0, (int) new CRC32C().getValue()).toFrame()));
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

    private static void drain(byte[] wire) throws IOException {
        accepting(new java.io.ByteArrayInputStream(wire)).readAllBytes();
    }
}
