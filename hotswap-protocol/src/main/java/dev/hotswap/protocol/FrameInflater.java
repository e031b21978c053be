package dev.hotswap.protocol;

import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * Decodes the payload of a {@code COMPRESSED} frame ({@link FrameDeflater}) within fixed bounds,
 * whatever the peer sends: the declared length must be 1 to {@link Protocol#MAX_PAYLOAD} (checked
 * before anything is allocated), and the zlib stream must produce exactly that many bytes and end
 * exactly at the end of the payload. A stream that would produce more (a zip bomb) is stopped one
 * byte past the declared length; one that is cut short, garbled or followed by other bytes is
 * refused. So a frame never costs more than 1 MiB of memory and 1 MiB of inflating.
 *
 * <p>Not thread-safe: one per data stream.
 */
final class FrameInflater implements AutoCloseable {
    private final Inflater inflater = new Inflater();
    private final byte[] overflow = new byte[1];
    private byte[] input = new byte[0];
    private byte[] output = new byte[0];

    /** A buffer for the frame's payload of {@code length} bytes, to be filled and passed to {@link #inflate}. */
    byte[] input(int length) {
        if (input.length < length) {
            input = new byte[length];
        }
        return input;
    }

    /**
     * Decodes the {@code length} bytes of payload in {@link #input(int)} into {@link #output()}.
     *
     * @return the number of bytes decoded: the length the frame declared
     * @throws ProtocolException if the declared length is out of bounds
     * @throws CorruptStreamException if the zlib stream is corrupt, cut short, longer than declared,
     *     or followed by other bytes
     */
    int inflate(int length) throws ProtocolException {
        if (length <= FrameDeflater.HEADER) {
            throw new ProtocolException("COMPRESSED frame of " + length + " bytes has no data after its "
                    + FrameDeflater.HEADER + "-byte length");
        }
        long declared = ((input[0] & 0xffL) << 24) | ((input[1] & 0xff) << 16) | ((input[2] & 0xff) << 8)
                | (input[3] & 0xff);
        if (declared < 1 || declared > Protocol.MAX_PAYLOAD) {
            throw new ProtocolException("COMPRESSED frame declares " + declared + " bytes decompressed; "
                    + "a frame holds 1 to " + Protocol.MAX_PAYLOAD);
        }
        int size = (int) declared;
        if (output.length < size) {
            output = new byte[size];
        }
        inflater.reset();
        inflater.setInput(input, FrameDeflater.HEADER, length - FrameDeflater.HEADER);
        try {
            int produced = 0;
            while (produced < size) {
                int n = inflater.inflate(output, produced, size - produced);
                if (n == 0) { // finished early, out of input, or wanting a dictionary: none of them legal here
                    throw new CorruptStreamException("COMPRESSED frame declares " + size + " bytes, but its zlib stream "
                            + (inflater.finished() ? "ends after " + produced
                                    : inflater.needsDictionary() ? "wants a preset dictionary after " + produced
                                    : "is cut short after " + produced));
                }
                produced += n;
            }
            if (!inflater.finished()) {
                if (inflater.inflate(overflow, 0, 1) > 0) {
                    throw new CorruptStreamException("COMPRESSED frame decompresses to more than the "
                            + size + " bytes it declares");
                }
                if (!inflater.finished()) {
                    throw new CorruptStreamException("COMPRESSED frame's zlib stream is cut short after its "
                            + size + " bytes (no end of stream)");
                }
            }
        } catch (DataFormatException e) {
            throw new CorruptStreamException("COMPRESSED frame holds a corrupt zlib stream: " + e.getMessage());
        }
        if (inflater.getRemaining() > 0) {
            throw new CorruptStreamException("COMPRESSED frame has " + inflater.getRemaining()
                    + " bytes after its zlib stream");
        }
        return size;
    }

    /** The bytes the last {@link #inflate} decoded. */
    byte[] output() {
        return output;
    }

    @Override
    public void close() {
        inflater.end();
    }
}
