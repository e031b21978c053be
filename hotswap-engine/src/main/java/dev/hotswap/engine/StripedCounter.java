package dev.hotswap.engine;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * A counter spread over cells padded to their own cache lines, one chosen by the calling thread, so
 * that threads counting at once do not contend on one word. An add is one atomic add on the caller's
 * cell. A value may be added on one thread and subtracted on another: that only moves counts between
 * cells, and the {@link #sum()} stays exact once the adds stop.
 */
final class StripedCounter {
    /** Longs per cell: 128 bytes, so that two cells never share a cache line (or an adjacent pair). */
    private static final int STRIDE = 16;
    /** Cells for this machine: a power of two, about four per processor. */
    private static final int CELLS =
            Integer.highestOneBit(Math.max(1, Runtime.getRuntime().availableProcessors() * 4 - 1)) << 1;

    private final AtomicLongArray cells = new AtomicLongArray(CELLS * STRIDE);

    /** Adds {@code delta} on the calling thread's cell (a volatile read-modify-write). */
    void add(long delta) {
        cells.getAndAdd(cellIndex(), delta);
    }

    /**
     * The sum of all cells, read one after another with volatile reads. Adds that happen while it
     * sums may or may not be counted; adds that happened before it started always are.
     */
    long sum() {
        long sum = 0;
        for (int i = 0; i < cells.length(); i += STRIDE) {
            sum += cells.get(i);
        }
        return sum;
    }

    private static int cellIndex() {
        long id = Thread.currentThread().getId();
        int hash = (int) (id * 0x9E3779B97F4A7C15L >>> 32);
        return (hash & (CELLS - 1)) * STRIDE;
    }
}
