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
 * data; they go to the side-channel consumer. Once the reader {@link FrameReader#acceptCompressedData()
 * accepts compressed data}, {@code COMPRESSED} frames count as data frames of this stream, decoded
 * within the bounds {@link FrameInflater} keeps. Not thread-safe.
 */
public final class DataFrameInputStream extends InputStream {
    private final FrameReader reader;
    private final FrameType type;
    private final Consumer<Frame> sideChannel;
    private final CRC32C crc = new CRC32C();
    private long count;
    private long wireCount;
    private boolean ended;
    /** Decodes COMPRESSED frames; created at the first one. */
    private FrameInflater inflater;
    /** The decoded bytes of the last COMPRESSED frame not read yet: from here to {@link #decodedEnd}. */
    private int decodedAt;
    private int decodedEnd;

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
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    /** Reads straight from the frames' payloads into {@code bytes}: no copy, no allocation. */
    @Override
    public int read(byte[] bytes, int offset, int length) throws IOException {
        Objects.checkFromIndexSize(offset, length, bytes.length);
        if (length == 0) {
            return 0;
        }
        if (!fill()) {
            return -1;
        }
        int n;
        if (decodedAt < decodedEnd) {
            n = Math.min(length, decodedEnd - decodedAt);
            System.arraycopy(inflater.output(), decodedAt, bytes, offset, n);
            decodedAt += n;
        } else {
            n = reader.readPayload(bytes, offset, length);
            wireCount += n;
        }
        crc.update(bytes, offset, n);
        count += n;
        return n;
    }

    /**
     * Reads exactly {@code length} bytes into {@code bytes}.
     *
     * @throws TruncatedStreamException if the stream ends (verified {@code END} included) first
     */
    public void readFully(byte[] bytes, int offset, int length) throws IOException {
        while (length > 0) {
            int n = read(bytes, offset, length);
            if (n < 0) {
                throw new TruncatedStreamException("the data ended " + length + " bytes early, after " + count + " bytes");
            }
            offset += n;
            length -= n;
        }
    }

    @Override
    public int available() {
        return ended ? 0 : decodedEnd - decodedAt + reader.payloadRemaining();
    }

    /** Whether the verified {@code END} frame has been read. */
    public boolean isComplete() {
        return ended;
    }

    /** Data bytes received so far. */
    public long byteCount() {
        return count;
    }

    /** Payload bytes received so far: fewer than {@link #byteCount()} where frames came compressed. */
    public long wireByteCount() {
        return wireCount;
    }

    /**
     * Positions the reader inside a data frame, or decoded bytes of a compressed one, with bytes
     * left; or returns false after a verified END.
     */
    private boolean fill() throws IOException {
        while (!ended && reader.payloadRemaining() == 0 && decodedAt == decodedEnd) {
            FrameType got = reader.readHeader();
            if (got == null) {
                throw new TruncatedStreamException(
                        "connection closed after " + count + " bytes, before the end of the data");
            }
            if (got == type) {
                if (reader.payloadRemaining() == 0) {
                    reader.readRest(); // an empty data frame: legal, and nothing to read
                }
                continue;
            }
            if (got == FrameType.COMPRESSED && reader.acceptsCompressedData()) {
                decode();
                continue;
            }
            Frame frame = reader.readRest();
            if (got == FrameType.END) {
                verify(End.from(frame));
                ended = true;
                if (inflater != null) {
                    inflater.close();
                }
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
        return !ended;
    }

    /** Reads the COMPRESSED frame whose header was just read, and decodes it. */
    private void decode() throws IOException {
        if (inflater == null) {
            inflater = new FrameInflater();
        }
        int length = reader.payloadRemaining();
        byte[] payload = inflater.input(length);
        for (int at = 0; at < length;) {
            at += reader.readPayload(payload, at, length - at);
        }
        wireCount += length;
        decodedEnd = inflater.inflate(length);
        decodedAt = 0;
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
