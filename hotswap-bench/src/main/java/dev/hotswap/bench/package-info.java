/**
 * Benchmarks of the hotswap engine and its fleet rollouts, shipped as one runnable jar and never run by {@code mvn verify}.
 * This is a class-path module (see its {@code pom.xml} for why), so this package carries the
 * module's documentation.
 *
 * <ul>
 * <li>{@link dev.hotswap.bench.GateBenchmark} (JMH): {@code enter()}+{@code leave()} of the engine's
 *     {@link dev.hotswap.engine.SwapGate} against gates built from a read-write lock, one atomic
 *     counter, and a global mutex; {@link dev.hotswap.bench.GateScaling} runs it at 1 to 16 threads and
 *     prints the scores side by side.</li>
 * <li>{@link dev.hotswap.bench.SwapPause}: repeated in-process pushes into a managed database of
 *     realistic size while reader threads query it through the gate; reports how long the gate stayed
 *     closed, each step's time, and the readers' failures (there must be none).</li>
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
 * java -jar hotswap-bench/target/hotswap-bench.jar GateBenchmark -t 4   # plain JMH
 * java -cp hotswap-bench/target/hotswap-bench.jar dev.hotswap.bench.FleetSpread --endpoint URL
 * }</pre>
 */
package dev.hotswap.bench;
