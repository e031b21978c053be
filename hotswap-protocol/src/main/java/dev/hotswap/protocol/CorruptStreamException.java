package dev.hotswap.protocol;

/** A data stream's {@code END} frame disagrees with the bytes received: count or CRC32C differ. */
public final class CorruptStreamException extends ProtocolException {
    private static final long serialVersionUID = 1L;

    /** A mismatch described by {@code message}. */
    public CorruptStreamException(String message) {
        super(message);
    }
}
