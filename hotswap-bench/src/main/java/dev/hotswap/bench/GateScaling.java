package dev.hotswap.bench;

import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

import org.openjdk.jmh.results.Result;
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
 * Runs {@link GateBenchmark} at several thread counts in one go and prints the scores side by side:
 * total throughput, and the cost of one {@code enter}+{@code leave} per busy core with each baseline's
 * ratio to the engine's gate.
 *
 * <pre>
 * java -cp hotswap-bench.jar dev.hotswap.bench.GateScaling [--threads 1,2,8] [JMH options]
 * </pre>
 *
 * JMH options ({@code -f}, {@code -wi}, {@code -w}, {@code -i}, {@code -r}, {@code -p work=100},
 * {@code -v NORMAL}, {@code -rf json}...) are passed on; {@code -t} is replaced by {@code --threads}.
 * Defaults, chosen so that the whole run takes under two minutes on 2 cores: threads 1, 2 and 8,
 * 1 fork, 2 warm-up iterations of 500 ms, 5 measured iterations of 600 ms, JMH's own output silenced. The machine's load average is
 * printed before and after: other work on a small machine shows in every score.
 */
public final class GateScaling {
    private static final List<String> ORDER = List.of("swapGate", "threadLocal", "threadLocalSetNull",
            "atomicCounter", "readWriteLock", "globalLock", "noGate");
    private static final String REFERENCE = "swapGate";

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
        PrintStream out = System.out;
        int cores = Runtime.getRuntime().availableProcessors();
        out.println("# Gate benchmark: enter() + leave() of one shared gate");
        out.println();
        out.println(header(cores, threads, String.join(" ", args)));

        // work -> threads -> benchmark -> result
        Map<Long, Map<Integer, Map<String, Result<?>>>> scores = new TreeMap<>();
        // threads -> benchmark -> share of the machine's CPU time other processes took meanwhile (%)
        Map<Integer, Map<String, Double>> others = new TreeMap<>();
        Machine.Usage runStart = Machine.Usage.now();
        // One variant at a time, so that each cell can say how loaded the machine was while it ran.
        for (int count : threads) {
            for (String method : ORDER) {
                long started = System.nanoTime();
                Machine.Usage usage = Machine.Usage.now();
                System.err.printf(Locale.ROOT, "gate: %s, %d thread(s)...%n", method, count);
                Collection<RunResult> results = new Runner(options(given, count, method)).run();
                for (RunResult result : results) {
                    long work = Long.parseLong(result.getParams().getParam("work"));
                    scores.computeIfAbsent(work, w -> new TreeMap<>())
                            .computeIfAbsent(count, c -> new TreeMap<>())
                            .put(method, result.getPrimaryResult());
                }
                Machine.Usage now = Machine.Usage.now();
                others.computeIfAbsent(count, c -> new TreeMap<>()).put(method, now.othersShare(usage));
                System.err.printf(Locale.ROOT, "gate: %s, %d thread(s) done in %d s; %s%n", method, count,
                        Duration.ofNanos(System.nanoTime() - started).toSeconds(), now.othersSince(usage));
            }
        }
        out.println("- during the run: " + Machine.Usage.now().othersSince(runStart) + "; load average (1 min) at"
                + " the end: " + Machine.loadAverage());
        scores.forEach((work, byThreads) -> print(out, work, byThreads, cores));
        printOthers(out, others);
    }

    /** The JMH options of one cell: {@code given}, with the defaults for what it leaves unset. */
    private static Options options(CommandLineOptions given, int threads, String method) {
        ChainedOptionsBuilder options = new OptionsBuilder().parent(given)
                .include(GateBenchmark.class.getName() + "\\." + method + "$")
                .threads(threads);
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

    private static void printOthers(PrintStream out, Map<Integer, Map<String, Double>> others) {
        List<String> columns = new ArrayList<>(ORDER);
        out.println();
        out.println("## Other processes' share of the machine's CPU time while each cell ran (%; from /proc/stat,"
                + " less this run's own)");
        out.println();
        out.println(tableHeader(columns));
        others.forEach((threads, row) -> {
            StringBuilder line = new StringBuilder("| " + threads + " |");
            for (String column : columns) {
                Double share = row.get(column);
                line.append(' ').append(share == null || share.isNaN() ? "-"
                        : String.format(Locale.ROOT, "%.0f", share)).append(" |");
            }
            out.println(line);
        });
    }

    private static String header(int cores, List<Integer> threads, String args) {
        return Machine.describe() + "\n"
                + "- threads: " + threads + "; arguments: " + (args.isEmpty() ? "(defaults)" : args)
                + (threads.stream().anyMatch(t -> t > cores)
                        ? "\n- more threads than cores: those rows measure oversubscription (threads preempted, also"
                        + " inside the gate), not contention-freedom" : "");
    }

    private static void print(PrintStream out, long work, Map<Integer, Map<String, Result<?>>> byThreads, int cores) {
        List<String> columns = new ArrayList<>(ORDER);
        byThreads.values().forEach(row -> row.keySet().stream().filter(m -> !columns.contains(m)).forEach(columns::add));
        columns.removeIf(m -> byThreads.values().stream().noneMatch(row -> row.containsKey(m)));
        String workText = work == 0 ? "no work inside the gate" : work + " consumeCPU tokens inside the gate";

        out.println();
        out.println("## Throughput, all threads together (ops/µs, ± 99.9% CI; higher is better), " + workText);
        out.println();
        out.println(tableHeader(columns));
        byThreads.forEach((threads, row) -> {
            StringBuilder line = new StringBuilder("| " + threads + " |");
            for (String column : columns) {
                Result<?> result = row.get(column);
                line.append(' ').append(result == null ? "-" : throughput(result)).append(" |");
            }
            out.println(line);
        });

        out.println();
        out.println("## ns per enter+leave per busy core (= 1000 × min(threads, " + cores
                + ") / throughput; lower is better; ×N = N times the engine's gate), " + workText);
        out.println();
        out.println(tableHeader(columns));
        byThreads.forEach((threads, row) -> {
            Result<?> reference = row.get(REFERENCE);
            double referenceNanos = reference == null ? Double.NaN : coreNanos(reference, threads, cores);
            StringBuilder line = new StringBuilder("| " + threads + " |");
            for (String column : columns) {
                Result<?> result = row.get(column);
                if (result == null) {
                    line.append(" - |");
                    continue;
                }
                double nanos = coreNanos(result, threads, cores);
                line.append(' ').append(String.format(Locale.ROOT, "%.1f", nanos));
                if (!column.equals(REFERENCE) && !Double.isNaN(referenceNanos)) {
                    line.append(String.format(Locale.ROOT, " (×%.2f)", nanos / referenceNanos));
                }
                line.append(" |");
            }
            out.println(line);
        });
    }

    private static String tableHeader(List<String> columns) {
        StringBuilder header = new StringBuilder("| threads |");
        StringBuilder rule = new StringBuilder("|---:|");
        for (String column : columns) {
            header.append(' ').append(column).append(" |");
            rule.append("---:|");
        }
        return header + "\n" + rule;
    }

    /** Score ± error, with one decimal for scores from 10 up and three significant digits below. */
    private static String throughput(Result<?> result) {
        double score = result.getScore();
        double error = result.getScoreError();
        int decimals = score >= 10 ? 1 : score >= 1 ? 2 : 3;
        String format = "%." + decimals + "f";
        return Double.isNaN(error)
                ? String.format(Locale.ROOT, format, score)
                : String.format(Locale.ROOT, format + " ± " + format, score, error);
    }

    /** Wall-clock nanoseconds of the busy cores per operation; at one thread simply ns/op. */
    private static double coreNanos(Result<?> result, int threads, int cores) {
        if (!result.getScoreUnit().equals("ops/us")) {
            throw new IllegalStateException("expected a throughput in ops/us, got " + result.getScoreUnit()
                    + "; do not pass -bm or -tu");
        }
        return 1000.0 * Math.min(threads, cores) / result.getScore();
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
