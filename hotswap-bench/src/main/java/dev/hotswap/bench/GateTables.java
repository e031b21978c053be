package dev.hotswap.bench;

import java.io.PrintStream;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.BiFunction;

import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;

/**
 * The tables {@link GateScaling} prints, per value of {@code work}: throughput, wall-clock ns per
 * operation per busy core, and CPU ns per operation ({@link CpuTimeProfiler}), each cell with its
 * ratio to the engine's gate; then the share of the machine other processes took while each cell ran.
 */
final class GateTables {
    private static final String REFERENCE = "swapGate";

    private final PrintStream out;
    private final int cores;
    /** work -> threads -> variant -> result. */
    private final Map<Long, Map<Integer, Map<String, RunResult>>> results = new TreeMap<>();
    /** threads -> variant -> other processes' share of the machine's CPU time (%). */
    private final Map<Integer, Map<String, Double>> others = new TreeMap<>();

    GateTables(PrintStream out, int cores) {
        this.out = out;
        this.cores = cores;
    }

    void header(List<Integer> threads, String args) {
        out.println("# Gate benchmark: enter() + leave() of one shared gate");
        out.println();
        out.println(Machine.describe());
        out.println("- threads: " + threads + "; arguments: " + (args.isEmpty() ? "(defaults)" : args));
        if (threads.stream().anyMatch(t -> t > cores)) {
            out.println("- more threads than cores: those rows measure oversubscription (threads preempted, also"
                    + " inside the gate), not contention-freedom");
        }
    }

    void add(int threads, String variant, RunResult result) {
        long work = Long.parseLong(result.getParams().getParam("work"));
        results.computeIfAbsent(work, w -> new TreeMap<>()).computeIfAbsent(threads, t -> new TreeMap<>())
                .put(variant, result);
    }

    void others(int threads, String variant, double share) {
        others.computeIfAbsent(threads, t -> new TreeMap<>()).put(variant, share);
    }

    void print(String othersDuringRun) {
        out.println("- during the run: " + othersDuringRun + "; load average (1 min) at the end: "
                + Machine.loadAverage());
        results.forEach((work, byThreads) -> {
            String workText = work == 0 ? "no work inside the gate" : work + " consumeCPU tokens inside the gate";
            table("Throughput, all threads together (ops/µs, ± 99.9% CI; higher is better), " + workText,
                    byThreads, (threads, result) -> throughput(result.getPrimaryResult()), false);
            table("Wall-clock ns per enter+leave per busy core (= 1000 × min(threads, " + cores
                    + ") / throughput; lower is better; ×N = N times the engine's gate), " + workText,
                    byThreads, (threads, result) -> coreNanos(result.getPrimaryResult(), threads), true);
            table("CPU ns per enter+leave (the JVM's CPU time / operations, CpuTimeProfiler: other processes do not"
                    + " inflate it; lower is better; ×N = N times the engine's gate), " + workText,
                    byThreads, (threads, result) -> cpuNanos(result), true);
        });
        out.println();
        out.println("## Other processes' share of the machine's CPU time while each cell ran (%; from /proc/stat,"
                + " less this run's own)");
        out.println();
        out.println(columns());
        others.forEach((threads, row) -> {
            StringBuilder line = new StringBuilder("| " + threads + " |");
            for (String variant : GateScaling.VARIANTS) {
                Double share = row.get(variant);
                line.append(' ').append(share == null || share.isNaN() ? "-"
                        : String.format(Locale.ROOT, "%.0f", share)).append(" |");
            }
            out.println(line);
        });
    }

    /**
     * One table, a row per thread count. {@code cell} gives a cell's text, or for a table
     * {@code withRatios} its number, printed with one decimal and its ratio to the engine's gate.
     */
    private void table(String title, Map<Integer, Map<String, RunResult>> byThreads,
            BiFunction<Integer, RunResult, Object> cell, boolean withRatios) {
        out.println();
        out.println("## " + title);
        out.println();
        out.println(columns());
        byThreads.forEach((threads, row) -> {
            RunResult reference = row.get(REFERENCE);
            double referenceValue = withRatios && reference != null ? (Double) cell.apply(threads, reference) : Double.NaN;
            StringBuilder line = new StringBuilder("| " + threads + " |");
            for (String variant : GateScaling.VARIANTS) {
                RunResult result = row.get(variant);
                if (result == null) {
                    line.append(" - |");
                    continue;
                }
                Object value = cell.apply(threads, result);
                if (!withRatios) {
                    line.append(' ').append(value).append(" |");
                    continue;
                }
                double number = (Double) value;
                line.append(' ').append(Double.isNaN(number) ? "-" : String.format(Locale.ROOT, "%.1f", number));
                if (!variant.equals(REFERENCE) && !Double.isNaN(referenceValue) && !Double.isNaN(number)) {
                    line.append(String.format(Locale.ROOT, " (×%.2f)", number / referenceValue));
                }
                line.append(" |");
            }
            out.println(line);
        });
    }

    private static String columns() {
        StringBuilder header = new StringBuilder("| threads |");
        StringBuilder rule = new StringBuilder("|---:|");
        for (String variant : GateScaling.VARIANTS) {
            header.append(' ').append(variant).append(" |");
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
    private Double coreNanos(Result<?> result, int threads) {
        if (!result.getScoreUnit().equals("ops/us")) {
            throw new IllegalStateException("expected a throughput in ops/us, got " + result.getScoreUnit()
                    + "; do not pass -bm or -tu");
        }
        return 1000.0 * Math.min(threads, cores) / result.getScore();
    }

    /** The mean of {@link CpuTimeProfiler}'s iterations, or NaN without it. */
    private static Double cpuNanos(RunResult result) {
        Result<?> cpu = result.getSecondaryResults().get(CpuTimeProfiler.LABEL);
        return cpu == null ? Double.NaN : cpu.getScore();
    }
}
