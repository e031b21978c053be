package dev.hotswap.protocol;

/**
 * Closes a data stream: how many data bytes were sent and their CRC32C. Encoding: u64 count, u32 CRC.
 *
 * @param byteCount the number of data bytes in the stream
 * @param crc32c the CRC32C ({@link java.util.zip.CRC32C}) of those bytes, as its low 32 bits
 */
public record End(long byteCount, int crc32c) {

    /** Rejects a negative count. */
    public End {
        if (byteCount < 0) {
            throw new IllegalArgumentException("byte count " + byteCount + " is negative");
        }
    }

    /** This value as an {@code END} frame. */
    public Frame toFrame() {
        return new Frame(FrameType.END, new Payload.Writer().u64(byteCount).u32(crc32c).toByteArray());
    }

    /**
     * Decodes an {@code END} frame.
     *
     * @throws ProtocolException if the frame is not a well-formed {@code END}
     */
    public static End from(Frame frame) throws ProtocolException {
        Frames.expect(frame, FrameType.END);
        Payload.Reader reader = new Payload.Reader(frame);
        long count = reader.u64();
        int crc = (int) reader.u32();
        reader.end();
        if (count < 0) {
            throw new ProtocolException("malformed END frame: byte count " + Long.toUnsignedString(count));
        }
        return new End(count, crc);
    }
}
