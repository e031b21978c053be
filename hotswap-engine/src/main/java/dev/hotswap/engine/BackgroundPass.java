package dev.hotswap.engine;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

/**
 * Work on another thread that its starter waits for later ({@link #await}) or only lets finish
 * ({@link #awaitQuietly}): an {@code fsync} beside the checks ({@link OverlappedSync}), a hash pass
 * beside them ({@link KeptHashesCheck}), a hash pass of a new current generation
 * ({@link HashPass}). One future holds the result or the failure, so that exactly one of them is
 * ever seen, however the two threads interleave.
 *
 * @param <T> what the work yields
 */
final class BackgroundPass<T> {
    /** The work: its result, or the reason it failed. */
    @FunctionalInterface
    interface Work<T> {
        T run() throws IOException;
    }

    private final CompletableFuture<T> result = new CompletableFuture<>();
    private final String doing;

    private BackgroundPass(String doing) {
        this.doing = doing;
    }

    /**
     * Starts {@code work} on a daemon thread of its own named {@code thread}; {@code doing} says what
     * it does in messages ({@code "syncing the new file"}).
     */
    static <T> BackgroundPass<T> start(String thread, String doing, Work<T> work) {
        BackgroundPass<T> pass = new BackgroundPass<>(doing);
        Thread runner = new Thread(() -> pass.run(work), thread);
        runner.setDaemon(true);
        runner.start();
        return pass;
    }

    /**
     * A pass to be {@linkplain #queue queued} later: for work that others must be able to wait for
     * from before it is handed to its thread.
     */
    static <T> BackgroundPass<T> prepared(String doing) {
        return new BackgroundPass<>(doing);
    }

    /** Hands {@code work} to {@code executor}; one that refuses it (shut down) fails the pass at once. */
    void queue(Executor executor, Work<T> work) {
        try {
            executor.execute(() -> run(work));
        } catch (RejectedExecutionException e) {
            result.completeExceptionally(e);
        }
    }

    private void run(Work<T> work) {
        try {
            result.complete(work.run());
        } catch (IOException | RuntimeException | Error e) {
            result.completeExceptionally(e);
        }
    }

    /**
     * Waits for the work.
     *
     * @return its result
     * @throws IOException its failure (an {@link IOException} as it was, anything else wrapped), or
     *     an {@link InterruptedIOException} if this thread was interrupted meanwhile
     */
    T await() throws IOException {
        try {
            return result.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            InterruptedIOException interrupted = new InterruptedIOException("interrupted while " + doing);
            interrupted.initCause(e);
            throw interrupted;
        } catch (ExecutionException e) {
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            throw new IOException(doing + " failed: " + e.getCause(), e.getCause());
        }
    }

    /** Waits for the work and ignores how it ended: for a result nobody needs any more. */
    void awaitQuietly() {
        try {
            result.handle((ok, failed) -> null).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException e) {
            // handled above: cannot happen
        }
    }
}
