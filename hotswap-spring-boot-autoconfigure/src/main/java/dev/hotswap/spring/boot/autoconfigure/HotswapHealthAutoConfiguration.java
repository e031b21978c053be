package dev.hotswap.spring.boot.autoconfigure;

import dev.hotswap.engine.Hotswap;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;

/**
 * The {@code hotswap} health contributor ({@link HotswapHealthIndicator}), when Spring Boot's health
 * support is on the class path; {@code management.health.hotswap.enabled=false} turns it off.
 */
@AutoConfiguration(after = HotswapAutoConfiguration.class)
@ConditionalOnClass(HealthIndicator.class)
@ConditionalOnBean(Hotswap.class)
@ConditionalOnEnabledHealthIndicator("hotswap")
public final class HotswapHealthAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean(name = "hotswapHealthIndicator")
    HotswapHealthIndicator hotswapHealthIndicator(Hotswap hotswap) {
        return new HotswapHealthIndicator(hotswap);
    }
}
