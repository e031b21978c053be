package dev.hotswap.protocol;

/**
 * The connection ended in the middle of a frame, or before the {@code END} frame of a data stream.
 * A truncated transfer is never complete.
 */
public final class TruncatedStreamException extends ProtocolException {
    private static final long serialVersionUID = 1L;

    /** A truncation described by {@code message}. */
    public TruncatedStreamException(String message) {
        super(message);
    }
}
