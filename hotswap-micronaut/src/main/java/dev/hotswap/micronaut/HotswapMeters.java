package dev.hotswap.micronaut;

import dev.hotswap.engine.Hotswap;
import dev.hotswap.micrometer.GenerationMetrics;
import dev.hotswap.micrometer.SwapMetrics;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.micronaut.context.annotation.Factory;
import io.micronaut.context.annotation.Requires;
import jakarta.inject.Singleton;

/**
 * The engine's meters (hotswap-micrometer) when it and Micrometer are on the class path, as
 * {@link MeterBinder} beans, which Micronaut Micrometer binds to its registries:
 * {@link SwapMetrics} is also a {@code SwapListener} bean, so the engine reports every push and
 * rollback to it, and {@link GenerationMetrics} gauges the databases.
 */
@Factory
@Requires(classes = {MeterBinder.class, SwapMetrics.class})
final class HotswapMeters {

    @Singleton
    SwapMetrics hotswapSwapMetrics() {
        return new SwapMetrics();
    }

    @Singleton
    @Requires(beans = Hotswap.class)
    GenerationMetrics hotswapGenerationMetrics(Hotswap hotswap) {
        return new GenerationMetrics(hotswap);
    }
}
