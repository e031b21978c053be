package dev.hotswap.engine;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The request gate: requests pass it concurrently; a swap closes it, waits for in-flight requests to
 * drain, replaces the database, and opens it again. Requests arriving meanwhile wait in
 * {@link #enter()} and resume on the new database.
 *
 * <p>Adapters call {@link #enter()} before a request and {@link #leave()} exactly once when it
 * completes, possibly on another thread:
 * <pre>{@code
 * gate.enter();
 * try {
 *     handle(request);
 * } finally {
 *     gate.leave();
 * }
 * }</pre>
 *
 * <p>Why it is cheap: while the gate is open, {@code enter} and {@code leave} are one atomic add on a
 * counter cell chosen by the calling thread, plus a volatile read. Cells are padded to their own cache
 * lines, so concurrent requests do not contend on one lock word. The in-flight count is the sum of all
 * cells; a {@code leave} on another thread than its {@code enter} only moves counts between cells.
 *
 * <p>A request must not enter twice (nested wrappers): while a swap drains, the inner {@code enter}
 * would wait for a swap that waits for the outer request, until the drain timeout abandons the swap.
 */
public final class SwapGate {
    /** Longs per cell: 128 bytes, so that two cells never share a cache line (or an adjacent pair). */
    private static final int STRIDE = 16;

    private final AtomicLongArray cells;
    private final int mask;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition opened = lock.newCondition();
    private final Condition drained = lock.newCondition();
    private volatile boolean closed;

    /** An open gate sized for this machine's processors. */
    public SwapGate() {
        int wanted = Integer.highestOneBit(Math.max(1, Runtime.getRuntime().availableProcessors() * 4 - 1)) << 1;
        this.mask = wanted - 1;
        this.cells = new AtomicLongArray(wanted * STRIDE);
    }

    /**
     * Passes the gate, waiting while a swap holds it closed. Waiting is bounded by the swap itself:
     * the engine reopens the gate when the swap ends, in or out of success.
     *
     * @throws InterruptedException if the thread is interrupted while waiting; it has then not entered
     */
    public void enter() throws InterruptedException {
        int cell = cellIndex();
        for (;;) {
            cells.getAndIncrement(cell);
            // Dekker pairing with closeAndDrain: the increment above is visible before this read,
            // and closeAndDrain's write of closed is visible before it sums the cells. So either we
            // see closed, or the swap sees us in flight.
            if (!closed) {
                return;
            }
            cells.getAndDecrement(cell);
            signalIfDrained();
            awaitOpen();
        }
    }

    /** Leaves the gate; call exactly once per successful {@link #enter()}. */
    public void leave() {
        cells.getAndDecrement(cellIndex());
        if (closed) {
            signalIfDrained();
        }
    }

    /** Requests currently between {@link #enter()} and {@link #leave()}. */
    public long inFlight() {
        long sum = 0;
        for (int i = 0; i < cells.length(); i += STRIDE) {
            sum += cells.get(i);
        }
        return sum;
    }

    /** Whether a swap holds the gate closed. */
    public boolean isClosed() {
        return closed;
    }

    /**
     * Closes the gate and waits until no request is in flight. On timeout the gate is opened again
     * before returning false. The caller must hold whatever makes it the only closer (the engine's
     * swap lock), and must call {@link #open()} after a successful close.
     *
     * @return true if the gate is closed and drained, false if requests did not drain in time
     * @throws InterruptedException if interrupted while waiting; the gate is then open again
     */
    boolean closeAndDrain(Duration timeout) throws InterruptedException {
        closed = true;
        long deadline = System.nanoTime() + timeout.toNanos();
        lock.lock();
        try {
            while (inFlight() > 0) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    openLocked();
                    return false;
                }
                // Bounded waits: a leave's signal can race with our sum; never sleep on a missed one.
                drained.await(Math.min(left, TimeUnit.MILLISECONDS.toNanos(1)), TimeUnit.NANOSECONDS);
            }
            return true;
        } catch (InterruptedException e) {
            openLocked();
            throw e;
        } finally {
            lock.unlock();
        }
    }

    /** Opens the gate and releases every waiting request. */
    void open() {
        lock.lock();
        try {
            openLocked();
        } finally {
            lock.unlock();
        }
    }

    private void openLocked() {
        closed = false;
        opened.signalAll();
    }

    private void awaitOpen() throws InterruptedException {
        lock.lock();
        try {
            while (closed) {
                opened.await();
            }
        } finally {
            lock.unlock();
        }
    }

    private void signalIfDrained() {
        if (inFlight() == 0 && lock.tryLock()) {
            try {
                drained.signalAll();
            } finally {
                lock.unlock();
            }
        }
    }

    private int cellIndex() {
        long id = Thread.currentThread().getId();
        int hash = (int) (id * 0x9E3779B97F4A7C15L >>> 32);
        return (hash & mask) * STRIDE;
    }
}
