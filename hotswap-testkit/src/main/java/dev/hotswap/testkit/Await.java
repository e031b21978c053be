package dev.hotswap.testkit;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;

/**
 * Bounded waits that say what they wait for: a test that waits for something that never comes fails
 * with {@code timed out after 30 s waiting for <what>} instead of hanging until its own timeout.
 */
public final class Await {
    /** How long the tests wait for anything that should take well under a second. */
    public static final Duration PATIENCE = Duration.ofSeconds(30);
    private static final long POLL_MILLIS = 2;

    private Await() {
    }

    /** Waits until {@code condition} holds, checking it every few milliseconds. */
    public static void await(BooleanSupplier condition, Duration timeout, String what) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                throw timedOut(timeout, what);
            }
            Thread.sleep(POLL_MILLIS);
        }
    }

    /** Waits until {@code latch} is open. */
    public static void await(CountDownLatch latch, Duration timeout, String what) throws InterruptedException {
        if (!latch.await(timeout.toNanos(), TimeUnit.NANOSECONDS)) {
            throw timedOut(timeout, what);
        }
    }

    /**
     * Waits for {@code future}'s value; a failure of the future is rethrown as an {@link AssertionError}
     * with it as the cause.
     */
    public static <T> T result(Future<T> future, Duration timeout, String what) throws InterruptedException {
        try {
            return future.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            throw timedOut(timeout, what);
        } catch (ExecutionException e) {
            throw new AssertionError(what + " failed: " + e.getCause(), e.getCause());
        }
    }

    /** Waits for {@code thread} to end. */
    public static void join(Thread thread, Duration timeout, String what) throws InterruptedException {
        thread.join(Math.max(1, timeout.toMillis()));
        if (thread.isAlive()) {
            throw timedOut(timeout, what);
        }
    }

    private static AssertionError timedOut(Duration timeout, String what) {
        return new AssertionError("timed out after " + timeout.toSeconds() + " s waiting for " + what);
    }
}
