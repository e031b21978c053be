package dev.hotswap.engine;

/**
 * Hears how every push and rollback ended: for metrics, logs, a cache to drop. The engine's data
 * sources need no listener, and neither does a pool of the application's own (see
 * {@link PoolFactory}): each generation has its own pool.
 *
 * <p>Called on the thread that ran the operation, after it has ended completely (the swap is durable
 * and current, or nothing changed), so a listener can neither delay requests nor leave a swap
 * half-done; whatever it throws is logged and ignored.
 * <pre>{@code
 * Hotswap.builder()
 *     .database("production", Path.of("db/production.sqlite3"))
 *     .listener(outcome -> log.info(outcome.database() + " " + outcome.result()))
 *     .build();
 * }</pre>
 */
@FunctionalInterface
public interface SwapListener {

    /** Called once per push or rollback, after it ended, whatever the result. */
    void afterSwap(SwapOutcome outcome);
}
