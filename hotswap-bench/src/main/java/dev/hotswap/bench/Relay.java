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

    /** The capacity an idle throttled link saves up: enough to make up for late wake-ups. */
    private static final long BURST_NANOS = 50_000_000;

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
            long free = System.nanoTime(); // when the throttled link has sent everything so far
            try (from; to) {
                while (from.read(buffer) >= 0) {
                    buffer.flip();
                    int moved = buffer.remaining();
                    counter.addAndGet(moved);
                    while (buffer.hasRemaining()) {
                        to.write(buffer);
                    }
                    buffer.clear();
                    if (bytesPerSecond > 0) {
                        // A link idle for a while has saved up at most BURST of capacity: a limit on
                        // the average since the start would let the bytes after a quiet spell through
                        // at full speed, and none at all would turn every late wake-up into lost time.
                        long now = System.nanoTime();
                        free = Math.max(free, now - BURST_NANOS) + (long) (moved / bytesPerSecond * 1e9);
                        long wait = free - now;
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
