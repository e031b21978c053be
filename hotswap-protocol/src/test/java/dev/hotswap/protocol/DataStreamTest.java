package dev.hotswap.protocol;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class DataStreamTest {

    @Test
    void dataRoundTripsThroughAnyFramingAndReadChunking() {
        qt().withExamples(200).forAll(FrameReaderTest.bytes(50_000), integers().between(1, 70_000), longs().all(),
                integers().between(1, 9000)).checkAssert((data, chunk, seed, maxRead) -> {
            byte[] wire = Wire.dataStream(data, chunk);
            DataFrameInputStream in = new DataFrameInputStream(
                    new FrameReader(new Wire.ChunkedInputStream(wire, new Random(seed), maxRead)),
                    FrameType.DATA_IN, frame -> { });
            assertArrayEquals(data, readFully(in, new Random(seed)));
            assertTrue(in.isComplete());
            assertEquals(data.length, in.byteCount());
        });
    }

    @Test
    void everyProperPrefixOfAStreamIsTruncatedNeverComplete() {
        qt().withExamples(60).forAll(FrameReaderTest.bytes(3000), integers().between(1, 700)).checkAssert((data, chunk) -> {
            byte[] wire = Wire.dataStream(data, chunk);
            for (int length = 0; length < wire.length; length++) {
                byte[] prefix = Arrays.copyOf(wire, length);
                assertThrows(TruncatedStreamException.class, () -> drain(prefix), "prefix of " + length);
            }
        });
    }

    @Test
    void anySingleFlippedByteIsCaught() {
        qt().withExamples(2000).forAll(FrameReaderTest.bytes(5000), integers().between(1, 2000),
                integers().between(0, Integer.MAX_VALUE), integers().between(1, 255)).checkAssert((data, chunk, at, mask) -> {
            byte[] wire = Wire.dataStream(data, chunk);
            int index = at % wire.length;
            wire[index] ^= (byte) (int) mask;
            assertThrows(ProtocolException.class, () -> drain(wire), "flipped byte " + index);
        });
    }

    @Test
    void refusesEndWithWrongCountOrChecksum() {
        byte[] data = {1, 2, 3};
        ByteArrayOutputStream wrongCount = new ByteArrayOutputStream();
        ByteArrayOutputStream wrongCrc = new ByteArrayOutputStream();
        try {
            FrameWriter count = new FrameWriter(wrongCount);
            count.write(new Frame(FrameType.DATA_IN, data));
            count.send(new End(4, crc(data)).toFrame());
            FrameWriter checksum = new FrameWriter(wrongCrc);
            checksum.write(new Frame(FrameType.DATA_IN, data));
            checksum.send(new End(3, crc(data) ^ 1).toFrame());
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        CorruptStreamException countMismatch = assertThrows(CorruptStreamException.class, () -> drain(wrongCount.toByteArray()));
        assertEquals("END says 4 bytes but 3 arrived", countMismatch.getMessage());
        CorruptStreamException crcMismatch = assertThrows(CorruptStreamException.class, () -> drain(wrongCrc.toByteArray()));
        assertTrue(crcMismatch.getMessage().startsWith("CRC32C mismatch"));
    }

    @Test
    void closingAnUnfinishedStreamSendsAbortNotEnd() throws IOException {
        ByteArrayOutputStream wire = new ByteArrayOutputStream();
        try (DataFrameOutputStream out = new DataFrameOutputStream(new FrameWriter(wire), FrameType.DATA_IN)) {
            out.write(new byte[] {1, 2, 3});
            // no finish(): the writer failed half-way
        }
        TransferAbortedException aborted = assertThrows(TransferAbortedException.class, () -> drain(wire.toByteArray()));
        assertEquals(FrameType.ABORT, aborted.frame().type());
    }

    @Test
    void finishBegunWhereverThePeerMayHoldTheWholeStreamEvenIfFinishFailed() throws IOException {
        // The connection delivers every byte, then fails the flush that follows END, as a reset
        // arriving after the peer read it would: the sender cannot tell the two apart.
        ByteArrayOutputStream wire = new ByteArrayOutputStream();
        java.io.OutputStream deliversThenFails = new java.io.FilterOutputStream(wire) {
            @Override
            public void flush() throws IOException {
                throw new IOException("connection reset");
            }
        };
        DataFrameOutputStream out = new DataFrameOutputStream(new FrameWriter(deliversThenFails), FrameType.DATA_IN);
        out.write(new byte[] {1, 2, 3});
        assertFalse(out.finishBegun(), "before finish() the peer cannot have END");

        assertThrows(IOException.class, out::finish);

        assertTrue(out.finishBegun());
        DataFrameInputStream peer = new DataFrameInputStream(
                new FrameReader(new java.io.ByteArrayInputStream(wire.toByteArray())), FrameType.DATA_IN, frame -> { });
        assertArrayEquals(new byte[] {1, 2, 3}, peer.readAllBytes());
        assertTrue(peer.isComplete(), "the peer holds the whole stream");
    }

    @Test
    void aCancelledStreamNeverSendsEndOnlyAbort() throws IOException {
        ByteArrayOutputStream wire = new ByteArrayOutputStream();
        DataFrameOutputStream out = new DataFrameOutputStream(new FrameWriter(wire), FrameType.DATA_IN);
        out.write(new byte[] {1, 2, 3});

        assertTrue(out.cancel(), "cancelled before finish() began");
        assertEquals(0, wire.size(), "cancelling writes nothing");
        assertThrows(IOException.class, out::finish);
        assertThrows(IOException.class, () -> out.write(4));
        assertFalse(out.finishBegun());
        out.close();

        TransferAbortedException aborted = assertThrows(TransferAbortedException.class, () -> drain(wire.toByteArray()));
        assertEquals(FrameType.ABORT, aborted.frame().type());
    }

    @Test
    void onceFinishBeganCancelLosesAndNoAbortFollows() throws IOException {
        ByteArrayOutputStream wire = new ByteArrayOutputStream();
        DataFrameOutputStream out = new DataFrameOutputStream(new FrameWriter(wire), FrameType.DATA_IN);
        out.write(new byte[] {1, 2, 3});
        out.finish();
        int sent = wire.size();

        assertFalse(out.cancel());
        out.abort("too late");
        out.close();

        assertEquals(sent, wire.size(), "nothing after END");
        drain(wire.toByteArray());
    }

    @Test
    void refusesWritesAfterFinish() throws IOException {
        DataFrameOutputStream out = new DataFrameOutputStream(new FrameWriter(new ByteArrayOutputStream()), FrameType.DATA_OUT);
        out.finish();
        assertThrows(IOException.class, () -> out.write(1));
    }

    @Test
    void deliversStatusAndPhaseFramesToTheSideChannel() throws IOException {
        byte[] wire = Wire.encode(List.of(Frame.text(FrameType.PHASE, "snapshot"),
                new Frame(FrameType.DATA_OUT, new byte[] {7}), Frame.text(FrameType.STATUS, "half way"),
                new Frame(FrameType.DATA_OUT, new byte[] {8}), new End(2, crc(new byte[] {7, 8})).toFrame()));
        List<String> side = new ArrayList<>();
        DataFrameInputStream in = new DataFrameInputStream(Wire.reader(wire), FrameType.DATA_OUT, frame -> {
            try {
                side.add(frame.type() + " " + frame.text());
            } catch (ProtocolException e) {
                throw new AssertionError(e);
            }
        });
        assertArrayEquals(new byte[] {7, 8}, in.readAllBytes());
        assertEquals(List.of("PHASE snapshot", "STATUS half way"), side);
    }

    @Test
    void refusesDataFramesOfTheOtherDirection() {
        byte[] wire = Wire.encode(List.of(new Frame(FrameType.DATA_OUT, new byte[] {1})));
        ProtocolException refused = assertThrows(ProtocolException.class, () -> drain(wire));
        assertEquals("unexpected DATA_OUT frame inside a DATA_IN stream", refused.getMessage());
    }

    @Test
    void reportsAnExitInsteadOfEndWithTheServersMessage() {
        byte[] wire = Wire.encode(List.of(new Frame(FrameType.DATA_IN, new byte[] {1}),
                new Exit(Protocol.EXIT_FAILED, "ERROR: disk full").toFrame()));
        TransferAbortedException aborted = assertThrows(TransferAbortedException.class, () -> drain(wire));
        assertEquals("ERROR: disk full", aborted.getMessage());
    }

    @Test
    void emptyStreamIsCompleteOnlyAfterEnd() throws IOException {
        DataFrameInputStream in = new DataFrameInputStream(Wire.reader(Wire.dataStream(new byte[0], 10)),
                FrameType.DATA_IN, frame -> { });
        assertFalse(in.isComplete());
        assertEquals(-1, in.read());
        assertTrue(in.isComplete());
    }

    private static void drain(byte[] wire) throws IOException {
        DataFrameInputStream in = new DataFrameInputStream(Wire.reader(wire), FrameType.DATA_IN, frame -> { });
        in.readAllBytes();
    }

    private static byte[] readFully(InputStream in, Random random) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buffer = new byte[8192];
        try {
            for (;;) {
                if (random.nextInt(4) == 0) { // mix single-byte reads with bulk reads
                    int b = in.read();
                    if (b == -1) {
                        return out.toByteArray();
                    }
                    out.write(b);
                } else {
                    int n = in.read(buffer, 0, 1 + random.nextInt(buffer.length));
                    if (n == -1) {
                        return out.toByteArray();
                    }
                    out.write(buffer, 0, n);
                }
            }
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    static int crc(byte[] data) {
        java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
        crc.update(data);
        return (int) crc.getValue();
    }
}
