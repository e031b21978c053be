package dev.hotswap.protocol;

import java.nio.charset.StandardCharsets;

/**
 * The last frame of a conversation: an exit code (see {@link Protocol#EXIT_OK} and the others) and a
 * message. Failure messages start with {@code ERROR: } and may span several lines (a schema diff).
 * Encoding: u8 code, then the message as bare UTF-8 up to the end of the payload.
 *
 * @param code the exit code, 0 to 255
 * @param message the message for the operator's stderr; may be empty
 */
public record Exit(int code, String message) {

    /** Validates the code range. */
    public Exit {
        if (code < 0 || code > 0xff) {
            throw new IllegalArgumentException("exit code " + code + " is outside 0..255");
        }
        java.util.Objects.requireNonNull(message, "message");
    }

    /** This value as an {@code EXIT} frame. Over-long messages are cut to fit one frame. */
    public Frame toFrame() {
        byte[] utf8 = message.getBytes(StandardCharsets.UTF_8);
        int cut = Math.min(utf8.length, Protocol.MAX_PAYLOAD - 1);
        while (cut < utf8.length && (utf8[cut] & 0xc0) == 0x80) {
            cut--; // never split a UTF-8 sequence
        }
        byte[] text = cut == utf8.length ? utf8 : java.util.Arrays.copyOf(utf8, cut);
        return new Frame(FrameType.EXIT, new Payload.Writer().u8(code).raw(text).toByteArray());
    }

    /**
     * Decodes an {@code EXIT} frame.
     *
     * @throws ProtocolException if the frame is not a well-formed {@code EXIT}
     */
    public static Exit from(Frame frame) throws ProtocolException {
        Frames.expect(frame, FrameType.EXIT);
        Payload.Reader reader = new Payload.Reader(frame);
        return new Exit(reader.u8(), reader.rest());
    }
}
