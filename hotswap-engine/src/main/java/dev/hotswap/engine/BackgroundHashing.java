package dev.hotswap.engine;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The engine's one thread for {@link HashPass}es: a daemon at the lowest priority (a hint the JVM
 * may ignore: on Linux it does, unless told otherwise), one pass at a time, for every database. A
 * generation that becomes current is queued here and never waited for by the swap; a pass that a
 * later flip or a push supersedes is cancelled.
 */
final class BackgroundHashing {
    private static final System.Logger LOG = System.getLogger(BackgroundHashing.class.getName());
    private static final Duration STOP_WAIT = Duration.ofSeconds(10);

    private final List<ManagedDatabase> databases;
    private final ExecutorService thread = Executors.newSingleThreadExecutor(runnable -> {
        Thread hashing = new Thread(runnable, "hotswap-hash-pass");
        hashing.setDaemon(true);
        hashing.setPriority(Thread.MIN_PRIORITY);
        return hashing;
    });

    BackgroundHashing(List<ManagedDatabase> databases) {
        this.databases = databases;
    }

    /** {@code generation} became the current one of {@code db}: hashes it, unless its hashes are kept. */
    void becameCurrent(ManagedDatabase db, Generation generation) {
        HashPass.queue(db, generation, thread);
    }

    /**
     * Waits up to {@code timeout} for the passes queued before this call (tests only).
     *
     * @return false if they are still running
     */
    boolean awaitQueued(Duration timeout) throws InterruptedException {
        try {
            thread.submit(() -> { }).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (RejectedExecutionException e) {
            return true; // closed: close() stopped them
        } catch (TimeoutException e) {
            return false;
        } catch (ExecutionException e) {
            throw new IllegalStateException("an empty task failed", e);
        }
    }

    /** Cancels every pass, interrupts the one running, and waits for it to stop. */
    void close() {
        databases.forEach(db -> db.hashCache().cancelPending());
        thread.shutdownNow();
        try {
            if (!thread.awaitTermination(STOP_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
                LOG.log(System.Logger.Level.WARNING, "a background hash pass is still running after {0}",
                        Push.format(STOP_WAIT));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
