package dev.hotswap.bench;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import dev.hotswap.engine.SwapReport;

/** Prints what {@link SwapPause} measured, as Markdown. */
final class SwapPauseReport {
    private static final String[] PERCENTILES = {"p50", "p90", "p99", "max"};

    private final PrintStream out;

    SwapPauseReport(PrintStream out) {
        this.out = out;
    }

    void header(SwapSettings settings, Path dir, long firstBytes, long secondBytes) {
        out.println("# Swaps under load");
        out.println();
        out.println(Machine.describe());
        out.println(String.format(Locale.ROOT, "- database: %d rows of ~%d bytes plus an index, %.1f MB (%d and %d"
                + " bytes), %s mode, in %s", settings.rows(), settings.rowBytes(), firstBytes / 1e6, firstBytes,
                secondBytes, settings.wal() ? "WAL" : "rollback (delete)", dir));
        out.println("- engine: socket disabled, default pool (8 connections per generation), keep(1)");
        out.println("- pushes: " + settings.pushes() + " measured after " + settings.warmup() + " warm-up, alternating"
                + " the two files, every check on, " + settings.intervalMillis() + " ms apart; each is stage() then"
                + " activate(), the two halves of push()");
        out.println("- a read: gate.enter(); a connection from hotswap.dataSource(); " + Reader.PAGE + " rows by"
                + " primary-key range, checked to come from one file; pin.leave()");
    }

    void run(SwapPause.Run run) {
        List<PushSample> pushes = run.pushes();
        out.println();
        out.println(String.format(Locale.ROOT, "## %d reader thread%s (%d pushes measured, %.1f s in all)",
                run.readers(), run.readers() == 1 ? "" : "s", pushes.size(), run.elapsed().toMillis() / 1000.0));
        out.println();
        out.println("Load average (1 min) at the start " + run.load() + "; meanwhile " + run.others() + "; in this"
                + " JVM " + run.collections() + ".");

        SwapTimeline timeline = SwapTimeline.of(pushes, run.logs());
        long[] flip = new long[pushes.size()];
        long[] released = new long[pushes.size()];
        int releasedCount = 0;
        for (int i = 0; i < pushes.size(); i++) {
            SwapReport report = pushes.get(i).report();
            flip[i] = report.pauseMicros() * 1000;
            if (report.released() != null) {
                released[releasedCount++] = report.released().toNanos();
            }
        }
        out.println();
        out.println("**The flip and the release** (µs):");
        out.println();
        Table swap = Table.of(columns("")).percentiles("**flip** (`SwapReport.pauseMicros()`)",
                Distribution.of(flip, flip.length), Table.Unit.MICROS)
                .percentiles("old generation released, after the flip (`SwapReport.released()`; "
                        + (pushes.size() - releasedCount) + " of " + pushes.size() + " not within the report's wait)",
                        Distribution.of(released, releasedCount), Table.Unit.MICROS);
        if (run.readers() > 0) {
            swap.percentiles("· the readers' view: last read of the old file left, after the flip", timeline.release()
                    .released(), Table.Unit.MICROS)
                    .percentiles("· · uncertainty: width of the flip's bracket", timeline.release().bracket(),
                            Table.Unit.MICROS);
        }
        swap.print(out);

        out.println();
        out.println("**Each push's steps** (ms):");
        out.println();
        Table.of(columns("")).percentiles("receive (`receive()`)", nanos(pushes, p -> p.report().receive()),
                        Table.Unit.MILLIS)
                .percentiles("integrity check (`integrityCheck()`)", nanos(pushes, p -> p.report().integrityCheck()),
                        Table.Unit.MILLIS)
                .percentiles("schema check (`schemaCheck()`)", nanos(pushes, p -> p.report().schemaCheck()),
                        Table.Unit.MILLIS)
                .percentiles("rest of `stage()`: header, journal mode, fsync, rename to the generation name, folder"
                        + " fsync", nanos(pushes, p -> Duration.ofNanos(p.installNanos())), Table.Unit.MILLIS)
                .percentiles("swap (`swap()`): first connection, link rename, directory fsync, history line, flip",
                        nanos(pushes, p -> p.report().swap()), Table.Unit.MILLIS)
                .percentiles("rest of `activate()`: waiting for the release, pruning (keep 1), the report",
                        nanos(pushes, p -> Duration.ofNanos(p.afterSwapNanos())), Table.Unit.MILLIS)
                .percentiles("**whole push** (`stage()` + `activate()`)",
                        nanos(pushes, p -> Duration.ofNanos(p.end() - p.start())), Table.Unit.MILLIS)
                .print(out);

        if (run.readers() == 0) {
            out.println();
            out.println("No readers: nothing pins the old generation, so it is released within the flip.");
            return;
        }
        out.println();
        out.println(String.format(Locale.ROOT, "**Reads**: %d completed, **%d failed**, none mixed two files (µs):",
                run.reads(), run.failures()));
        out.println();
        Table reads = Table.of("reads", "count", "latency p50", "p99", "max", "`enter()` p99", "max",
                "`getConnection()` p50", "p99", "max", "`leave()` p50", "p99", "max");
        Map<SwapTimeline.Category, SwapTimeline.Reads> byCategory = timeline.reads();
        byCategory.forEach((category, r) -> reads.row(category.description, Long.toString(r.latency().count()),
                micros(r.latency().median()), micros(r.latency().percentile(99)), micros(r.latency().max()),
                micros(r.enter().percentile(99)), micros(r.enter().max()),
                micros(r.connect().median()), micros(r.connect().percentile(99)), micros(r.connect().max()),
                micros(r.leave().median()), micros(r.leave().percentile(99)), micros(r.leave().max())));
        reads.print(out);
        for (Throwable failure : run.kept()) {
            out.println();
            out.println("    failure: " + failure);
        }
    }

    void replica(Map<DurableStepsReplica.Step, Distribution> steps, int rounds) {
        out.println();
        out.println("## The durable steps, replicated one by one (no engine, no readers; µs, " + rounds + " rounds)");
        out.println();
        Table table = Table.of(columns("step"));
        steps.forEach((step, d) -> table.percentiles(step.description, d, Table.Unit.MICROS));
        table.print(out);
    }

    private static String[] columns(String first) {
        String[] columns = new String[PERCENTILES.length + 1];
        columns[0] = first;
        System.arraycopy(PERCENTILES, 0, columns, 1, PERCENTILES.length);
        return columns;
    }

    private static String micros(long nanos) {
        return Table.Unit.MICROS.format(nanos);
    }

    private static Distribution nanos(List<PushSample> pushes, java.util.function.Function<PushSample, Duration> step) {
        long[] values = new long[pushes.size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = step.apply(pushes.get(i)).toNanos();
        }
        return Distribution.of(values, values.length);
    }
}
