package dev.hotswap.protocol;

import java.io.IOException;

/** Checks shared by the value decoders. */
final class Frames {
    private Frames() {
    }

    static void expect(Frame frame, FrameType type) throws ProtocolException {
        if (frame == null) {
            throw new TruncatedStreamException("connection closed while expecting " + type);
        }
        if (frame.type() != type) {
            throw new ProtocolException("expected " + type + " frame, got " + frame.type());
        }
    }

    static IOException unexpected(Frame frame, String while_) {
        return new ProtocolException("unexpected " + frame.type() + " frame " + while_);
    }
}
