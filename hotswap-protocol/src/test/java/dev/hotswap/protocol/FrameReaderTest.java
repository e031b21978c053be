package dev.hotswap.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;
import static org.quicktheories.generators.SourceDSL.longs;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;

class FrameReaderTest {

    static Gen<byte[]> bytes(int maxLength) {
        return Generate.byteArrays(integers().between(0, maxLength),
                Generate.bytes(Byte.MIN_VALUE, Byte.MAX_VALUE, (byte) 0));
    }

    static Gen<Frame> frames() {
        return Generate.enumValues(FrameType.class).zip(bytes(3000), Frame::new);
    }

    @Test
    void framesRoundTripThroughAnyReadChunking() {
        qt().withExamples(300).forAll(lists().of(frames()).ofSizeBetween(0, 20), longs().all(),
                integers().between(1, 4096)).checkAssert((frames, seed, maxRead) -> {
            byte[] wire = Wire.encode(frames);
            FrameReader reader = new FrameReader(new Wire.ChunkedInputStream(wire, new Random(seed), maxRead));
            assertEquals(frames, readAll(reader));
        });
    }

    @Test
    void framesRoundTripThroughOneByteReads() {
        qt().withExamples(100).forAll(lists().of(frames()).ofSizeBetween(1, 8)).checkAssert(frames -> {
            byte[] wire = Wire.encode(frames);
            assertEquals(frames, readAll(new FrameReader(new Wire.ChunkedInputStream(wire, new Random(1), 1))));
        });
    }

    @Test
    void refusesOversizeLengthWithoutReadingOrAllocatingThePayload() {
        qt().forAll(Generate.enumValues(FrameType.class),
                longs().between(Protocol.MAX_PAYLOAD + 1L, 0xffffffffL)).checkAssert((type, length) -> {
            byte[] header = {(byte) type.code(), (byte) (length >>> 24), (byte) (length >>> 16),
                (byte) (length >>> 8), (byte) (long) length};
            Wire.ChunkedInputStream in = new Wire.ChunkedInputStream(header, new Random(2), 5);
            ProtocolException refused = assertThrows(ProtocolException.class, () -> new FrameReader(in).read());
            assertEquals(type + " frame length " + length + " exceeds " + Protocol.MAX_PAYLOAD, refused.getMessage());
            assertEquals(5, in.consumed());
        });
    }

    @Test
    void arbitraryBytesOnlyEverRaiseProtocolExceptions() {
        Gen<byte[]> plausible = bytes(64).zip(Generate.enumValues(FrameType.class), integers().between(0, 80),
                (tail, type, length) -> {
                    byte[] wire = new byte[5 + tail.length];
                    wire[0] = (byte) type.code();
                    wire[4] = (byte) (int) length;
                    System.arraycopy(tail, 0, wire, 5, tail.length);
                    return wire;
                });
        qt().withExamples(3000).forAll(bytes(200).mix(plausible)).checkAssert(wire -> {
            FrameReader reader = Wire.reader(wire);
            try {
                while (reader.read() != null) {
                    // keep reading until the bytes run out or break the protocol
                }
            } catch (ProtocolException expected) {
                // the only acceptable failure
            } catch (Throwable other) {
                fail("random bytes raised " + other, other);
            }
        });
    }

    @Test
    void refusesUnknownFrameType() {
        ProtocolException refused = assertThrows(ProtocolException.class,
                () -> Wire.reader(new byte[] {0x7a, 0, 0, 0, 0}).read());
        assertEquals("unknown frame type 0x7a", refused.getMessage());
    }

    @Test
    void reportsStreamEndingInsideAFrameAsTruncated() {
        byte[] wire = Wire.encode(List.of(Frame.text(FrameType.STATUS, "hello")));
        for (int length = 1; length < wire.length; length++) {
            byte[] prefix = java.util.Arrays.copyOf(wire, length);
            assertThrows(TruncatedStreamException.class, () -> Wire.reader(prefix).read(), "prefix " + length);
        }
    }

    @Test
    void returnsNullOnCleanEndAtAFrameBoundary() throws IOException {
        assertNull(Wire.reader(new byte[0]).read());
    }

    @Test
    void refusesEmptyOrWrongMagicInHello() {
        assertThrows(ProtocolException.class, () -> Hello.from(new Frame(FrameType.HELLO, new byte[0])));
        ProtocolException wrongMagic = assertThrows(ProtocolException.class,
                () -> Hello.from(new Frame(FrameType.HELLO, new byte[] {'H', 'T', 'T', 'P', 0, 1})));
        assertTrue(wrongMagic.getMessage().contains("HSWP"));
    }

    static List<Frame> readAll(FrameReader reader) {
        List<Frame> frames = new ArrayList<>();
        try {
            for (Frame frame = reader.read(); frame != null; frame = reader.read()) {
                frames.add(frame);
            }
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        return frames;
    }
}
