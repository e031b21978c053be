package dev.hotswap.micrometer;

import dev.hotswap.engine.SwapListener;
import dev.hotswap.engine.SwapOutcome;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Counts and times every push and rollback, as the engine's {@link SwapListener} hears them, in
 * every registry it is {@linkplain #bindTo bound} to:
 * <ul>
 * <li>{@value #SWAPS} (counter; tags {@code database}, {@code outcome}: {@code swapped}, {@code refused}
 *     or {@code failed}): pushes and rollbacks, by how they ended;
 * <li>{@value #PAUSE} (timer; tag {@code database}): the flip of each swap that went live, the longest
 *     any new request could have waited for it;
 * <li>{@value #PUSH_DURATION} (timer; tags {@code database}, {@code outcome}): each push from its first
 *     byte to its end, whatever the result.
 * </ul>
 * Meters of a database appear with its first swap. Register the listener before the engine is built
 * ({@code Hotswap.builder().listener(metrics)}); bind it to registries at any time.
 */
public final class SwapMetrics implements SwapListener, MeterBinder {
    /** The counter of pushes and rollbacks. */
    public static final String SWAPS = "hotswap.swaps";
    /** The timer of swap pauses. */
    public static final String PAUSE = "hotswap.swap.pause";
    /** The timer of whole pushes. */
    public static final String PUSH_DURATION = "hotswap.push.duration";

    private final List<MeterRegistry> registries = new CopyOnWriteArrayList<>();

    /** Meters not bound to any registry yet. */
    public SwapMetrics() {
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        registries.add(registry);
    }

    @Override
    public void afterSwap(SwapOutcome outcome) {
        String database = outcome.database();
        String result = outcome.result().name().toLowerCase(Locale.ROOT);
        for (MeterRegistry registry : registries) {
            Counter.builder(SWAPS)
                    .description("Pushes and rollbacks, by how they ended")
                    .tags("database", database, "outcome", result)
                    .register(registry)
                    .increment();
            if (outcome.report() != null) {
                Timer.builder(PAUSE)
                        .description("The flip of a swap: the longest a new request could have waited for it")
                        .tags("database", database)
                        .register(registry)
                        .record(Duration.ofNanos(outcome.report().pauseMicros() * 1000));
            }
            if (outcome.operation() == SwapOutcome.Operation.PUSH) {
                Timer.builder(PUSH_DURATION)
                        .description("A push from its first byte to its end, whatever the result")
                        .tags("database", database, "outcome", result)
                        .register(registry)
                        .record(outcome.duration());
            }
        }
    }
}
