package dev.hotswap.cli;

import dev.hotswap.protocol.DataFrameInputStream;
import dev.hotswap.protocol.DataFrameOutputStream;
import dev.hotswap.protocol.Exit;
import dev.hotswap.protocol.Frame;
import dev.hotswap.protocol.FrameReader;
import dev.hotswap.protocol.FrameType;
import dev.hotswap.protocol.FrameWriter;
import dev.hotswap.protocol.Handshake;
import dev.hotswap.protocol.Ready;
import dev.hotswap.protocol.Request;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A protocol peer for client-only behaviours: a real Unix domain socket in a short directory under
 * /tmp (socket paths must stay under 108 bytes), whose connections each run one script, in order.
 * {@link #await()} waits for all scripts and rethrows the first script failure, so assertions made
 * by the peer fail the test.
 */
final class ScriptedServer implements AutoCloseable {

    /** What the server does on one connection. */
    @FunctionalInterface
    interface Script {
        void run(Peer peer) throws Exception;
    }

    private final Path directory;
    private final Path socket;
    private final ServerSocketChannel server;
    private final CompletableFuture<Void> done = new CompletableFuture<>();

    private ScriptedServer(List<Script> scripts) throws IOException {
        directory = Files.createTempDirectory(Path.of("/tmp"), "hs");
        socket = directory.resolve("s.sock");
        server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(socket));
        Thread acceptor = new Thread(() -> serve(scripts), "scripted-server");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** Starts a server that runs {@code scripts}, one per connection. */
    static ScriptedServer start(Script... scripts) throws IOException {
        return new ScriptedServer(List.of(scripts));
    }

    /** The socket to connect to. */
    Path socket() {
        return socket;
    }

    /** Waits until every script ran, and rethrows the first one's failure. */
    void await() throws Exception {
        try {
            done.get(20, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            if (e.getCause() instanceof Exception cause) {
                throw cause;
            }
            throw e;
        }
    }

    private void serve(List<Script> scripts) {
        try {
            for (Script script : scripts) {
                try (SocketChannel channel = server.accept()) {
                    script.run(new Peer(channel));
                }
            }
            done.complete(null);
        } catch (Throwable e) {
            done.completeExceptionally(e);
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
        try (Stream<Path> files = Files.walk(directory)) {
            files.sorted(Comparator.reverseOrder()).forEach(path -> {
                try {
                    Files.deleteIfExists(path);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
    }

    /** The server's end of one connection. */
    static final class Peer {
        private final SocketChannel channel;
        final FrameReader in;
        final FrameWriter out;
        private final OutputStream raw;

        Peer(SocketChannel channel) {
            this.channel = channel;
            InputStream input = Channels.newInputStream(channel);
            this.raw = Channels.newOutputStream(channel);
            this.in = new FrameReader(input);
            this.out = new FrameWriter(raw);
        }

        /** Answers the client's HELLO, negotiating as a current server does (version 4 with this CLI). */
        Peer handshake() throws IOException {
            Handshake.server(in, out);
            return this;
        }

        /** Reads the client's request. */
        Request request() throws IOException {
            return Request.from(in.read());
        }

        /** Reads the next frame, or null at the end of the connection. */
        Frame next() throws IOException {
            return in.read();
        }

        void ready(Ready.Direction direction, String database) throws IOException {
            out.send(new Ready(direction, database).toFrame());
        }

        void status(String text) throws IOException {
            out.send(Frame.text(FrameType.STATUS, text));
        }

        void phase(String text) throws IOException {
            out.send(Frame.text(FrameType.PHASE, text));
        }

        void exit(int code, String message) throws IOException {
            out.send(new Exit(code, message).toFrame());
        }

        /** Reads a whole upload up to its verified END. */
        byte[] upload() throws IOException {
            return new DataFrameInputStream(in, FrameType.DATA_IN, frame -> { }).readAllBytes();
        }

        /** Sends {@code data} as a complete DATA_OUT stream. */
        void download(byte[] data) throws IOException {
            DataFrameOutputStream stream = new DataFrameOutputStream(out, FrameType.DATA_OUT);
            stream.write(data);
            stream.finish();
        }

        /** Writes bytes that need not be frames at all. */
        void raw(byte[] bytes) throws IOException {
            out.flush();
            raw.write(bytes);
            raw.flush();
        }

        /** Reads and drops frames until the client closes; returns the first frame of {@code type}. */
        Frame drainUntil(FrameType type) throws IOException {
            while (true) {
                Frame frame = in.read();
                if (frame == null || frame.type() == type) {
                    return frame;
                }
            }
        }

        /** Reads from the socket until the client closes it (or resets it, closing with data unread). */
        void awaitClose() {
            ByteBuffer sink = ByteBuffer.allocate(1 << 16);
            try {
                while (channel.read(sink.clear()) >= 0) {
                    // discard
                }
            } catch (IOException reset) {
                // closed all the same
            }
        }
    }
}
