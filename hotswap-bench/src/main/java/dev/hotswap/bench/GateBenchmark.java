package dev.hotswap.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.infra.Blackhole;
import org.sqlite.SQLiteConfig;

import dev.hotswap.engine.Hotswap;
import dev.hotswap.engine.Pin;
import dev.hotswap.engine.SwapGate;

/**
 * One request's pass through a gate, {@code enter} then leave, for the gate of a started engine and
 * for what one could build instead from JDK parts. Every thread of a run shares one gate
 * ({@link Scope#Benchmark}): that sharing is what the benchmark is about.
 *
 * <p>Mode is throughput, summed over threads (ops/µs). {@link GateScaling} runs it at several thread
 * counts and turns the scores into nanoseconds per operation per busy core, side by side.
 *
 * <p>{@code work} is optional CPU work inside the gate ({@link Blackhole#consumeCPU}, in JMH tokens),
 * the same for every variant; the default 0 measures the gate alone. With work, the global lock shows
 * what running one request at a time costs.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class GateBenchmark {
    /** What the thread-local baseline binds: one shared object, so nothing is allocated. */
    private static final Object BOUND = new Object();

    /** CPU work inside the gate, in {@link Blackhole#consumeCPU} tokens; 0 for the gate alone. */
    @Param("0")
    public long work;

    private final ReentrantReadWriteLock readWriteLock = new ReentrantReadWriteLock();
    private final Lock readLock = readWriteLock.readLock();
    private final AtomicLong inFlight = new AtomicLong();
    /** The current-view reads a counter gate makes around counting itself in, as the engine's gate does. */
    private volatile Object counterView = new Object();
    private final ReentrantLock mutex = new ReentrantLock();
    private final ThreadLocal<Object> binding = new ThreadLocal<>();

    /**
     * A started engine (socket disabled) managing a tiny database in a temp directory: the engine's
     * gate exists only inside one. Made once per trial, for the benchmarks that take it.
     */
    @State(Scope.Benchmark)
    public static class Engine {
        Path dir;
        Hotswap hotswap;
        SwapGate gate;

        @Setup(Level.Trial)
        public void start() throws IOException, SQLException {
            QuietLogs.install();
            dir = TempDirectory.create();
            Path database = dir.resolve("gate.sqlite3");
            try (Connection connection = new SQLiteConfig().createConnection("jdbc:sqlite:" + database);
                    Statement statement = connection.createStatement()) {
                statement.execute("CREATE TABLE items (id INTEGER PRIMARY KEY)");
            }
            hotswap = Hotswap.builder().database("gate", database).socketEnabled(false).build().start();
            gate = hotswap.gate();
        }

        @TearDown(Level.Trial)
        public void stop() throws IOException {
            if (hotswap != null) {
                hotswap.close();
            }
            if (dir != null) {
                TempDirectory.delete(dir);
            }
        }
    }

    /**
     * The engine's gate: {@code enter()} pins the current view (a volatile read, an add on a striped
     * counter cell, a second volatile read) and binds a new {@link Pin} to the thread (a thread-local
     * get and set); {@code leave()} flips the pin's flag, subtracts, and unbinds (a thread-local get
     * and remove).
     */
    @Benchmark
    public void swapGate(Engine engine) {
        Pin pin = engine.gate.enter();
        try {
            request();
        } finally {
            pin.leave();
        }
    }

    /** A plain {@link ThreadLocal} set and remove: what binding the request to its thread costs alone. */
    @Benchmark
    public void threadLocal() {
        binding.set(BOUND);
        try {
            request();
        } finally {
            binding.remove();
        }
    }

    /**
     * A {@link ThreadLocal} set, then set to null instead of removed: on JDK 17 {@code remove()}
     * clears the map entry's weak reference through a native call ({@code Reference.clear0}), which
     * a set to null avoids; compare with {@link #threadLocal()}.
     */
    @Benchmark
    public void threadLocalSetNull() {
        binding.set(BOUND);
        try {
            request();
        } finally {
            binding.set(null);
        }
    }

    /**
     * One shared {@link AtomicLong} of requests in flight, with the same two volatile reads of the
     * current view as the engine's gate: its counting without the striping, so all threads add to one
     * word.
     */
    @Benchmark
    public void atomicCounter() {
        Object view = counterView;
        inFlight.incrementAndGet();
        if (view != counterView) {
            inFlight.decrementAndGet();
            throw new IllegalStateException("the counter gate's view never changes in this benchmark");
        }
        try {
            request();
        } finally {
            inFlight.decrementAndGet();
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

    /** A global {@link ReentrantLock}: one request at a time, like the Ruby original. */
    @Benchmark
    public void globalLock() {
        mutex.lock();
        try {
            request();
        } finally {
            mutex.unlock();
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
