package dev.hotswap.protocol;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One catch-up pass on the wire and applied to a client's file. */
class CatchUpPassTest {
    @TempDir
    Path dir;

    @Test
    void aCompletePassPatchesCutsAndChecksTheFile() throws Exception {
        byte[] expected = new byte[100];
        Arrays.fill(expected, 10, 13, (byte) 7);
        ByteArrayOutputStream wire = new ByteArrayOutputStream();
        pass(wire, writer -> {
            writer.record(10, new byte[] {7, 7, 7}, 0, 3);
            writer.record(150, new byte[] {9}, 0, 1); // past the end: a commit shrank the file meanwhile
            writer.end(100, CatchUpPass.sha256().digest(expected));
        });

        CatchUpPass.Applied applied = apply(wire, new byte[120]);

        assertEquals(new CatchUpPass.Applied(100, 4, true), applied);
        assertArrayEquals(expected, Files.readAllBytes(dir.resolve("client")));
    }

    @Test
    void aPassWhoseDigestTheFileDoesNotMatchIsRefused() throws Exception {
        ByteArrayOutputStream wire = new ByteArrayOutputStream();
        pass(wire, writer -> {
            writer.record(10, new byte[] {1, 2, 3}, 0, 3);
            writer.end(100, CatchUpPass.sha256().digest(new byte[100])); // the file's digest before the record
        });

        assertThrows(CorruptStreamException.class, () -> apply(wire, new byte[100]));
    }

    @Test
    void aPassThatSawACommitLeavesTheFileForTheNext() throws Exception {
        ByteArrayOutputStream wire = new ByteArrayOutputStream();
        pass(wire, writer -> writer.end(50, null));

        assertEquals(new CatchUpPass.Applied(50, 0, false), apply(wire, new byte[100]));
    }

    @Test
    void recordsThatDoNotAscendAreAProtocolError() throws Exception {
        ByteArrayOutputStream wire = new ByteArrayOutputStream();
        DataFrameOutputStream data = new DataFrameOutputStream(new FrameWriter(wire), FrameType.DATA_OUT);
        ByteBuffer records = ByteBuffer.allocate(2 * 13);
        records.putLong(20).putInt(1).put((byte) 1).putLong(10).putInt(1).put((byte) 1);
        data.write(records.array());
        data.finish();

        assertThrows(ProtocolException.class, () -> apply(wire, new byte[100]));
    }

    @FunctionalInterface
    private interface Pass {
        void write(CatchUpPass.Writer writer) throws IOException;
    }

    private static void pass(ByteArrayOutputStream wire, Pass pass) throws IOException {
        DataFrameOutputStream data = new DataFrameOutputStream(new FrameWriter(wire), FrameType.DATA_OUT);
        pass.write(new CatchUpPass.Writer(data));
        data.finish();
    }

    private CatchUpPass.Applied apply(ByteArrayOutputStream wire, byte[] file) throws IOException {
        Path client = Files.write(dir.resolve("client"), file);
        try (FileChannel channel = FileChannel.open(client, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            FrameReader reader = new FrameReader(new ByteArrayInputStream(wire.toByteArray()));
            return CatchUpPass.apply(new DataFrameInputStream(reader, FrameType.DATA_OUT, frame -> { }), channel);
        }
    }
}
