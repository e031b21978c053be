package dev.hotswap.cli;

import dev.hotswap.protocol.CpOptions;
import dev.hotswap.protocol.DataCompression;
import dev.hotswap.protocol.DataFrameInputStream;
import dev.hotswap.protocol.Exit;
import dev.hotswap.protocol.Frame;
import dev.hotswap.protocol.FrameReader;
import dev.hotswap.protocol.FrameType;
import dev.hotswap.protocol.FrameWriter;
import dev.hotswap.protocol.Handshake;
import dev.hotswap.protocol.Protocol;
import dev.hotswap.protocol.ProtocolException;
import dev.hotswap.protocol.Ready;
import dev.hotswap.protocol.Request;
import dev.hotswap.protocol.TransferAbortedException;
import dev.hotswap.protocol.TruncatedStreamException;
import dev.hotswap.protocol.VersionMismatchException;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.net.ConnectException;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One conversation with the engine over its Unix domain socket: the JDK's own
 * {@link SocketChannel} (no native library), the protocol's {@link FrameReader} and
 * {@link FrameWriter} on top, and the failure messages for everything that can go wrong on the way.
 *
 * <p>The byte streams under the framing are this class's own, not {@code Channels.newInputStream}
 * and {@code newOutputStream}: on JDK 17 those take the channel's blocking lock for each call, so a
 * thread waiting for the server's next frame would stop the upload thread from writing. A socket
 * channel supports one reader and one writer at a time, which is all the upload needs.
 */
final class Connection implements AutoCloseable {
    /** How long the server may take to answer {@code HELLO} (tests shorten it). */
    static volatile Duration handshakeTimeout = Duration.ofSeconds(15);

    private final Path socket;
    private final SocketChannel channel;
    private final FrameReader reader;
    private final FrameWriter writer;
    private int version;

    private Connection(Path socket, SocketChannel channel) {
        this.socket = socket;
        this.channel = channel;
        // A small buffer: data frame payloads larger than it go straight into the reader's buffer.
        this.reader = new FrameReader(new BufferedInputStream(new ChannelStreams.In(channel), 8192));
        this.writer = new FrameWriter(new ChannelStreams.Out(channel));
    }

    /**
     * Connects to the server at the absolute path {@code socket}, checks that it is one of the
     * {@code trusted} users', and exchanges {@code HELLO}.
     *
     * @throws CommandFailure with exit code 3 if the socket does not exist, its folder is not
     *         private, refuses the connection, runs as a user not trusted, or the peer does not
     *         speak this protocol version; with exit code 1 if the server
     *         turns the connection away with {@code EXIT} (busy, permission denied)
     */
    static Connection open(Path socket, TrustedUsers trusted) throws CommandFailure {
        Connection connection = open(socket, trusted, Protocol.VERSION);
        if (Handshake.mustReconnect(Protocol.VERSION, connection.version)) {
            // A version 1 server: it has refused us with EXIT 3 and closes. Speak its version.
            connection.close();
            connection = open(socket, trusted, 1);
        }
        return connection;
    }

    private static Connection open(Path socket, TrustedUsers trusted, int offer) throws CommandFailure {
        if (!Files.exists(socket, LinkOption.NOFOLLOW_LINKS)) {
            throw CommandFailure.unreachable("no hotswap server at " + socket
                    + ": no such socket (is the app running? Use --socket PATH or HOTSWAP_SOCKET)");
        }
        trusted.requirePrivateFolder(socket);
        SocketChannel channel;
        try {
            channel = SocketChannel.open(StandardProtocolFamily.UNIX);
            // A push streams the file in frames of 256 KiB; with the default buffer (about 200 KiB)
            // every frame costs the two processes several wake-ups.
            channel.setOption(StandardSocketOptions.SO_SNDBUF, Protocol.SOCKET_BUFFER);
        } catch (IOException e) {
            throw CommandFailure.unreachable("cannot open a Unix domain socket: " + e.getMessage());
        }
        try {
            channel.connect(UnixDomainSocketAddress.of(connectable(socket)));
        } catch (IOException e) {
            closeQuietly(channel);
            String reason = e instanceof ConnectException ? "connection refused (is the app running?)"
                    : Objects.requireNonNullElse(e.getMessage(), e.toString());
            throw CommandFailure.unreachable("cannot connect to the hotswap server at " + socket + ": " + reason);
        }
        try {
            trusted.requireTrustedPeer(channel, socket);
        } catch (CommandFailure e) {
            closeQuietly(channel);
            throw e;
        }
        Connection connection = new Connection(socket, channel);
        try {
            connection.handshake(offer);
        } catch (CommandFailure | RuntimeException e) {
            connection.close();
            throw e;
        }
        return connection;
    }

    /**
     * The path to hand to {@code connect}: the absolute one, or, when that is longer than the
     * kernel allows, the same socket relative to the process's working directory if that is short
     * enough (deploy trees can be deep).
     */
    static Path connectable(Path socket) {
        if (utf8Length(socket) <= Protocol.MAX_SOCKET_PATH) {
            return socket;
        }
        Path cwd = Path.of("").toAbsolutePath();
        if (socket.startsWith(cwd)) {
            Path relative = cwd.relativize(socket);
            if (utf8Length(relative) <= Protocol.MAX_SOCKET_PATH) {
                return relative;
            }
        }
        return socket;
    }

    private static int utf8Length(Path path) {
        return path.toString().getBytes(StandardCharsets.UTF_8).length;
    }

    /**
     * Exchanges {@code HELLO}, within {@link #handshakeTimeout}: a process that accepts the
     * connection and never answers (a hung server, something else listening there) is given up on
     * with exit 3 instead of hanging the command. After the handshake the server may take long
     * (an integrity check of a large file), and the command waits for it.
     */
    private void handshake(int offer) throws CommandFailure {
        AtomicBoolean timedOut = new AtomicBoolean();
        Duration timeout = handshakeTimeout;
        Thread watchdog = new Thread(() -> {
            try {
                Thread.sleep(timeout.toMillis());
                timedOut.set(true);
                closeQuietly(channel); // ends the blocked read below
            } catch (InterruptedException e) {
                // the handshake ended in time
            }
        }, "hotswap-handshake-watchdog");
        watchdog.setDaemon(true);
        watchdog.start();
        try {
            version = Handshake.client(reader, writer, offer);
        } catch (IOException e) {
            if (timedOut.get()) {
                throw CommandFailure.unreachable("the server at " + socket + " did not answer within "
                        + Quantities.duration(timeout.toNanos()));
            }
            throw handshakeFailure(e);
        } finally {
            watchdog.interrupt();
        }
    }

    private CommandFailure handshakeFailure(IOException failure) {
        if (failure instanceof VersionMismatchException) {
            return CommandFailure.unreachable(failure.getMessage());
        }
        if (failure instanceof TruncatedStreamException) {
            return CommandFailure.unreachable("the server at " + socket + " closed the connection during the handshake");
        }
        if (failure instanceof TransferAbortedException aborted) {
            // The server answered HELLO with EXIT: it refused the connection (busy, or a uid it
            // does not serve). Its code and message are the answer.
            return refusal(aborted);
        }
        if (failure instanceof ProtocolException) {
            return CommandFailure.unreachable("the server at " + socket + " does not speak the hotswap protocol: "
                    + failure.getMessage());
        }
        return CommandFailure.unreachable("the server at " + socket + " dropped the connection during the handshake: "
                + failure.getMessage());
    }


    private static CommandFailure refusal(TransferAbortedException e) {
        try {
            Exit exit = Exit.from(e.frame());
            return exit.code() == Protocol.EXIT_OK ? CommandFailure.failed(e.getMessage()) : CommandFailure.of(exit);
        } catch (ProtocolException malformed) {
            return CommandFailure.failed(e.getMessage());
        }
    }

    /** The protocol version of this conversation: 2 and later can transfer by delta. */
    int version() {
        return version;
    }

    /**
     * Whether the bytes cross a network link: the one hook a remote transport sets, from which a
     * delta ({@link TransferChoice}) and compression ({@link CompressChoice}) become the defaults. A
     * Unix socket is always on this host; the relay through a remote shell (issue 18) will be the
     * first remote link.
     */
    boolean remote() {
        return false;
    }

    /**
     * Asks for compressed data streams in {@code options} (the request's), if {@code choice} wants
     * them over this link and the server speaks protocol 4 (an older one would refuse the option),
     * and from then on reads and writes them.
     *
     * @return whether the data streams of this conversation may travel compressed
     */
    boolean compressData(CompressChoice choice, java.util.Map<String, String> options) {
        if (!choice.compresses(remote()) || version < 4) {
            return false;
        }
        options.put(CpOptions.COMPRESS, "true");
        reader.acceptCompressedData();
        writer.compressData(DataCompression.ADAPTIVE);
        return true;
    }

    /** The socket this connection reached, for messages. */
    Path socket() {
        return socket;
    }

    FrameReader reader() {
        return reader;
    }

    FrameWriter writer() {
        return writer;
    }

    /** Sends the request of this conversation. */
    void send(Request request) throws CommandFailure {
        try {
            writer.send(request.toFrame());
        } catch (IOException e) {
            throw CommandFailure.of(e);
        }
    }

    /**
     * Waits for the server's answer to a {@code cp} request, passing {@code STATUS} and
     * {@code PHASE} frames to {@code reporter}.
     *
     * @throws CommandFailure with the server's code and message if it answers with {@code EXIT}
     */
    Ready awaitReady(Reporter reporter) throws CommandFailure {
        try {
            Frame frame = nextControlFrame(reporter, "a READY frame");
            if (frame.type() == FrameType.EXIT) {
                Exit exit = Exit.from(frame);
                throw exit.code() == Protocol.EXIT_OK
                        ? CommandFailure.failed("protocol error: the server answered cp with EXIT 0 instead of READY")
                        : CommandFailure.of(exit);
            }
            if (frame.type() != FrameType.READY) {
                throw CommandFailure.failed("protocol error: expected READY, got " + frame.type());
            }
            return Ready.from(frame);
        } catch (IOException e) {
            throw CommandFailure.of(e);
        }
    }

    /**
     * Waits for the server's {@code EXIT}, passing {@code STATUS} and {@code PHASE} frames to
     * {@code reporter}.
     */
    Exit awaitExit(Reporter reporter) throws CommandFailure {
        try {
            Frame frame = nextControlFrame(reporter, "an EXIT frame");
            if (frame.type() != FrameType.EXIT) {
                throw CommandFailure.failed("protocol error: expected EXIT, got " + frame.type());
            }
            return Exit.from(frame);
        } catch (IOException e) {
            throw CommandFailure.of(e);
        }
    }

    /**
     * Sends {@code request} and returns the text the server answers with ({@code ls},
     * {@code version}), once its {@code EXIT 0} confirmed it.
     */
    String call(Request request, Reporter reporter) throws CommandFailure {
        send(request);
        byte[] text;
        try {
            text = new DataFrameInputStream(reader, FrameType.DATA_OUT, frame -> relay(frame, reporter))
                    .readAllBytes();
        } catch (IOException e) {
            throw CommandFailure.of(e);
        }
        Exit exit = awaitExit(reporter);
        if (exit.code() != Protocol.EXIT_OK) {
            throw CommandFailure.of(exit);
        }
        return new String(text, StandardCharsets.UTF_8);
    }

    private Frame nextControlFrame(Reporter reporter, String expected) throws IOException {
        while (true) {
            Frame frame = reader.read();
            if (frame == null) {
                throw new TruncatedStreamException("connection closed while waiting for " + expected);
            }
            if (!relay(frame, reporter)) {
                return frame;
            }
        }
    }

    /** Passes a {@code STATUS} or {@code PHASE} frame to {@code reporter}; false for other frames. */
    static boolean relay(Frame frame, Reporter reporter) {
        try {
            if (frame.type() == FrameType.STATUS) {
                reporter.status(frame.text());
                return true;
            }
            if (frame.type() == FrameType.PHASE) {
                reporter.phase(frame.text());
                return true;
            }
        } catch (ProtocolException e) {
            reporter.status("(unreadable " + frame.type() + " frame from the server: " + e.getMessage() + ")");
            return true;
        }
        return false;
    }

    /**
     * Stops sending: a thread blocked writing to a server that no longer reads is released, and
     * the server sees the end of the stream.
     */
    void shutdownOutput() {
        try {
            channel.shutdownOutput();
        } catch (IOException e) {
            // already closed: nothing left to stop
        }
    }

    /** Closes the connection; threads blocked on it are released. */
    @Override
    public void close() {
        closeQuietly(channel);
    }

    private static void closeQuietly(SocketChannel channel) {
        try {
            channel.close();
        } catch (IOException e) {
            // closing a Unix socket cannot fail in a way we could act on
        }
    }
}
