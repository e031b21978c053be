package dev.hotswap.protocol;

import java.io.IOException;
import java.io.InputStream;
import java.util.Objects;

/**
 * Reads frames from a stream. The length header is checked against the maximum payload before
 * anything is allocated, so a hostile length costs nothing but a {@link ProtocolException}.
 * Not thread-safe: one reader per connection direction.
 *
 * <p>{@link #read()} returns whole frames. Bulk data takes the other way: {@link #readHeader()},
 * then {@link #readPayload(byte[], int, int)} straight into the caller's buffer, so that a
 * gigabyte of data frames allocates nothing per frame.
 */
public final class FrameReader {
    private static final int HEADER = 5;

    private final InputStream in;
    private final int maxPayload;
    private final byte[] header = new byte[HEADER];
    private FrameType current;
    private int remaining;
    private boolean peeked;
    private boolean compressedData;

    /** Reads from {@code in} with the protocol's maximum payload. */
    public FrameReader(InputStream in) {
        this(in, Protocol.MAX_PAYLOAD);
    }

    /** Reads from {@code in}, refusing payloads longer than {@code maxPayload} bytes. */
    public FrameReader(InputStream in, int maxPayload) {
        this.in = Objects.requireNonNull(in, "in");
        if (maxPayload < 0 || maxPayload > Protocol.MAX_PAYLOAD) {
            throw new IllegalArgumentException(
                    "maxPayload " + maxPayload + " is outside 0.." + Protocol.MAX_PAYLOAD);
        }
        this.maxPayload = maxPayload;
    }

    /**
     * From now on, data streams read from this reader may hold {@code COMPRESSED} frames (protocol
     * 4, once the conversation's {@code REQUEST} asked for them with {@link CpOptions#COMPRESS});
     * before, such a frame is a protocol error.
     */
    public void acceptCompressedData() {
        compressedData = true;
    }

    /** Whether data streams may hold {@code COMPRESSED} frames ({@link #acceptCompressedData()}). */
    public boolean acceptsCompressedData() {
        return compressedData;
    }

    /**
     * Reads the next frame.
     *
     * @return the frame, or {@code null} if the stream ended cleanly at a frame boundary
     * @throws TruncatedStreamException if the stream ends inside a frame
     * @throws ProtocolException if the type is unknown or the length exceeds the maximum
     * @throws IOException if reading fails
     */
    public Frame read() throws IOException {
        FrameType type = readHeader();
        peeked = false;
        return type == null ? null : readRest();
    }

    /**
     * Reads the next frame's header only; its payload ({@link #payloadRemaining()} bytes) must then
     * be read with {@link #readPayload} or {@link #readRest()} before the next frame.
     *
     * @return the frame's type, or {@code null} if the stream ended cleanly at a frame boundary
     * @throws IllegalStateException if the previous frame's payload was not read to its end
     */
    public FrameType readHeader() throws IOException {
        if (peeked) {
            peeked = false;
            return current;
        }
        if (current != null && remaining > 0) {
            throw new IllegalStateException(remaining + " payload bytes of a " + current + " frame are unread");
        }
        int got = in.readNBytes(header, 0, HEADER);
        if (got == 0) {
            return null;
        }
        if (got < HEADER) {
            throw new TruncatedStreamException("stream ended inside a frame header (" + got + " of "
                    + HEADER + " bytes)");
        }
        FrameType type = FrameType.ofCode(header[0] & 0xff);
        long length = ((header[1] & 0xffL) << 24) | ((header[2] & 0xff) << 16)
                | ((header[3] & 0xff) << 8) | (header[4] & 0xff);
        if (length > maxPayload) {
            throw new ProtocolException(type + " frame length " + length + " exceeds " + maxPayload);
        }
        current = type;
        remaining = (int) length;
        return type;
    }

    /**
     * The type of the next frame, without taking it: the next {@link #readHeader()} or
     * {@link #read()} returns it again. Lets a peer see which way a conversation goes (a
     * {@code WANT} or a data stream) before handing the connection to the code for that way.
     *
     * @return the type, or {@code null} at a clean end of the stream
     */
    public FrameType peek() throws IOException {
        if (peeked) {
            return current;
        }
        FrameType type = readHeader();
        peeked = type != null;
        return type;
    }

    /** Payload bytes of the current frame not read yet. */
    public int payloadRemaining() {
        return remaining;
    }

    /**
     * Reads up to {@code length} bytes of the current frame's payload into {@code bytes}, at least
     * one unless the payload is exhausted (then 0).
     *
     * @throws TruncatedStreamException if the stream ends inside the payload
     */
    public int readPayload(byte[] bytes, int offset, int length) throws IOException {
        Objects.checkFromIndexSize(offset, length, bytes.length);
        if (current == null) {
            throw new IllegalStateException("no frame header read");
        }
        peeked = false;
        int n = in.read(bytes, offset, Math.min(length, remaining));
        if (n < 0 || (n == 0 && remaining > 0 && length > 0)) {
            throw new TruncatedStreamException("stream ended inside a " + current + " frame ("
                    + remaining + " payload bytes missing)");
        }
        remaining -= n;
        if (remaining == 0) {
            current = null;
        }
        return n;
    }

    /** Reads the rest of the current frame's payload and returns the frame. */
    public Frame readRest() throws IOException {
        if (current == null) {
            throw new IllegalStateException("no frame header read");
        }
        peeked = false;
        FrameType type = current;
        int length = remaining;
        byte[] payload = in.readNBytes(length);
        current = null;
        remaining = 0;
        if (payload.length < length) {
            throw new TruncatedStreamException("stream ended inside a " + type + " frame ("
                    + payload.length + " of " + length + " payload bytes)");
        }
        return new Frame(type, payload);
    }
}
