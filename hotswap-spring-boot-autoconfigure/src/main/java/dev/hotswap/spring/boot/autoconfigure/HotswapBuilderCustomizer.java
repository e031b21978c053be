package dev.hotswap.spring.boot.autoconfigure;

import dev.hotswap.engine.Hotswap;
import dev.hotswap.engine.HotswapBuilder;

/**
 * A bean that adjusts the engine's builder after the {@code hotswap.*} properties were applied and
 * before the engine is built, for settings that have no property:
 * <pre>{@code
 * @Bean
 * HotswapBuilderCustomizer listeners(MySwapListener listener) {
 *     return builder -> builder.listener(listener);
 * }
 * }</pre>
 * Customizers run in {@link org.springframework.core.annotation.Order} order.
 */
@FunctionalInterface
public interface HotswapBuilderCustomizer {
    /** Adjusts {@code builder}. */
    void customize(HotswapBuilder builder);
}
