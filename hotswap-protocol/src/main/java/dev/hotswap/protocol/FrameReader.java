package dev.hotswap.protocol;

import java.io.IOException;
import java.io.InputStream;
import java.util.Objects;

/**
 * Reads frames from a stream. The length header is checked against the maximum payload before
 * anything is allocated, so a hostile length costs nothing but a {@link ProtocolException}.
 * Not thread-safe: one reader per connection direction.
 */
public final class FrameReader {
    private static final int HEADER = 5;

    private final InputStream in;
    private final int maxPayload;
    private final byte[] header = new byte[HEADER];

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
     * Reads the next frame.
     *
     * @return the frame, or {@code null} if the stream ended cleanly at a frame boundary
     * @throws TruncatedStreamException if the stream ends inside a frame
     * @throws ProtocolException if the type is unknown or the length exceeds the maximum
     * @throws IOException if reading fails
     */
    public Frame read() throws IOException {
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
        byte[] payload = in.readNBytes((int) length);
        if (payload.length < length) {
            throw new TruncatedStreamException("stream ended inside a " + type + " frame ("
                    + payload.length + " of " + length + " payload bytes)");
        }
        return new Frame(type, payload);
    }
}
