package dev.hotswap.engine;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The views of generations the engine's gate hands out, and what follows a flip: a view no request
 * pins any more is released, and a generation nothing holds any more retires, on a background
 * thread of its own, never on a request's. A periodic watch logs superseded generations that
 * requests hold for longer than the pin warning. A generation that becomes current is hashed in the
 * background unless its page hashes are kept ({@link BackgroundHashing}).
 */
final class Views {
    private static final System.Logger LOG = System.getLogger(Views.class.getName());
    private static final Duration RETIREMENT_WAIT = Duration.ofSeconds(10);

    private final SwapGate gate;
    private final List<ManagedDatabase> databases;
    private final Duration pinWarning;
    private final Object flipLock = new Object();
    private final BackgroundHashing hashing;
    private final ScheduledExecutorService background = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "hotswap-retire");
        thread.setDaemon(true);
        return thread;
    });

    Views(SwapGate gate, List<ManagedDatabase> databases, Duration pinWarning) {
        this.gate = gate;
        this.databases = databases;
        this.pinWarning = pinWarning;
        this.hashing = new BackgroundHashing(databases);
    }

    /** Makes the first view, of {@code current} (one held generation per database), and starts the watch. */
    void open(List<Generation> current) {
        gate.flip(new View(current, this::release));
        for (int i = 0; i < current.size(); i++) {
            hashing.becameCurrent(databases.get(i), current.get(i));
        }
        long period = Math.max(50, Math.min(1000, pinWarning.toMillis() / 4));
        background.scheduleWithFixedDelay(this::warnAboutPinned, period, period, TimeUnit.MILLISECONDS);
    }

    /**
     * Makes {@code next} the generation of {@code db} that new requests get, in a new view of every
     * database; {@code next}'s hold goes to that view.
     *
     * @return the nanoseconds of the flip itself
     */
    long flip(ManagedDatabase db, Generation next) {
        long nanos;
        synchronized (flipLock) {
            List<Generation> generations = new ArrayList<>(gate.current().generations());
            for (int i = 0; i < generations.size(); i++) {
                if (i != db.index() && !generations.get(i).tryHold()) {
                    throw new IllegalStateException(generations.get(i) + " retired while current");
                }
            }
            generations.set(db.index(), next);
            nanos = gate.flip(new View(generations, this::release));
        }
        hashing.becameCurrent(db, next);
        return nanos;
    }

    /** Where a generation goes when its last hold goes: its pool closes on the background thread. */
    void retire(Generation generation) {
        ManagedDatabase db = databases.get(generation.index());
        try {
            background.execute(() -> db.retired(generation));
        } catch (RejectedExecutionException e) {
            generation.pool().close(); // the engine is closing
        }
    }

    /**
     * Applies the keep policy of {@code db} on the background thread, after retirements queued before:
     * unlinking a large file takes a while, and the push that made it surplus need not wait for that.
     */
    void prune(ManagedDatabase db) {
        try {
            background.execute(db::prune);
        } catch (RejectedExecutionException e) {
            db.prune(); // the engine is closing
        }
    }

    /** Requests pinned to {@code generation} now. */
    long requests(Generation generation) {
        long sum = 0;
        for (View view : gate.liveViews()) {
            if (view.generation(generation.index()) == generation) {
                sum += view.pinned();
            }
        }
        return sum;
    }

    /**
     * Waits up to {@code timeout} for the work queued on the background threads before this call
     * (retirements, prunes, hash passes): tests that compare the engine with a model after each step use it.
     *
     * @return false if that work is still running
     */
    boolean awaitQueued(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        if (!hashing.awaitQueued(timeout)) {
            return false;
        }
        timeout = Duration.ofNanos(Math.max(0, deadline - System.nanoTime()));
        try {
            background.submit(() -> { }).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (RejectedExecutionException e) {
            return true; // closing: close() waits for what was queued
        } catch (TimeoutException e) {
            return false;
        } catch (ExecutionException e) {
            throw new IllegalStateException("an empty task failed", e);
        }
    }

    /** Lets retirements already queued finish (their pools close, SQLite checkpoints); stops the watch. */
    void close() {
        hashing.close();
        background.shutdown();
        try {
            if (!background.awaitTermination(RETIREMENT_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
                LOG.log(System.Logger.Level.WARNING, "generations still retiring after {0}; closing the rest now",
                        Push.format(RETIREMENT_WAIT));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Stops everything at once: for an engine that never started. */
    void abandon() {
        hashing.close();
        background.shutdownNow();
    }

    /** A view no request pins any more: its generations lose its hold. */
    private void release(View view) {
        gate.released(view);
        view.generations().forEach(Generation::release);
    }

    /** Logs superseded generations still held longer than the pin warning allows, once per period each. */
    private void warnAboutPinned() {
        long now = System.nanoTime();
        long limit = pinWarning.toNanos();
        for (ManagedDatabase db : databases) {
            Generation current = db.current();
            for (Generation generation : db.openGenerations()) {
                if (generation == current || !generation.supersededFor(now, limit) || !generation.warnDue(now, limit)) {
                    continue;
                }
                LOG.log(System.Logger.Level.WARNING, "{0}: generation {1} is still held by {2} request(s) and {3}"
                        + " connection(s) {4} after it was superseded; it stays open until they finish",
                        db.name(), generation.id(), requests(generation), generation.connectionsOut(),
                        Push.format(Duration.ofNanos(now - generation.supersededNanos())));
            }
        }
    }
}
