package dev.hotswap.spring.boot.autoconfigure;

import dev.hotswap.engine.Hotswap;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * The read-only {@code /actuator/hotswap} endpoint ({@link HotswapEndpoint}), when Actuator is on the
 * class path and the endpoint is available (exposed: {@code management.endpoints.web.exposure.include}
 * names it).
 */
@AutoConfiguration(after = HotswapAutoConfiguration.class)
@ConditionalOnClass({Endpoint.class, ConditionalOnAvailableEndpoint.class})
@ConditionalOnBean(Hotswap.class)
@ConditionalOnAvailableEndpoint(HotswapEndpoint.class)
public final class HotswapEndpointAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    HotswapEndpoint hotswapEndpoint(Hotswap hotswap) {
        return new HotswapEndpoint(hotswap);
    }
}
