package dev.hotswap.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;
import java.util.Collection;
import java.util.List;

import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.profile.InternalProfiler;
import org.openjdk.jmh.results.AggregationPolicy;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.ScalarResult;

/**
 * A JMH profiler that reports the benchmark JVM's CPU time per operation ({@value #LABEL}): the
 * process's CPU time over each iteration divided by every operation the iteration ran (JMH's
 * {@code allOps}, warm-up and warm-down phases of a synchronized iteration included, as the CPU time
 * is). Unlike the wall-clock score, other processes taking the CPU do not inflate it, which is what
 * makes scores from a shared, loaded machine comparable; cache and memory-bus contention still
 * show. It counts every thread of the JVM, so garbage collection of what the benchmark allocates is
 * included, and a thread parked on a lock costs nothing: it shows the work per operation, not
 * whether operations ran one at a time (read the throughput for that).
 *
 * <p>Use: {@code -prof dev.hotswap.bench.CpuTimeProfiler}; {@link GateScaling} always adds it.
 */
public final class CpuTimeProfiler implements InternalProfiler {
    /** The secondary result's name. */
    static final String LABEL = "cpu.ns/op";

    private final com.sun.management.OperatingSystemMXBean os;
    private long before;

    public CpuTimeProfiler() {
        OperatingSystemMXBean bean = ManagementFactory.getOperatingSystemMXBean();
        if (!(bean instanceof com.sun.management.OperatingSystemMXBean)) {
            throw new IllegalStateException("this JVM does not report its process CPU time");
        }
        os = (com.sun.management.OperatingSystemMXBean) bean;
    }

    @Override
    public String getDescription() {
        return "process CPU time per operation, robust to other processes' load";
    }

    @Override
    public void beforeIteration(BenchmarkParams benchmark, IterationParams iteration) {
        before = os.getProcessCpuTime();
    }

    @Override
    public Collection<? extends Result<?>> afterIteration(BenchmarkParams benchmark, IterationParams iteration,
            IterationResult result) {
        long cpu = os.getProcessCpuTime() - before;
        long ops = result.getMetadata().getAllOps();
        double perOp = ops <= 0 || cpu < 0 ? Double.NaN : (double) cpu / ops;
        return List.of(new ScalarResult(LABEL, perOp, "ns/op", AggregationPolicy.AVG));
    }
}
