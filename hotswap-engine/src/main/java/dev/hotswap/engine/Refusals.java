package dev.hotswap.engine;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import dev.hotswap.protocol.Exit;
import dev.hotswap.protocol.FrameWriter;
import dev.hotswap.protocol.Protocol;

import org.newsclub.net.unix.AFUNIXSocket;

/**
 * How the admin socket turns a connection away (busy, uid not allowed): one {@code EXIT 1} at once
 * (it fits any socket buffer), then, off the accepting thread, it reads what the client sends until
 * the client closes (at most {@link #LINGER_BYTES} bytes for {@link #LINGER}) before closing.
 * Closing at once would make the client's {@code HELLO}, sent after our answer, fail with a broken
 * pipe, and a client could take that for an unreachable server instead of a busy one. At most two
 * threads hear refused clients out and {@link #QUEUED_AT_MOST} wait; beyond that a refused
 * connection is closed right after its answer, so that a flood costs nothing but the answers.
 */
final class Refusals implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(Refusals.class.getName());
    private static final Duration LINGER = Duration.ofSeconds(1);
    private static final int LINGER_BYTES = 4096;
    private static final int QUEUED_AT_MOST = 32;

    private final ThreadPoolExecutor lingering;

    Refusals(ThreadFactory threads) {
        lingering = new ThreadPoolExecutor(0, 2, 10, TimeUnit.SECONDS, new ArrayBlockingQueue<>(QUEUED_AT_MOST), threads);
    }

    /** Answers {@code socket} with {@code EXIT 1 message}, then hears it out and closes it. */
    void answer(AFUNIXSocket socket, String message) {
        try {
            new FrameWriter(socket.getOutputStream()).send(new Exit(Protocol.EXIT_FAILED, message).toFrame());
            lingering.execute(() -> lingerAndClose(socket));
        } catch (IOException | RejectedExecutionException e) {
            LOG.log(System.Logger.Level.DEBUG, "refused a peer without lingering", e);
            try {
                socket.close();
            } catch (IOException closing) {
                LOG.log(System.Logger.Level.DEBUG, "close failed", closing);
            }
        }
    }

    private static void lingerAndClose(AFUNIXSocket socket) {
        try (socket) {
            long deadline = System.nanoTime() + LINGER.toNanos();
            byte[] discard = new byte[256];
            int total = 0;
            for (long left; total < LINGER_BYTES && (left = deadline - System.nanoTime()) > 0;) {
                socket.setSoTimeout((int) Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
                int n = socket.getInputStream().read(discard);
                if (n < 0) {
                    break;
                }
                total += n;
            }
        } catch (IOException e) {
            LOG.log(System.Logger.Level.DEBUG, "a refused peer left", e);
        }
    }

    /** Stops hearing refused clients out; their reads end by their timeouts. */
    @Override
    public void close() {
        lingering.shutdownNow();
    }
}
