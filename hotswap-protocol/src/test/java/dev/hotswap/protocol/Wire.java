package dev.hotswap.protocol;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Random;

/** Test fixture: frames to bytes, and input streams that hand bytes out in awkward pieces. */
final class Wire {
    private Wire() {
    }

    static byte[] encode(List<Frame> frames) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        FrameWriter writer = new FrameWriter(bytes);
        try {
            for (Frame frame : frames) {
                writer.write(frame);
            }
            writer.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /** A data stream of {@code data} in frames of {@code chunk} bytes, finished with END. */
    static byte[] dataStream(byte[] data, int chunk) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        FrameWriter writer = new FrameWriter(bytes);
        try (DataFrameOutputStream out = new DataFrameOutputStream(writer, FrameType.DATA_IN, chunk)) {
            out.write(data);
            out.finish();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    static FrameReader reader(byte[] bytes) {
        return new FrameReader(new ChunkedInputStream(bytes, new Random(0), bytes.length + 1));
    }

    /** Returns at most a random number of bytes (1 to {@code maxRead}) from each read call. */
    static final class ChunkedInputStream extends InputStream {
        private final byte[] bytes;
        private final Random random;
        private final int maxRead;
        private int position;

        ChunkedInputStream(byte[] bytes, Random random, int maxRead) {
            this.bytes = bytes;
            this.random = random;
            this.maxRead = maxRead;
        }

        @Override
        public int read() {
            return position < bytes.length ? bytes[position++] & 0xff : -1;
        }

        @Override
        public int read(byte[] target, int offset, int length) {
            if (length == 0) {
                return 0;
            }
            if (position == bytes.length) {
                return -1;
            }
            int n = Math.min(Math.min(length, bytes.length - position), 1 + random.nextInt(maxRead));
            System.arraycopy(bytes, position, target, offset, n);
            position += n;
            return n;
        }

        int consumed() {
            return position;
        }
    }
}
