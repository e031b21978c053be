package dev.hotswap.engine;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * One version of a managed database, open: its file, the one path it is opened under while it is
 * open, and its pool. It is held by every {@link View} that contains it (the current view, and
 * superseded views some request still pins) and by every connection out of its pool; when the last
 * hold goes it <em>retires</em>: once, on the engine's retirement thread, its pool closes (SQLite
 * checkpoints its write-ahead log and removes the side files) and the database's keep policy decides
 * whether the file stays.
 *
 * <p>The invariant this class keeps: while a generation is open, its file is opened under
 * {@link #file()} only, and nothing renames that file. A generation that retired is never used
 * again; reopening the same file (a rollback) makes a new {@code Generation}.
 */
final class Generation {
    /** The holds value of a retired generation: no hold can be taken any more. */
    private static final long RETIRED = Long.MIN_VALUE;

    private final String database;
    private final int index;
    private final long id;
    private final Path file;
    private final GenerationPool pool;
    private final Consumer<Generation> onRetire;
    private final AtomicLong holds = new AtomicLong(1);
    private final AtomicLong leases = new AtomicLong();
    private final CompletableFuture<Long> retired = new CompletableFuture<>();
    /** When another generation became current instead ({@link System#nanoTime()}), or 0 while current. */
    private volatile long supersededNanos;
    private volatile long warnedNanos;
    private volatile boolean served;

    /**
     * An open generation with one hold, its creator's.
     *
     * @param file the path its connections open: its permanent file, or for an adopted file the
     *     path it was served under before the engine took it over
     */
    Generation(String database, int index, long id, Path file, GenerationPool pool,
            Consumer<Generation> onRetire) {
        this.database = database;
        this.index = index;
        this.id = id;
        this.file = file;
        this.pool = pool;
        this.onRetire = onRetire;
    }

    String database() {
        return database;
    }

    /** The index of its database in the engine's views. */
    int index() {
        return index;
    }

    long id() {
        return id;
    }

    /** The path this generation's connections are opened under while it is open. */
    Path file() {
        return file;
    }

    GenerationPool pool() {
        return pool;
    }

    /** Takes a hold; false if the generation retired already. */
    boolean tryHold() {
        for (;;) {
            long current = holds.get();
            if (current == RETIRED) {
                return false;
            }
            if (holds.compareAndSet(current, current + 1)) {
                return true;
            }
        }
    }

    /** Gives a hold back; the last one retires the generation. */
    void release() {
        for (;;) {
            long current = holds.get();
            if (current <= 0) {
                throw new IllegalStateException("generation " + id() + " of " + database + " released more often than held");
            }
            long next = current == 1 ? RETIRED : current - 1;
            if (holds.compareAndSet(current, next)) {
                if (next == RETIRED) {
                    retired.complete(System.nanoTime());
                    onRetire.accept(this);
                }
                return;
            }
        }
    }

    boolean isRetired() {
        return holds.get() == RETIRED;
    }

    /**
     * Waits up to {@code timeout} for the last hold to go.
     *
     * @return the {@link System#nanoTime()} it went at, or -1 if it is still held
     */
    long awaitRetired(Duration timeout) {
        try {
            return retired.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        } catch (ExecutionException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Lends a connection of this generation, holding it until the connection is closed; null if the
     * generation retired meanwhile (the caller then asks the current one).
     */
    LeasedConnection lend() throws SQLException {
        if (!tryHold()) {
            return null;
        }
        leases.incrementAndGet();
        Connection physical;
        try {
            physical = pool.borrow();
        } catch (SQLException | RuntimeException e) {
            returned();
            throw e;
        }
        return new LeasedConnection(this, physical);
    }

    /** A lent connection came back (its pool has it again). */
    void returned() {
        leases.decrementAndGet();
        release();
    }

    /** Another generation became current instead of this one. */
    void superseded() {
        supersededNanos = System.nanoTime();
    }

    /** This generation became current (again). */
    void becameCurrent() {
        supersededNanos = 0;
        served = true;
    }

    /**
     * Whether it was ever current: then it was proven readable when it became so, and requests and
     * jobs may hold its connections now.
     */
    boolean hasServed() {
        return served;
    }

    long supersededNanos() {
        return supersededNanos;
    }

    /** Whether it was superseded at least {@code limitNanos} before {@code nowNanos}. */
    boolean supersededFor(long nowNanos, long limitNanos) {
        long since = supersededNanos;
        return since != 0 && nowNanos - since >= limitNanos;
    }

    /** Whether a warning about it is due (none in the last {@code periodNanos}); if so, counts it as given. */
    boolean warnDue(long nowNanos, long periodNanos) {
        long last = warnedNanos;
        if (last != 0 && nowNanos - last < periodNanos) {
            return false;
        }
        warnedNanos = nowNanos;
        return true;
    }

    /** Connections of this generation the application holds now. */
    long connectionsOut() {
        return leases.get();
    }

    @Override
    public String toString() {
        return database + " generation " + id + " (" + file + ")";
    }
}
