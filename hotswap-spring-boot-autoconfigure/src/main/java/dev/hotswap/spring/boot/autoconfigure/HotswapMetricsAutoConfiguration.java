package dev.hotswap.spring.boot.autoconfigure;

import dev.hotswap.engine.Hotswap;
import dev.hotswap.micrometer.GenerationMetrics;
import dev.hotswap.micrometer.SwapMetrics;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * The engine's meters (hotswap-micrometer) when Micrometer is on the class path: {@link SwapMetrics}
 * is a {@code SwapListener} bean, so the auto-configured engine reports every push and rollback to it,
 * and {@link GenerationMetrics} gauges the databases; Spring Boot binds both {@code MeterBinder}s to
 * its registry.
 */
@AutoConfiguration(after = HotswapAutoConfiguration.class)
@ConditionalOnClass({MeterBinder.class, SwapMetrics.class})
@ConditionalOnBean(Hotswap.class)
public final class HotswapMetricsAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    SwapMetrics hotswapSwapMetrics() {
        return new SwapMetrics();
    }

    @Bean
    @ConditionalOnMissingBean
    GenerationMetrics hotswapGenerationMetrics(Hotswap hotswap) {
        return new GenerationMetrics(hotswap);
    }
}
