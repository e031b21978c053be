/**
 * Micrometer meters for the hotswap engine, with or without Spring: {@link dev.hotswap.micrometer.SwapMetrics}
 * counts and times every push and rollback (it is the engine's {@code SwapListener}), and
 * {@link dev.hotswap.micrometer.GenerationMetrics} gauges each database's current generation and the
 * requests in flight on it (from {@code Hotswap.status()}). Both are {@code MeterBinder}s:
 * <pre>{@code
 * SwapMetrics swaps = new SwapMetrics();
 * Hotswap hotswap = Hotswap.builder()
 *     .database("production", Path.of("db/production.sqlite3"))
 *     .listener(swaps)
 *     .build()
 *     .start();
 * swaps.bindTo(registry);
 * new GenerationMetrics(hotswap).bindTo(registry);
 * }</pre>
 * The Spring Boot starter registers both when Micrometer is on the class path.
 */
module dev.hotswap.micrometer {
    requires transitive dev.hotswap.engine;
    requires transitive micrometer.core;

    exports dev.hotswap.micrometer;
}
