package dev.hotswap.protocol;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;

/**
 * One frame: a type and its payload (at most {@link Protocol#MAX_PAYLOAD} bytes).
 *
 * <p>Text frames ({@code STATUS}, {@code PHASE}, {@code ABORT}) carry bare UTF-8; the structured ones
 * have value types that encode and decode them: {@link Hello}, {@link Request}, {@link Ready},
 * {@link End}, {@link Exit}.
 */
public record Frame(FrameType type, byte[] payload) {

    /** Validates the frame; the payload array is copied so that a frame is immutable. */
    public Frame {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(payload, "payload");
        if (payload.length > Protocol.MAX_PAYLOAD) {
            throw new IllegalArgumentException(
                    "payload length " + payload.length + " exceeds " + Protocol.MAX_PAYLOAD);
        }
        payload = payload.clone();
    }

    /** A text frame ({@code STATUS}, {@code PHASE} or {@code ABORT}) carrying {@code text}. */
    public static Frame text(FrameType type, String text) {
        if (type != FrameType.STATUS && type != FrameType.PHASE && type != FrameType.ABORT) {
            throw new IllegalArgumentException(type + " is not a text frame");
        }
        return new Frame(type, text.getBytes(StandardCharsets.UTF_8));
    }

    /** The payload decoded as UTF-8 (for text frames). */
    public String text() throws ProtocolException {
        return new Payload.Reader(this).rest();
    }

    /** A copy of the payload. */
    @Override
    public byte[] payload() {
        return payload.clone();
    }

    /** The payload length, without copying it. */
    public int length() {
        return payload.length;
    }

    /** The payload array itself, for this package's writers and readers only. */
    byte[] payloadUnsafe() {
        return payload;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Frame that && type == that.type && Arrays.equals(payload, that.payload);
    }

    @Override
    public int hashCode() {
        return 31 * type.hashCode() + Arrays.hashCode(payload);
    }

    @Override
    public String toString() {
        return "Frame[" + type + ", " + payload.length + " bytes]";
    }
}
