package dev.hotswap.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A thread that writes in a loop until closed, as a scheduled job or a stream of requests does:
 * counts its writes and stops at the first failure, which {@link #close} reports.
 */
final class LoopingWriter implements AutoCloseable {
    /** One write; {@code n} counts the writes done before it. */
    @FunctionalInterface
    interface Write {
        void write(long n) throws Exception;
    }

    private final Thread thread;
    private final AtomicLong written = new AtomicLong();
    private final List<Throwable> failures = new CopyOnWriteArrayList<>();
    private volatile boolean stop;

    private LoopingWriter(String name, Duration pause, Write write) {
        thread = new Thread(() -> {
            while (!stop) {
                try {
                    write.write(written.get());
                    written.incrementAndGet();
                    if (!pause.isZero()) {
                        Thread.sleep(pause.toMillis());
                    }
                } catch (Throwable e) {
                    failures.add(e);
                    return;
                }
            }
        }, name);
    }

    /** Starts writing with {@code pause} between two writes (zero: back to back). */
    static LoopingWriter start(String name, Duration pause, Write write) {
        LoopingWriter writer = new LoopingWriter(name, pause, write);
        writer.thread.start();
        return writer;
    }

    long written() {
        return written.get();
    }

    /** Waits (at most 10 s) until {@code count} writes are done. */
    void awaitWrites(long count) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (written.get() < count && failures.isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(1); // the writer is committing
        }
        assertEquals(List.of(), failures);
        assertTrue(written.get() >= count, "only " + written.get() + " of " + count + " writes in 10 s");
    }

    /** Stops the loop, waits (at most 10 s) for the thread, and fails the test if a write failed. */
    @Override
    public void close() {
        stop = true;
        try {
            thread.join(TimeUnit.SECONDS.toMillis(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while waiting for the writer to stop", e);
        }
        assertEquals(List.of(), failures);
    }
}
