package dev.hotswap.demo.core;

import java.sql.SQLException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A job of the app's own, as real apps have (a queue consumer, a cache refresh): every 10 ms it
 * inserts a row named {@code bg-<n>} into {@code items}, on its own thread, outside any request.
 * Its connections come from the engine's data source like the requests' do, from the generation that
 * is current when each insert starts, so a push never has to wait for it and it never writes to a
 * file that is gone.
 */
public final class BackgroundWriter implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(BackgroundWriter.class.getName());
    static final long PERIOD_MILLIS = 10;
    static final String PREFIX = "bg-";

    private final Items items;
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(task -> {
        Thread thread = new Thread(task, "demo-background-writer");
        thread.setDaemon(true);
        return thread;
    });
    private final AtomicLong written = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();

    private BackgroundWriter(Items items) {
        this.items = items;
    }

    /** Starts writing into {@code items}. */
    public static BackgroundWriter start(Items items) {
        BackgroundWriter writer = new BackgroundWriter(items);
        writer.scheduler.scheduleWithFixedDelay(writer::insertOne, PERIOD_MILLIS, PERIOD_MILLIS, TimeUnit.MILLISECONDS);
        return writer;
    }

    /** One insert; a failure is logged and counted, never thrown (that would cancel the schedule). */
    private void insertOne() {
        long n = written.get() + failed.get() + 1;
        try {
            items.add(PREFIX + n);
            written.incrementAndGet();
        } catch (SQLException | RuntimeException e) {
            failed.incrementAndGet();
            LOG.log(System.Logger.Level.WARNING, "background writer: inserting " + PREFIX + n + " failed: " + e);
        }
    }

    /** Stops after the insert in progress, if any (at most 10 s). */
    @Override
    public void close() {
        scheduler.shutdown();
        try {
            if (!scheduler.awaitTermination(10, TimeUnit.SECONDS)) {
                LOG.log(System.Logger.Level.WARNING, "background writer: an insert still runs after 10 s; leaving it");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** What it did: {@code background writer: 1234 rows written, 0 failed}. */
    public String summary() {
        return "background writer: " + written.get() + " rows written, " + failed.get() + " failed";
    }
}
