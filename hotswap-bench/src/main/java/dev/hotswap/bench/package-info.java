/**
 * Benchmarks of the hotswap engine and its fleet rollouts, shipped as one runnable jar and never run by {@code mvn verify}.
 * This is a class-path module (see its {@code pom.xml} for why), so this package carries the
 * module's documentation.
 *
 * <ul>
 * <li>{@link dev.hotswap.bench.GateBenchmark} (JMH): {@code enter()} + {@code pin.leave()} of a
 *     started engine's {@link dev.hotswap.engine.SwapGate} against a plain {@code ThreadLocal}
 *     set/remove (the pin's thread binding alone) and gates built from one shared atomic counter, a
 *     read-write lock, and a global lock; {@link dev.hotswap.bench.GateScaling} runs it at several
 *     thread counts and prints the scores side by side, in wall-clock time and in CPU time per
 *     operation ({@link dev.hotswap.bench.CpuTimeProfiler}, which other processes' load does not
 *     inflate).</li>
 * <li>{@link dev.hotswap.bench.SwapPause}: repeated in-process pushes into a managed database of
 *     realistic size while reader threads query it through the gate; reports the flip, the time until
 *     the old generation is released, each step of a push, and what the swaps did to the reads
 *     (their latency, and whether any waited), and replicates the swap's durable file steps.</li>
 * <li>{@link dev.hotswap.bench.TransferBench}: whole-file against delta pushes and pulls through the
 *     jlink CLI, bytes on the wire and time, also through a throttled relay
 *     ({@code bin/hotswap-bench transfer}; {@code docs/BENCHMARKS.md}); with {@code --content text,blobs},
 *     {@link dev.hotswap.bench.CompressionBench}: whole files with and without compression on generated
 *     prose and on random blobs, through a fast and a throttled relay.</li>
 * <li>{@link dev.hotswap.bench.FleetSpread}: five fleet nodes and a coordinator against a real
 *     S3-compatible store; per poll interval, the time from a push to every node flipped and the
 *     spread between the first and the last flip ({@code bin/hotswap-bench fleet}).</li>
 * </ul>
 *
 * <p>Run both with {@code bin/hotswap-bench}, or directly:
 * <pre>{@code
 * mvn -B -q -pl hotswap-bench -am package -DskipTests
 * java -cp hotswap-bench/target/hotswap-bench.jar dev.hotswap.bench.GateScaling
 * java -cp hotswap-bench/target/hotswap-bench.jar dev.hotswap.bench.SwapPause
 * java -jar hotswap-bench/target/hotswap-bench.jar GateBenchmark -t 2   # plain JMH
 * java -cp hotswap-bench/target/hotswap-bench.jar dev.hotswap.bench.FleetSpread --endpoint URL
 * }</pre>
 */
package dev.hotswap.bench;
