package dev.hotswap.cli;

import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;

/**
 * The byte stream that a {@link Connection} speaks the protocol over: the server's Unix socket on
 * this host ({@link SocketLink}), or a remote shell's pipes to a {@code hotswap relay} beside a
 * server on another host ({@link RemoteLink}). The protocol is the same on both, end to end.
 */
interface Link extends AutoCloseable {
    /** The server's bytes. */
    InputStream in();

    /** The bytes for the server. */
    OutputStream out();

    /** Stops sending: the server sees the end of the stream; reading goes on. */
    void shutdownOutput();

    /** Ends the link; threads blocked on it are released. */
    @Override
    void close();

    /** Whether the bytes cross a network link, which makes a delta the fastest transfer. */
    boolean remote();

    /** The server as messages name it: {@code the server at /app/tmp/sockets/hotswap.sock}. */
    String peer();

    /** How long the server may take to answer {@code HELLO}, given the local default. */
    Duration handshakeTimeout(Duration local);

    /**
     * The failure to report when the handshake failed with {@code usual}: a link that knows more
     * (the remote shell exited, and said why) says that instead.
     */
    CommandFailure handshakeFailed(CommandFailure usual);

    /**
     * The failure to report when a conversation failed with {@code usual} after its handshake: a
     * link that knows more about a {@linkplain CommandFailure#connectionLost lost connection} (what
     * the remote shell said as it died: {@code Connection to prod closed by remote host}) adds it.
     */
    CommandFailure conversationFailed(CommandFailure usual);
}
