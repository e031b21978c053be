package dev.hotswap.protocol;

/**
 * The peer ended a data stream on purpose, with an {@code ABORT} frame or (server side) an early
 * {@code EXIT}. The message is the peer's reason.
 */
public final class TransferAbortedException extends ProtocolException {
    private static final long serialVersionUID = 1L;

    private final transient Frame frame;

    /** The peer's {@code ABORT} or {@code EXIT} frame ended the transfer. */
    public TransferAbortedException(String message, Frame frame) {
        super(message);
        this.frame = frame;
    }

    /** The {@code ABORT} or {@code EXIT} frame that ended the transfer. */
    public Frame frame() {
        return frame;
    }
}
