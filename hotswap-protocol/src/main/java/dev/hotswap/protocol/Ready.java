package dev.hotswap.protocol;

/**
 * The server accepted a {@code cp} request: which way the data flows and which managed database
 * it concerns.
 *
 * <p>Encoding: u8 direction ({@code 'I'} for a push, {@code 'O'} for a pull), then the database
 * name as a string.
 *
 * @param direction which way the database travels
 * @param database the name of the managed database
 */
public record Ready(Direction direction, String database) {

    /** Which way the database travels. */
    public enum Direction {
        /** Client to server: the client sends {@code DATA_IN} frames and {@code END}. */
        PUSH('I'),
        /** Server to client: the server sends {@code DATA_OUT} frames and {@code END}. */
        PULL('O');

        private final int code;

        Direction(char code) {
            this.code = code;
        }
    }

    /** Rejects nulls. */
    public Ready {
        java.util.Objects.requireNonNull(direction, "direction");
        java.util.Objects.requireNonNull(database, "database");
    }

    /** This value as a {@code READY} frame. */
    public Frame toFrame() {
        return new Frame(FrameType.READY, new Payload.Writer().u8(direction.code).string(database).toByteArray());
    }

    /**
     * Decodes a {@code READY} frame.
     *
     * @throws ProtocolException if the frame is not a well-formed {@code READY}
     */
    public static Ready from(Frame frame) throws ProtocolException {
        Frames.expect(frame, FrameType.READY);
        Payload.Reader reader = new Payload.Reader(frame);
        int code = reader.u8();
        Direction direction = null;
        for (Direction candidate : Direction.values()) {
            if (candidate.code == code) {
                direction = candidate;
            }
        }
        if (direction == null) {
            throw new ProtocolException(String.format("malformed READY frame: direction 0x%02x", code));
        }
        Ready ready = new Ready(direction, reader.string());
        reader.end();
        return ready;
    }
}
