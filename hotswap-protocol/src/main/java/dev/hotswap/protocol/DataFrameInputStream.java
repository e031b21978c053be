package dev.hotswap.protocol;

import java.io.IOException;
import java.io.InputStream;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.zip.CRC32C;

/**
 * An {@link InputStream} over the data frames of one direction, ending at the {@code END} frame
 * once its byte count and CRC32C match what arrived.
 *
 * <p>{@code -1} is returned only after a verified {@code END}. A connection that closes first throws
 * {@link TruncatedStreamException}; a mismatching {@code END}, {@link CorruptStreamException}; an
 * {@code ABORT} or {@code EXIT} from the peer, {@link TransferAbortedException}; any other frame,
 * {@link ProtocolException}. {@code STATUS} and {@code PHASE} frames may be interleaved with the
 * data; they go to the side-channel consumer. Not thread-safe.
 */
public final class DataFrameInputStream extends InputStream {
    private final FrameReader reader;
    private final FrameType type;
    private final Consumer<Frame> sideChannel;
    private final CRC32C crc = new CRC32C();
    private byte[] chunk = new byte[0];
    private int position;
    private long count;
    private boolean ended;

    /**
     * Reads data frames of {@code type} from {@code reader}; {@code STATUS} and {@code PHASE} frames
     * go to {@code sideChannel}.
     */
    public DataFrameInputStream(FrameReader reader, FrameType type, Consumer<Frame> sideChannel) {
        this.reader = Objects.requireNonNull(reader, "reader");
        if (type != FrameType.DATA_IN && type != FrameType.DATA_OUT) {
            throw new IllegalArgumentException(type + " is not a data frame type");
        }
        this.type = type;
        this.sideChannel = Objects.requireNonNull(sideChannel, "sideChannel");
    }

    @Override
    public int read() throws IOException {
        if (!fill()) {
            return -1;
        }
        return chunk[position++] & 0xff;
    }

    @Override
    public int read(byte[] bytes, int offset, int length) throws IOException {
        Objects.checkFromIndexSize(offset, length, bytes.length);
        if (length == 0) {
            return 0;
        }
        if (!fill()) {
            return -1;
        }
        int n = Math.min(length, chunk.length - position);
        System.arraycopy(chunk, position, bytes, offset, n);
        position += n;
        return n;
    }

    @Override
    public int available() {
        return chunk.length - position;
    }

    /** Whether the verified {@code END} frame has been read. */
    public boolean isComplete() {
        return ended;
    }

    /** Data bytes received so far. */
    public long byteCount() {
        return count;
    }

    /** Makes a byte available, or returns false after a verified END. */
    private boolean fill() throws IOException {
        while (position == chunk.length) {
            if (ended) {
                return false;
            }
            Frame frame = reader.read();
            if (frame == null) {
                throw new TruncatedStreamException(
                        "connection closed after " + count + " bytes, before the end of the data");
            }
            FrameType got = frame.type();
            if (got == type) {
                chunk = frame.payloadUnsafe();
                position = 0;
                crc.update(chunk);
                count += chunk.length;
            } else if (got == FrameType.END) {
                verify(End.from(frame));
                ended = true;
            } else if (got == FrameType.STATUS || got == FrameType.PHASE) {
                sideChannel.accept(frame);
            } else if (got == FrameType.ABORT) {
                throw new TransferAbortedException("transfer aborted by peer: " + frame.text(), frame);
            } else if (got == FrameType.EXIT) {
                throw new TransferAbortedException(Exit.from(frame).message(), frame);
            } else {
                throw new ProtocolException("unexpected " + got + " frame inside a " + type + " stream");
            }
        }
        return true;
    }

    private void verify(End end) throws CorruptStreamException {
        if (end.byteCount() != count) {
            throw new CorruptStreamException(
                    "END says " + end.byteCount() + " bytes but " + count + " arrived");
        }
        int actual = (int) crc.getValue();
        if (end.crc32c() != actual) {
            throw new CorruptStreamException(String.format(
                    "CRC32C mismatch: END says %08x, data has %08x", end.crc32c(), actual));
        }
    }
}
