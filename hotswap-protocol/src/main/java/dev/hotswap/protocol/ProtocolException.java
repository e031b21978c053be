package dev.hotswap.protocol;

import java.io.IOException;

/**
 * The peer broke the protocol: a garbage or oversize frame, an unexpected frame type, a malformed
 * payload. Subtypes tell apart the cases a caller may want to report differently.
 */
public class ProtocolException extends IOException {
    private static final long serialVersionUID = 1L;

    /** A protocol violation described by {@code message}. */
    public ProtocolException(String message) {
        super(message);
    }
}
