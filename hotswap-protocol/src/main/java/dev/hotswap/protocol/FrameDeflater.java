package dev.hotswap.protocol;

import java.util.zip.Deflater;

/**
 * Encodes one block of a data stream as the payload of a {@code COMPRESSED} frame: a {@code u32}
 * length of the block, then the block as one zlib stream (RFC 1950) at
 * {@link Deflater#BEST_SPEED}, the fastest level, since the point is to beat the link, not to win on
 * ratio. A block the compressor does not make shorter is left to go raw.
 *
 * <p>Not thread-safe: one per data stream. {@link #close()} frees the native memory at once (a
 * cleaner frees it otherwise).
 */
final class FrameDeflater implements AutoCloseable {
    /** The bytes of the length field in front of the zlib stream. */
    static final int HEADER = 4;

    private final Deflater deflater = new Deflater(Deflater.BEST_SPEED);
    private byte[] payload = new byte[0];

    /**
     * Compresses {@code length} bytes of {@code bytes} from {@code offset} into {@link #payload()}.
     *
     * @return the payload's length, always less than {@code length}; or -1 if the compressed
     *     payload would not be shorter than the block itself (the block then goes raw)
     */
    int compress(byte[] bytes, int offset, int length) {
        if (length <= HEADER + 2) {
            return -1; // the length field and the zlib header alone are no shorter
        }
        if (payload.length < length) {
            payload = new byte[length];
        }
        deflater.reset();
        deflater.setInput(bytes, offset, length);
        deflater.finish();
        payload[0] = (byte) (length >>> 24);
        payload[1] = (byte) (length >>> 16);
        payload[2] = (byte) (length >>> 8);
        payload[3] = (byte) length;
        int filled = HEADER;
        while (!deflater.finished()) {
            if (filled >= length) {
                return -1; // no shorter than the block: stop early, the CPU is better spent sending it
            }
            filled += deflater.deflate(payload, filled, length - filled);
        }
        return filled < length ? filled : -1;
    }

    /** The payload of the last {@link #compress} that returned a length. */
    byte[] payload() {
        return payload;
    }

    @Override
    public void close() {
        deflater.end();
    }
}
