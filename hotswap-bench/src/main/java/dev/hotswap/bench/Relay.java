package dev.hotswap.bench;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;

/** A Unix socket relay in front of the engine's socket: counts bytes each way, and can throttle. */
final class Relay implements AutoCloseable {
    /** Wall time of a transfer, and the bytes it moved up (to the engine) and down. */
    record Measured(double seconds, long up, long down) {
    }

    final Path path;
    private final ServerSocketChannel server;
    private final Path target;
    private final double bytesPerSecond;
    private final AtomicLong up = new AtomicLong();
    private final AtomicLong down = new AtomicLong();

    private Relay(Path path, Path target, double mbs) throws IOException {
        this.path = path;
        this.target = target;
        this.bytesPerSecond = mbs * 1e6;
        Files.deleteIfExists(path);
        server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(path));
        Thread acceptor = new Thread(this::accept, "relay");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    static Relay start(Path path, Path target, double mbs) throws IOException {
        return new Relay(path, target, mbs);
    }

    /** Runs {@code action} and counts what crossed the relay meanwhile. */
    Measured measure(TransferBench.Action action) throws Exception {
        long u = up.get();
        long d = down.get();
        double seconds = TransferBench.time(action);
        return new Measured(seconds, up.get() - u, down.get() - d);
    }

    private void accept() {
        while (server.isOpen()) {
            try {
                SocketChannel client = server.accept();
                SocketChannel engine = SocketChannel.open(UnixDomainSocketAddress.of(target));
                pump(client, engine, up);
                pump(engine, client, down);
            } catch (IOException e) {
                return;
            }
        }
    }

    private void pump(SocketChannel from, SocketChannel to, AtomicLong counter) {
        Thread thread = new Thread(() -> {
            ByteBuffer buffer = ByteBuffer.allocateDirect(64 << 10);
            long start = System.nanoTime();
            long moved = 0;
            try (from; to) {
                while (from.read(buffer) >= 0) {
                    buffer.flip();
                    moved += buffer.remaining();
                    counter.addAndGet(buffer.remaining());
                    while (buffer.hasRemaining()) {
                        to.write(buffer);
                    }
                    buffer.clear();
                    if (bytesPerSecond > 0) {
                        long due = start + (long) (moved / bytesPerSecond * 1e9);
                        long wait = due - System.nanoTime();
                        if (wait > 0) {
                            Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                        }
                    }
                }
                to.shutdownOutput();
            } catch (IOException | InterruptedException e) {
                // one side closed: the conversation is over
            }
        }, "relay-pump");
        thread.setDaemon(true);
        thread.start();
    }

    @Override
    public void close() throws IOException {
        server.close();
        Files.deleteIfExists(path);
    }
}
