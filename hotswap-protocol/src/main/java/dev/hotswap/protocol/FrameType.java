package dev.hotswap.protocol;

/**
 * The kinds of frame, each identified on the wire by one ASCII byte so that hex dumps read easily.
 * See {@code docs/protocol.md} for the payload of each.
 */
public enum FrameType {
    /** Opening frame of both sides: magic {@code HSWP} and the protocol version. */
    HELLO('H'),
    /** Client to server: a command with its arguments and options. */
    REQUEST('R'),
    /** Server to client: the request was accepted; says which way the data will flow. */
    READY('K'),
    /** Client to server: a chunk of the uploaded database. */
    DATA_IN('D'),
    /** Server to client: a chunk of the downloaded database or of a command's text output. */
    DATA_OUT('O'),
    /** Ends a data stream in one direction: byte count and CRC32C of everything sent. */
    END('E'),
    /** Server to client: one human-readable status line for the operator's stderr. */
    STATUS('S'),
    /** Server to client: the server entered a new phase (upload, integrity check, ...). */
    PHASE('P'),
    /** Either direction: the sender gives up the transfer; the payload says why. */
    ABORT('A'),
    /** Server to client, last frame of a conversation: exit code and message. */
    EXIT('X'),
    /** Delta transfers (version 2): the side that holds the old copy states its page size and count. */
    BASE('B'),
    /** Delta transfers (version 2): 16-byte hashes of blocks or pages of the old copy. */
    HASHES('#'),
    /** Delta transfers (version 2): the blocks whose page hashes the sending side wants. */
    WANT('W'),
    /**
     * Protocol 4, when the request asked for it: a data frame's bytes compressed, standing in for a
     * {@code DATA_IN} or {@code DATA_OUT} frame of the stream it appears in ({@link FrameDeflater}).
     */
    COMPRESSED('Z');

    private static final FrameType[] BY_CODE = new FrameType[256];

    static {
        for (FrameType type : values()) {
            BY_CODE[type.code] = type;
        }
    }

    private final int code;

    FrameType(char code) {
        this.code = code;
    }

    /** The byte that identifies this type on the wire. */
    public int code() {
        return code;
    }

    /**
     * The type for a wire byte.
     *
     * @throws ProtocolException if no frame type has that code
     */
    public static FrameType ofCode(int code) throws ProtocolException {
        FrameType type = (code >= 0 && code < BY_CODE.length) ? BY_CODE[code] : null;
        if (type == null) {
            throw new ProtocolException(String.format("unknown frame type 0x%02x", code & 0xff));
        }
        return type;
    }
}
