package dev.hotswap.engine;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;

/**
 * An admin connection's output that remembers when its current write started, so that a watchdog
 * can cut off a peer that stopped reading: a write blocked on a full socket buffer never times out
 * by itself.
 */
final class WatchedOutputStream extends FilterOutputStream {
    /** When the current write started ({@link System#nanoTime()}), or 0 between writes. */
    private volatile long writingSince;

    WatchedOutputStream(OutputStream out) {
        super(out);
    }

    /** Whether a write has been blocked for longer than {@code limitNanos} at {@code nowNanos}. */
    boolean stalled(long nowNanos, long limitNanos) {
        long since = writingSince;
        return since != 0 && nowNanos - since > limitNanos;
    }

    @Override
    public void write(int b) throws IOException {
        writingSince = System.nanoTime();
        try {
            out.write(b);
        } finally {
            writingSince = 0;
        }
    }

    @Override
    public void write(byte[] bytes, int offset, int length) throws IOException {
        writingSince = System.nanoTime();
        try {
            out.write(bytes, offset, length);
        } finally {
            writingSince = 0;
        }
    }

    @Override
    public void flush() throws IOException {
        writingSince = System.nanoTime();
        try {
            out.flush();
        } finally {
            writingSince = 0;
        }
    }
}
