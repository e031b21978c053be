package dev.hotswap.bench;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.infra.Blackhole;

import dev.hotswap.engine.SwapGate;

/**
 * One request's pass through a gate, {@code enter} then {@code leave}, for the engine's
 * {@link SwapGate} and for the gates one could build instead from JDK parts. Every thread of a run
 * shares one gate ({@link Scope#Benchmark}): that sharing is what the benchmark is about.
 *
 * <p>Mode is throughput, summed over threads (ops/µs). {@link GateScaling} runs it at 1, 2, 4, 8 and
 * 16 threads and turns the scores into nanoseconds per operation per busy core, side by side.
 *
 * <p>{@code work} is optional CPU work inside the gate ({@link Blackhole#consumeCPU}, in JMH tokens),
 * the same for every variant; the default 0 measures the gate alone. With work, the global mutexes
 * show what running one request at a time costs.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class GateBenchmark {
    /** CPU work inside the gate, in {@link Blackhole#consumeCPU} tokens; 0 for the gate alone. */
    @Param("0")
    public long work;

    private final SwapGate swapGate = new SwapGate();
    private final ReentrantReadWriteLock readWriteLock = new ReentrantReadWriteLock();
    private final Lock readLock = readWriteLock.readLock();
    private final AtomicLong inFlight = new AtomicLong();
    /** The closed flag a counter gate would check after counting itself in, as {@link SwapGate} does. */
    private volatile boolean counterClosed;
    private final ReentrantLock mutex = new ReentrantLock();
    private final Object monitor = new Object();

    /** The engine's gate: a striped counter (one padded cell per thread hash) and a volatile flag. */
    @Benchmark
    public void swapGate() throws InterruptedException {
        swapGate.enter();
        try {
            request();
        } finally {
            swapGate.leave();
        }
    }

    /** A {@link ReentrantReadWriteLock}'s read lock: requests share it, a swap would take the write lock. */
    @Benchmark
    public void readWriteLock() {
        readLock.lock();
        try {
            request();
        } finally {
            readLock.unlock();
        }
    }

    /**
     * One shared {@link AtomicLong} of requests in flight plus the same volatile closed check as the
     * engine's gate: the engine's design without the striping, so all threads add to one word.
     */
    @Benchmark
    public void atomicCounter() {
        inFlight.incrementAndGet();
        if (counterClosed) {
            inFlight.decrementAndGet();
            throw new IllegalStateException("the counter gate is never closed in this benchmark");
        }
        try {
            request();
        } finally {
            inFlight.decrementAndGet();
        }
    }

    /** A global {@link ReentrantLock}: one request at a time, like the Ruby original. */
    @Benchmark
    public void reentrantLock() {
        mutex.lock();
        try {
            request();
        } finally {
            mutex.unlock();
        }
    }

    /** A global {@code synchronized} monitor: one request at a time, the JVM's built-in lock. */
    @Benchmark
    public void synchronizedMonitor() {
        synchronized (monitor) {
            request();
        }
    }

    /** No gate at all: the harness's own cost per call, the floor under every other score. */
    @Benchmark
    public void noGate() {
        request();
    }

    private void request() {
        if (work > 0) {
            Blackhole.consumeCPU(work);
        }
    }
}
