package dev.hotswap.engine;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.SocketTimeoutException;
import java.time.Duration;

/**
 * An admin connection's input with a bound on how slowly the peer may send. The socket's read
 * timeout only bounds silence: a peer that trickles one byte just inside it would hold a connection
 * slot for ever. So the conversation sets a pace:
 * <ul>
 * <li>{@link #within}: everything until the next change must arrive before a deadline (the
 *     handshake and the request, a few dozen bytes);</li>
 * <li>{@link #atLeast}: each window of the given length must bring at least the given rate (an
 *     upload);</li>
 * <li>{@link #unbounded}: only the read timeout applies.</li>
 * </ul>
 * The pace is checked as reads complete, so a peer is cut off at most one read timeout after it
 * fell behind. A peer that falls behind gets a {@link TooSlowException} (a
 * {@link SocketTimeoutException}); one silent for the whole read timeout a
 * {@link SocketTimeoutException} that says so, in place of the socket's own ("Resource temporarily
 * unavailable", which names nobody).
 */
final class PacedInputStream extends FilterInputStream {
    private final Duration readTimeout;
    private long deadline;
    private boolean deadlineSet;
    private String deadlineWhat;
    private long minBytes;
    private long windowNanos;
    private long windowStart;
    private long windowBytes;
    private String rateText;

    /** {@code readTimeout}: the socket's, for the message when the peer sends nothing for that long. */
    PacedInputStream(InputStream in, Duration readTimeout) {
        super(in);
        this.readTimeout = readTimeout;
    }

    /** The peer fell behind the pace set for it. */
    static final class TooSlowException extends SocketTimeoutException {
        private static final long serialVersionUID = 1L;

        TooSlowException(String message) {
            super(message);
        }
    }

    /** From now on, until the next change, reads must complete within {@code time}; {@code what} names them. */
    void within(Duration time, String what) {
        unbounded();
        deadline = System.nanoTime() + time.toNanos();
        deadlineSet = true;
        deadlineWhat = what + " not received within " + Push.format(time);
    }

    /** From now on, each {@code window} must bring at least {@code bytesPerSecond} on average. */
    void atLeast(long bytesPerSecond, Duration window) {
        unbounded();
        windowNanos = window.toNanos();
        minBytes = (long) Math.ceil(bytesPerSecond * (windowNanos / 1e9));
        windowStart = System.nanoTime();
        rateText = bytesPerSecond + " bytes/s";
    }

    /** Only the socket's read timeout applies from now on. */
    void unbounded() {
        deadlineSet = false;
        windowNanos = 0;
        windowBytes = 0;
    }

    @Override
    public int read() throws IOException {
        int b;
        try {
            b = super.read();
        } catch (SocketTimeoutException e) {
            throw silent(e);
        }
        account(b < 0 ? 0 : 1);
        return b;
    }

    @Override
    public int read(byte[] bytes, int offset, int length) throws IOException {
        int n;
        try {
            n = super.read(bytes, offset, length);
        } catch (SocketTimeoutException e) {
            throw silent(e);
        }
        account(Math.max(0, n));
        return n;
    }

    private SocketTimeoutException silent(SocketTimeoutException cause) {
        SocketTimeoutException silent = new SocketTimeoutException("the client sent nothing for "
                + Push.format(readTimeout));
        silent.initCause(cause);
        return silent;
    }

    private void account(int n) throws TooSlowException {
        long now = System.nanoTime();
        if (deadlineSet && now - deadline > 0) {
            throw new TooSlowException(deadlineWhat);
        }
        if (windowNanos > 0) {
            windowBytes += n;
            if (now - windowStart >= windowNanos) {
                if (windowBytes < minBytes) {
                    throw new TooSlowException("upload slower than " + rateText + " (" + windowBytes + " bytes in "
                            + Push.format(Duration.ofNanos(now - windowStart)) + ")");
                }
                windowStart = now;
                windowBytes = 0;
            }
        }
    }
}
