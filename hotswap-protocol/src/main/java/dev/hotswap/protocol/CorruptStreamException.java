package dev.hotswap.protocol;

/**
 * A data stream's bytes are not what was sent: its {@code END} frame disagrees with the bytes
 * received (count or CRC32C), or a {@code COMPRESSED} frame's zlib stream is corrupt, cut short, or
 * not the length it declares.
 */
public final class CorruptStreamException extends ProtocolException {
    private static final long serialVersionUID = 1L;

    /** A mismatch described by {@code message}. */
    public CorruptStreamException(String message) {
        super(message);
    }
}
