package dev.hotswap.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.CommandLineOptionException;
import org.openjdk.jmh.runner.options.CommandLineOptions;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.openjdk.jmh.runner.options.VerboseMode;

/**
 * Runs {@link GateBenchmark} at several thread counts, one variant at a time, with
 * {@link CpuTimeProfiler}, and prints the scores side by side ({@link GateTables}).
 *
 * <pre>
 * java -cp hotswap-bench.jar dev.hotswap.bench.GateScaling [--threads 1,2,8] [JMH options]
 * </pre>
 *
 * JMH options ({@code -f}, {@code -wi}, {@code -w}, {@code -i}, {@code -r}, {@code -p work=100},
 * {@code -v NORMAL}, {@code -rf json}...) are passed on; {@code -t} is replaced by {@code --threads}.
 * Defaults, chosen so that the whole run takes about two minutes on 2 cores: threads 1, 2 and 8,
 * 1 fork, 2 warm-up iterations of 500 ms, 5 measured iterations of 600 ms, JMH's own output silenced.
 * Each variant runs on its own so that each cell can say how much of the machine other processes
 * took while it ran: on a small shared machine that shows in every wall-clock score.
 */
public final class GateScaling {
    /** The variants, the engine's gate first: the columns of every table. */
    static final List<String> VARIANTS = List.of("swapGate", "threadLocal", "threadLocalSetNull",
            "atomicCounter", "readWriteLock", "globalLock", "noGate");

    private GateScaling() {
    }

    public static void main(String[] args) throws RunnerException {
        List<Integer> threads = List.of(1, 2, 8);
        List<String> jmhArgs = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--threads") && i + 1 < args.length) {
                threads = parseCounts(args[++i]);
            } else if (args[i].startsWith("--threads=")) {
                threads = parseCounts(args[i].substring("--threads=".length()));
            } else if (args[i].equals("-h") || args[i].equals("--help")) {
                System.out.println("usage: GateScaling [--threads 1,2,8] [JMH options, e.g. -f 2 -i 5 -p work=100]");
                return;
            } else {
                jmhArgs.add(args[i]);
            }
        }
        CommandLineOptions given;
        try {
            given = new CommandLineOptions(jmhArgs.toArray(new String[0]));
        } catch (CommandLineOptionException e) {
            System.err.println("bad JMH option: " + e.getMessage());
            System.exit(2);
            return;
        }
        GateTables tables = new GateTables(System.out, Runtime.getRuntime().availableProcessors());
        tables.header(threads, String.join(" ", args));
        Machine.Usage runStart = Machine.Usage.now();
        for (int count : threads) {
            for (String variant : VARIANTS) {
                long started = System.nanoTime();
                Machine.Usage usage = Machine.Usage.now();
                System.err.printf(Locale.ROOT, "gate: %s, %d thread(s)...%n", variant, count);
                for (RunResult result : new Runner(options(given, count, variant)).run()) {
                    tables.add(count, variant, result);
                }
                Machine.Usage now = Machine.Usage.now();
                tables.others(count, variant, now.othersShare(usage));
                System.err.printf(Locale.ROOT, "gate: %s, %d thread(s) done in %d s; %s%n", variant, count,
                        Duration.ofNanos(System.nanoTime() - started).toSeconds(), now.othersSince(usage));
            }
        }
        tables.print(Machine.Usage.now().othersSince(runStart));
    }

    /** The JMH options of one cell: {@code given}, with the defaults for what it leaves unset. */
    private static Options options(CommandLineOptions given, int threads, String variant) {
        ChainedOptionsBuilder options = new OptionsBuilder().parent(given)
                .include(GateBenchmark.class.getName() + "\\." + variant + "$")
                .threads(threads)
                .addProfiler(CpuTimeProfiler.class);
        if (!given.getForkCount().hasValue()) {
            options.forks(1);
        }
        if (!given.getWarmupIterations().hasValue()) {
            options.warmupIterations(2);
        }
        if (!given.getWarmupTime().hasValue()) {
            options.warmupTime(TimeValue.milliseconds(500));
        }
        if (!given.getMeasurementIterations().hasValue()) {
            options.measurementIterations(5);
        }
        if (!given.getMeasurementTime().hasValue()) {
            options.measurementTime(TimeValue.milliseconds(600));
        }
        if (!given.verbosity().hasValue()) {
            options.verbosity(VerboseMode.SILENT);
        }
        if (!given.shouldFailOnError().hasValue()) {
            options.shouldFailOnError(true);
        }
        return options.build();
    }

    private static List<Integer> parseCounts(String text) {
        List<Integer> counts = new ArrayList<>();
        for (String part : text.split(",")) {
            int count;
            try {
                count = Integer.parseInt(part.trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("thread count '" + part + "' in " + text + " is not a number", e);
            }
            if (count < 1 || count > 1024) {
                throw new IllegalArgumentException("thread count " + count + " is outside 1..1024");
            }
            counts.add(count);
        }
        return List.copyOf(counts);
    }
}
