package dev.hotswap.bench;

import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;

import dev.hotswap.engine.Hotswap;
import dev.hotswap.engine.PushOptions;
import dev.hotswap.engine.StagedGeneration;
import dev.hotswap.engine.SwapReport;

/**
 * Swaps under load: an in-process engine ({@code socketEnabled(false)}, default pool and
 * {@code keep(1)}) manages a SQLite file of realistic size; N reader threads run requests through
 * its gate and data source ({@link Reader}) while the main thread pushes two files in turn, every
 * check on. Each push is the two halves {@code push()} runs, called one after the other so each can
 * be timed: {@code stage()} and {@code activate()}.
 *
 * <p>Reports, per reader count: the flip ({@link SwapReport#pauseMicros()}) and the time until the
 * old generation was released ({@link SwapReport#released()}, cross-checked from the reads), each
 * step of a push, and the reads laid against the swaps ({@link SwapTimeline}): their latency, and
 * how long {@code enter()} and {@code getConnection()} took, for reads in flight at a flip, first on
 * a new generation, during a push, and between pushes. Then {@link DurableStepsReplica} times the
 * file work of a swap step by step.
 *
 * <pre>
 * java -cp hotswap-bench.jar dev.hotswap.bench.SwapPause [--readers 0,2,8] [--pushes 200] [--warmup 10]
 *     [--rows 10000] [--row-bytes 400] [--journal wal|delete] [--interval-ms 20] [--replica 20]
 *     [--dir PATH]
 * </pre>
 */
public final class SwapPause {
    private static final String DATABASE = "bench";
    /** How long the readers may take to start, and to stop. */
    private static final Duration READER_WAIT = Duration.ofSeconds(30);

    private SwapPause() {
    }

    /**
     * What one reader count measured.
     *
     * @param readers reader threads
     * @param pushes the measured pushes, in order
     * @param logs each reader's reads
     * @param failures reads that failed, over all readers
     * @param kept some of the failures, with their stack traces
     * @param elapsed the whole run, warm-up included
     * @param load the one-minute load average at the start
     * @param others what other processes took meanwhile ({@link Machine.Usage#othersSince})
     * @param collections this JVM's garbage collections meanwhile
     */
    record Run(int readers, List<PushSample> pushes, List<ReadLog> logs, long failures, List<Throwable> kept,
            Duration elapsed, String load, String others, String collections) {

        long reads() {
            long reads = 0;
            for (ReadLog log : logs) {
                reads += log.size();
            }
            return reads;
        }
    }

    public static void main(String[] args) throws Exception {
        SwapSettings settings;
        try {
            settings = SwapSettings.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("swap pause: " + e.getMessage());
            System.err.println(SwapSettings.USAGE);
            System.exit(2);
            return;
        }
        if (settings == null) {
            System.out.println(SwapSettings.USAGE);
            return;
        }
        QuietLogs.install();
        boolean ownDir = settings.dir() == null;
        Path dir = ownDir ? TempDirectory.create() : Files.createDirectories(settings.dir());
        try {
            run(settings, dir, System.out);
        } finally {
            if (ownDir) {
                TempDirectory.delete(dir);
            }
        }
    }

    private static void run(SwapSettings settings, Path dir, PrintStream out) throws Exception {
        Machine.Usage runStart = Machine.Usage.now();
        progress("building two databases of " + settings.rows() + " rows in " + dir);
        Path first = BenchDatabase.build(dir.resolve("one.sqlite3"), 1, settings.rows(), settings.rowBytes(),
                settings.wal());
        Path second = BenchDatabase.build(dir.resolve("two.sqlite3"), 2, settings.rows(), settings.rowBytes(),
                settings.wal());
        SwapPauseReport report = new SwapPauseReport(out);
        report.header(settings, dir, Files.size(first), Files.size(second));
        for (int readers : settings.readers()) {
            progress("readers " + readers + ": " + (settings.warmup() + settings.pushes()) + " pushes");
            Path runDir = Files.createDirectories(dir.resolve("readers-" + readers));
            try {
                report.run(measure(settings, runDir, first, second, readers));
            } finally {
                TempDirectory.delete(runDir);
            }
        }
        if (settings.replica() > 0) {
            progress("replica of the durable steps: " + settings.replica() + " rounds");
            report.replica(DurableStepsReplica.run(dir.resolve("replica"), first, second, settings.replica()),
                    settings.replica());
        }
        out.println();
        out.println("During the whole run: " + Machine.Usage.now().othersSince(runStart) + ".");
    }

    private static Run measure(SwapSettings settings, Path dir, Path first, Path second, int readerCount)
            throws Exception {
        Path live = Files.copy(first, dir.resolve("live.sqlite3"));
        AtomicBoolean stop = new AtomicBoolean();
        Queue<Throwable> kept = new ConcurrentLinkedQueue<>();
        List<Reader> readers = new ArrayList<>();
        List<PushSample> pushes = new ArrayList<>();
        String load = Machine.loadAverage();
        Machine.Usage usage = Machine.Usage.now();
        Machine.Collections collections = Machine.Collections.now();
        long started = System.nanoTime();
        try (Hotswap hotswap = Hotswap.builder()
                .database(DATABASE, live)
                .socketEnabled(false)
                .build()
                .start()) {
            for (int i = 0; i < readerCount; i++) {
                readers.add(new Reader(i, hotswap.gate(), hotswap.dataSource(DATABASE), settings.rows(), stop, kept));
            }
            try {
                readers.forEach(reader -> reader.thread.start());
                awaitWarm(readers);
                for (int i = 0; i < settings.warmup() + settings.pushes(); i++) {
                    // The live file starts as version 1: even pushes bring version 2, odd ones version 1.
                    boolean toSecond = i % 2 == 0;
                    PushSample push = push(hotswap, toSecond ? second : first, toSecond ? 1 : 2, toSecond ? 2 : 1);
                    if (i >= settings.warmup()) {
                        pushes.add(push);
                    }
                    Thread.sleep(settings.intervalMillis());
                }
            } finally {
                // Readers stop before the engine closes its pools under them.
                stop.set(true);
                for (Reader reader : readers) {
                    reader.thread.join(READER_WAIT.toMillis());
                    if (reader.thread.isAlive()) {
                        throw new IllegalStateException(reader.thread.getName() + " did not stop within " + READER_WAIT);
                    }
                }
            }
        }
        Duration elapsed = Duration.ofNanos(System.nanoTime() - started);
        long failures = 0;
        List<ReadLog> logs = new ArrayList<>();
        for (Reader reader : readers) {
            failures += reader.failures;
            logs.add(reader.log);
        }
        return new Run(readerCount, pushes, logs, failures, List.copyOf(kept), elapsed, load,
                Machine.Usage.now().othersSince(usage), Machine.Collections.now().since(collections));
    }

    /** Pushes {@code file} in the two halves {@code push()} runs, timing each. */
    private static PushSample push(Hotswap hotswap, Path file, int oldVersion, int newVersion) throws Exception {
        long start = System.nanoTime();
        StagedGeneration staged;
        try (InputStream content = Files.newInputStream(file)) {
            staged = hotswap.stage(DATABASE, content, PushOptions.defaults(), null);
        }
        long stagedAt = System.nanoTime();
        SwapReport report;
        try (staged) {
            report = hotswap.activate(staged);
        }
        long end = System.nanoTime();
        return new PushSample(oldVersion, newVersion, start, stagedAt, end, report);
    }

    /** Waits until every reader is past its first connection and a few queries. */
    private static void awaitWarm(List<Reader> readers) throws InterruptedException {
        long deadline = System.nanoTime() + READER_WAIT.toNanos();
        for (Reader reader : readers) {
            while (reader.reads < 10) {
                if (!reader.thread.isAlive() || System.nanoTime() - deadline > 0) {
                    throw new IllegalStateException(reader.thread.getName() + " did not make 10 reads within "
                            + READER_WAIT + " (" + reader.failures + " failed)");
                }
                Thread.sleep(1);
            }
        }
    }

    static void progress(String message) {
        System.err.println("swap pause: " + message);
    }
}
