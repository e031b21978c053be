package dev.hotswap.protocol;

/** Constants both peers must agree on. */
public final class Protocol {
    /**
     * The newest protocol version this library speaks. Version 2 adds delta transfers ({@code BASE},
     * {@code HASHES}, {@code WANT}); version 3 adds the catch-up passes that may follow
     * the data of a pull whose destination is not {@code -} ({@link CatchUpPass}); version 4 adds
     * compressed data frames ({@link FrameType#COMPRESSED}) in a {@code cp} that asks for them
     * ({@link CpOptions#COMPRESS}). A peer still speaks every older version with an older peer.
     */
    public static final int VERSION = 4;

    /** The oldest protocol version this library still speaks. */
    public static final int MIN_VERSION = 1;

    /** The largest payload a frame may carry: 1 MiB. Readers refuse longer frames unread. */
    public static final int MAX_PAYLOAD = 1 << 20;

    /**
     * The payload size {@link DataFrameOutputStream} uses for data frames: 256 KiB. Fewer, larger
     * frames mean fewer system calls on both sides; any size up to {@link #MAX_PAYLOAD} is legal.
     */
    public static final int DATA_CHUNK = 256 << 10;

    /**
     * The send buffer either side asks for (Linux caps it at {@code net.core.wmem_max}, 4 MiB by
     * default): several data frames in flight, so a transfer is not a wake-up per frame.
     */
    public static final int SOCKET_BUFFER = 4 << 20;

    /**
     * Where the admin socket is when the app configures none and the client is told of none: this
     * path under the working directory (of the app, and of the client run from the app's directory).
     */
    public static final String DEFAULT_SOCKET = "tmp/sockets/hotswap.sock";

    /**
     * The longest socket path, in UTF-8 bytes, that a Unix domain socket address holds: its
     * {@code sun_path} is 108 bytes, with the terminating NUL.
     */
    public static final int MAX_SOCKET_PATH = 107;

    /** Option of {@code rollback} (value: a generation id in decimal): the generation to make current. */
    public static final String OPTION_TO = "to";

    /** Exit code: the command succeeded. */
    public static final int EXIT_OK = 0;
    /** Exit code: the server refused or failed the operation; nothing changed. */
    public static final int EXIT_FAILED = 1;
    /** Exit code: the request itself was wrong (unknown command, no managed database matched). */
    public static final int EXIT_USAGE = 2;
    /** Exit code: the peers cannot talk (protocol version mismatch). */
    public static final int EXIT_UNREACHABLE = 3;

    private Protocol() {
    }
}
