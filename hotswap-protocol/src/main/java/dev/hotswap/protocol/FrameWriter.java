package dev.hotswap.protocol;

import java.io.BufferedOutputStream;
import java.io.Flushable;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Objects;

/**
 * Writes frames to a stream through a buffer. {@link #write} queues a frame; {@link #send} writes and
 * flushes, for control frames the peer waits for. Thread-safe: frames from several threads (a status
 * line while data flows) never interleave.
 */
public final class FrameWriter implements Flushable {
    private final OutputStream out;
    private volatile DataCompression dataCompression = DataCompression.NONE;

    /** Writes to {@code out}, buffered. */
    public FrameWriter(OutputStream out) {
        this.out = new BufferedOutputStream(Objects.requireNonNull(out, "out"), Protocol.DATA_CHUNK + 5);
    }

    /**
     * How the data streams written from now on compress their frames. Protocol 4 only, once the
     * conversation's {@code REQUEST} asked for it ({@link CpOptions#COMPRESS}): a peer that did not
     * refuses {@code COMPRESSED} frames.
     */
    public void compressData(DataCompression compression) {
        this.dataCompression = Objects.requireNonNull(compression, "compression");
    }

    /** How data streams on this writer compress their frames; {@link DataCompression#NONE} unless set. */
    public DataCompression dataCompression() {
        return dataCompression;
    }

    /** Queues {@code frame}; it reaches the peer at the next flush. */
    public void write(Frame frame) throws IOException {
        write(frame.type(), frame.payloadUnsafe(), 0, frame.length());
    }

    /**
     * Queues a frame of {@code type} whose payload is {@code length} bytes of {@code bytes} from
     * {@code offset}, without copying them into a {@link Frame} first.
     */
    public synchronized void write(FrameType type, byte[] bytes, int offset, int length) throws IOException {
        Objects.checkFromIndexSize(offset, length, bytes.length);
        if (length > Protocol.MAX_PAYLOAD) {
            throw new IllegalArgumentException("payload length " + length + " exceeds " + Protocol.MAX_PAYLOAD);
        }
        out.write(type.code());
        out.write(length >>> 24);
        out.write(length >>> 16);
        out.write(length >>> 8);
        out.write(length);
        out.write(bytes, offset, length);
    }

    /** Writes {@code frame} and flushes. */
    public synchronized void send(Frame frame) throws IOException {
        write(frame);
        flush();
    }

    @Override
    public synchronized void flush() throws IOException {
        out.flush();
    }
}
