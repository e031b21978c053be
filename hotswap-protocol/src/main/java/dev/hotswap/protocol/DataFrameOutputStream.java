package dev.hotswap.protocol;

import java.io.IOException;
import java.io.OutputStream;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.CRC32C;

/**
 * An {@link OutputStream} that sends its bytes as data frames and, on {@link #finish()}, an
 * {@code END} frame with the count and CRC32C.
 *
 * <p>Completion is explicit: {@link #close()} without a prior {@code finish()} sends {@code ABORT},
 * so a writer that fails half-way (and closes in a try-with-resources) can never make a partial
 * stream look complete.
 */
public final class DataFrameOutputStream extends OutputStream {
    private static final int OPEN = 0;
    private static final int FINISHING = 1;
    private static final int CANCELLED = 2;
    private static final int ABORTED = 3;

    private final FrameWriter writer;
    private final FrameType type;
    private final byte[] chunk;
    private final CRC32C crc = new CRC32C();
    private final DataFrameCompressor compressor;
    private int filled;
    private long count;
    private long wireCount;
    /**
     * One way only: open, then finishing (END may reach the peer) or cancelled (END never will),
     * then, once cancelled, aborted (ABORT sent). Atomic because an interrupt handler on another
     * thread must know for certain which way the stream went.
     */
    private final AtomicInteger state = new AtomicInteger(OPEN);

    /** Sends data frames of {@code type} ({@code DATA_IN} or {@code DATA_OUT}) through {@code writer}. */
    public DataFrameOutputStream(FrameWriter writer, FrameType type) {
        this(writer, type, Protocol.DATA_CHUNK);
    }

    /** As {@link #DataFrameOutputStream(FrameWriter, FrameType)}, with frames of up to {@code chunkSize} bytes. */
    public DataFrameOutputStream(FrameWriter writer, FrameType type, int chunkSize) {
        this.writer = Objects.requireNonNull(writer, "writer");
        if (type != FrameType.DATA_IN && type != FrameType.DATA_OUT) {
            throw new IllegalArgumentException(type + " is not a data frame type");
        }
        if (chunkSize < 1 || chunkSize > Protocol.MAX_PAYLOAD) {
            throw new IllegalArgumentException("chunk size " + chunkSize + " is outside 1.." + Protocol.MAX_PAYLOAD);
        }
        this.type = type;
        this.chunk = new byte[chunkSize];
        this.compressor = DataFrameCompressor.of(writer.dataCompression());
    }

    @Override
    public void write(int b) throws IOException {
        ensureOpen();
        chunk[filled++] = (byte) b;
        if (filled == chunk.length) {
            emit();
        }
    }

    @Override
    public void write(byte[] bytes, int offset, int length) throws IOException {
        Objects.checkFromIndexSize(offset, length, bytes.length);
        ensureOpen();
        // Whole chunks of the caller's array go out as frames as they are, without a copy.
        while (filled == 0 && length >= chunk.length) {
            send(bytes, offset, chunk.length);
            offset += chunk.length;
            length -= chunk.length;
        }
        while (length > 0) {
            int n = Math.min(length, chunk.length - filled);
            System.arraycopy(bytes, offset, chunk, filled, n);
            filled += n;
            offset += n;
            length -= n;
            if (filled == chunk.length) {
                emit();
            }
        }
    }

    /** Sends buffered bytes as a data frame and flushes the connection. */
    @Override
    public void flush() throws IOException {
        ensureOpen();
        emit();
        writer.flush();
    }

    /** Bytes written so far. */
    public long byteCount() {
        return count + filled;
    }

    /**
     * Payload bytes sent so far: as many as {@link #byteCount()} once emitted, fewer where blocks
     * went compressed ({@link FrameWriter#compressData}).
     */
    public long wireByteCount() {
        return wireCount;
    }

    /** Sends the remaining bytes and the {@code END} frame, and flushes. The stream is then done. */
    public void finish() throws IOException {
        if (!state.compareAndSet(OPEN, FINISHING)) {
            throw new IOException("data stream already finished or aborted");
        }
        emit();
        writer.send(new End(count, (int) crc.getValue()).toFrame());
        if (compressor != null) {
            compressor.close(); // here, on the writing thread: an abort may come from another one
        }
    }

    /**
     * Whether {@link #finish()} has begun: from then on the peer may hold the whole stream and act on
     * it, even while {@code finish()} has not returned, or if it failed. Safe from any thread.
     */
    public boolean finishBegun() {
        return state.get() == FINISHING;
    }

    /**
     * Makes sure {@code END} is never sent, unless {@link #finish()} began first, without any I/O
     * (so it never blocks): later writes and {@code finish()} fail, and {@link #abort} or
     * {@link #close} sends {@code ABORT}. Safe from any thread, such as an interrupt handler's.
     *
     * @return true if the stream is aborted for good, false if {@code finish()} won
     */
    public boolean cancel() {
        return state.compareAndSet(OPEN, CANCELLED) || state.get() >= CANCELLED;
    }

    /**
     * Sends {@code ABORT} with {@code reason} instead of {@code END}, unless {@link #finish()} began
     * or {@code ABORT} was sent before. The stream is then done.
     */
    public void abort(String reason) throws IOException {
        if (cancel() && state.compareAndSet(CANCELLED, ABORTED)) {
            writer.send(Frame.text(FrameType.ABORT, reason));
        }
    }

    /**
     * Aborts the stream unless {@link #finish()} began: a {@code finish()} that failed may have sent
     * {@code END} or not (then the peer sees a truncated stream), and an {@code ABORT} behind it
     * would change neither. Does not close the connection.
     */
    @Override
    public void close() throws IOException {
        abort("stream closed before it was finished");
    }

    private void emit() throws IOException {
        if (filled > 0) {
            send(chunk, 0, filled);
            filled = 0;
        }
    }

    /** Sends one block as a data frame, or compressed where that pays. */
    private void send(byte[] bytes, int offset, int length) throws IOException {
        crc.update(bytes, offset, length);
        if (compressor == null) {
            writer.write(type, bytes, offset, length);
            wireCount += length;
        } else {
            wireCount += compressor.send(writer, type, bytes, offset, length);
        }
        count += length;
    }

    private void ensureOpen() throws IOException {
        if (state.get() != OPEN) {
            throw new IOException("data stream already finished or aborted");
        }
    }
}
