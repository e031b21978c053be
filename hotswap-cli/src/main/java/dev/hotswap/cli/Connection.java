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
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One conversation with the engine over a {@link Link}: the server's Unix socket on this host, or a
 * remote shell's pipes to a relay beside a server on another host. The protocol's
 * {@link FrameReader} and {@link FrameWriter} on top, and the failure messages for everything that
 * can go wrong on the way. A link supports one reader and one writer at a time, which is all an
 * upload needs.
 */
final class Connection implements AutoCloseable {
    /** How long the server may take to answer {@code HELLO} (tests shorten it). */
    static volatile Duration handshakeTimeout = Duration.ofSeconds(15);

    /** Opens a fresh link to the same server: a version 1 server needs a second connection. */
    @FunctionalInterface
    interface Opener {
        Link open() throws CommandFailure;
    }

    private final Link link;
    private final FrameReader reader;
    private final FrameWriter writer;
    private int version;

    /** {@code usual}, or what the link knows more of it ({@link Link#conversationFailed}). */
    CommandFailure explain(CommandFailure usual) {
        return link.conversationFailed(usual);
    }

    private Connection(Link link) {
        this.link = link;
        // A small buffer: data frame payloads larger than it go straight into the reader's buffer.
        this.reader = new FrameReader(new BufferedInputStream(link.in(), 8192));
        this.writer = new FrameWriter(link.out());
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
        return open(() -> SocketLink.connect(socket, trusted));
    }

    /** Opens a link with {@code opener} and exchanges {@code HELLO} over it, as {@link #open(Path, TrustedUsers)}. */
    static Connection open(Opener opener) throws CommandFailure {
        Connection connection = open(opener, Protocol.VERSION);
        if (Handshake.mustReconnect(Protocol.VERSION, connection.version)) {
            // A version 1 server: it has refused us with EXIT 3 and closes. Speak its version.
            connection.close();
            connection = open(opener, 1);
        }
        return connection;
    }

    private static Connection open(Opener opener, int offer) throws CommandFailure {
        Connection connection = new Connection(opener.open());
        try {
            connection.handshake(offer);
        } catch (CommandFailure e) {
            CommandFailure failure = connection.link.handshakeFailed(e); // before close: a link we end says nothing
            connection.close();
            throw failure;
        } catch (RuntimeException e) {
            connection.close();
            throw e;
        }
        return connection;
    }

    /**
     * Exchanges {@code HELLO}, within {@link #handshakeTimeout}: a process that accepts the
     * connection and never answers (a hung server, something else listening there) is given up on
     * with exit 3 instead of hanging the command. After the handshake the server may take long
     * (an integrity check of a large file), and the command waits for it.
     */
    private void handshake(int offer) throws CommandFailure {
        AtomicBoolean timedOut = new AtomicBoolean();
        Duration timeout = link.handshakeTimeout(handshakeTimeout);
        Thread watchdog = new Thread(() -> {
            try {
                Thread.sleep(timeout.toMillis());
                timedOut.set(true);
                link.close(); // ends the blocked read below
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
                throw CommandFailure.unreachable(link.peer() + " did not answer within "
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
            return CommandFailure.unreachable(link.peer() + " closed the connection during the handshake");
        }
        if (failure instanceof TransferAbortedException aborted) {
            // The server answered HELLO with EXIT: it refused the connection (busy, or a uid it
            // does not serve). Its code and message are the answer.
            return refusal(aborted);
        }
        if (failure instanceof ProtocolException) {
            return CommandFailure.unreachable(link.peer() + " does not speak the hotswap protocol: "
                    + failure.getMessage());
        }
        return CommandFailure.unreachable(link.peer() + " dropped the connection during the handshake: "
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
     * Whether the bytes cross a network link (a remote shell): from it a delta
     * ({@link TransferChoice}) and compression ({@link CompressChoice}) become the defaults.
     */
    boolean remote() {
        return link.remote();
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
        link.shutdownOutput();
    }

    /** Closes the connection; threads blocked on it are released. */
    @Override
    public void close() {
        link.close();
    }
}
