package dev.hotswap.quarkus;

import dev.hotswap.engine.Hotswap;
import dev.hotswap.micrometer.GenerationMetrics;
import dev.hotswap.micrometer.SwapMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/**
 * The meters of hotswap-micrometer (added when the application has Micrometer): {@link SwapMetrics},
 * a bean the engine takes as a listener, and {@link GenerationMetrics}, both bound to Quarkus's
 * registry at startup.
 */
@Singleton
public class HotswapMeters {
    @Produces
    @Singleton
    SwapMetrics swapMetrics() {
        return new SwapMetrics();
    }

    void bind(@Observes StartupEvent started, MeterRegistry registry, SwapMetrics swaps, Hotswap hotswap) {
        swaps.bindTo(registry);
        new GenerationMetrics(hotswap).bindTo(registry);
    }
}
