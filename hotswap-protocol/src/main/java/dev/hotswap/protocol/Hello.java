package dev.hotswap.protocol;

import java.nio.charset.StandardCharsets;

/**
 * The opening frame of each side: the four ASCII bytes {@code HSWP} and a u16 protocol version.
 *
 * @param version the protocol version the sender speaks (0 to 65535)
 */
public record Hello(int version) {
    private static final byte[] MAGIC = "HSWP".getBytes(StandardCharsets.US_ASCII);

    /** Validates the version range. */
    public Hello {
        if (version < 0 || version > 0xffff) {
            throw new IllegalArgumentException("version " + version + " is outside 0..65535");
        }
    }

    /** This value as a {@code HELLO} frame. */
    public Frame toFrame() {
        return new Frame(FrameType.HELLO, new Payload.Writer().raw(MAGIC).u16(version).toByteArray());
    }

    /**
     * Decodes a {@code HELLO} frame.
     *
     * @throws ProtocolException if the frame is not a {@code HELLO} or lacks the magic
     */
    public static Hello from(Frame frame) throws ProtocolException {
        Frames.expect(frame, FrameType.HELLO);
        Payload.Reader reader = new Payload.Reader(frame);
        for (byte magic : MAGIC) {
            if (reader.u8() != magic) {
                throw new ProtocolException("not a hotswap peer: HELLO lacks the HSWP magic");
            }
        }
        Hello hello = new Hello(reader.u16());
        reader.end();
        return hello;
    }
}
