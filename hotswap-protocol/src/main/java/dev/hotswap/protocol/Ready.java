package dev.hotswap.protocol;

import java.util.OptionalInt;

/**
 * The server accepted a {@code cp} request: which way the data flows, which managed database it
 * concerns, and, with a pull, the live file's permission bits, so that the client creates its copy
 * no wider.
 *
 * <p>Encoding: u8 direction ({@code 'I'} for a push, {@code 'O'} for a pull), the database name as
 * a string, then, only if present, the u16 mode (permission bits, at most {@code 0777}). A
 * {@code READY} without a mode (from an early version 1 server) means the client picks a private
 * {@code 0600}.
 *
 * @param direction which way the database travels
 * @param database the name of the managed database
 * @param mode the live file's permission bits, if the server sent them
 */
public record Ready(Direction direction, String database, OptionalInt mode) {
    /** The largest mode: permission bits only, never set-id or sticky bits. */
    public static final int MAX_MODE = 0777;

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

    /** Rejects nulls and a mode outside {@code 0..0777}. */
    public Ready {
        java.util.Objects.requireNonNull(direction, "direction");
        java.util.Objects.requireNonNull(database, "database");
        java.util.Objects.requireNonNull(mode, "mode");
        if (mode.isPresent() && (mode.getAsInt() < 0 || mode.getAsInt() > MAX_MODE)) {
            throw new IllegalArgumentException(String.format("mode %o is outside 0..%o", mode.getAsInt(), MAX_MODE));
        }
    }

    /** A {@code READY} without a mode. */
    public Ready(Direction direction, String database) {
        this(direction, database, OptionalInt.empty());
    }

    /** This value as a {@code READY} frame. */
    public Frame toFrame() {
        Payload.Writer payload = new Payload.Writer().u8(direction.code).string(database);
        mode.ifPresent(payload::u16);
        return new Frame(FrameType.READY, payload.toByteArray());
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
        String database = reader.string();
        OptionalInt mode = OptionalInt.empty();
        if (reader.hasRemaining()) {
            int bits = reader.u16();
            if (bits > MAX_MODE) {
                throw new ProtocolException(String.format("malformed READY frame: mode %o exceeds %o", bits, MAX_MODE));
            }
            mode = OptionalInt.of(bits);
        }
        reader.end();
        return new Ready(direction, database, mode);
    }
}
