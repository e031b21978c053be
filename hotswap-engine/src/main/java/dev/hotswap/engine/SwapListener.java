package dev.hotswap.engine;

import java.nio.file.Path;

/**
 * Hears about swaps, for applications that keep their own connections to a managed database (their
 * own pool, a cache of prepared statements). The engine's own {@link Hotswap#dataSource(String)
 * data sources} need no listener.
 *
 * <p>Both methods run on the swapping thread while the {@link SwapGate gate} is closed and drained,
 * so no request is in flight. They must be quick and must not enter the gate. Example with HikariCP:
 * <pre>{@code
 * Hotswap.builder()
 *     .database("production", Path.of("db/production.sqlite3"))
 *     .listener(new SwapListener() {
 *         public void beforeSwap(String database, Path path) {
 *             hikari.getHikariPoolMXBean().softEvictConnections(); // idle ones close now
 *         }
 *     })
 *     .build();
 * }</pre>
 * Soft eviction closes idle connections at once; since the gate is drained, every connection of
 * the pool is idle then. Connections to the old file that survive {@code beforeSwap} make the swap
 * fail safely (see {@link Hotswap}), rather than let the old write-ahead log reach the new file.
 */
public interface SwapListener {

    /**
     * Called before the file of {@code database} at {@code path} is replaced: close every connection
     * to it now. Throwing aborts the swap; the old file stays.
     */
    default void beforeSwap(String database, Path path) {
    }

    /**
     * Called once the swap is over, after every {@link #beforeSwap}, also when the swap failed and the
     * old file stayed: connections opened from now on see whichever file is live.
     */
    default void afterSwap(String database, Path path) {
    }
}
