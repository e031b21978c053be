/**
 * Spring Boot 4 auto-configuration for the hotswap engine; entry point
 * {@link dev.hotswap.spring.boot.autoconfigure.HotswapAutoConfiguration}, configured by
 * {@link dev.hotswap.spring.boot.autoconfigure.HotswapProperties} ({@code hotswap.*}). Beside it,
 * when the application has them: a HikariCP pool per generation
 * ({@link dev.hotswap.spring.boot.autoconfigure.HikariPools}), the {@code hotswap} health contributor
 * ({@link dev.hotswap.spring.boot.autoconfigure.HotswapHealthIndicator}), {@code /actuator/hotswap}
 * ({@link dev.hotswap.spring.boot.autoconfigure.HotswapEndpoint}) and the engine's Micrometer meters
 * ({@link dev.hotswap.spring.boot.autoconfigure.HotswapMetricsAutoConfiguration}); and the request's
 * pin on the threads Spring continues it on
 * ({@link dev.hotswap.spring.boot.autoconfigure.PinningTaskDecorator}, and an interceptor around
 * Spring MVC's {@code Callable}s). Applications depend on {@code hotswap-spring-boot-starter} rather
 * than on this module.
 */
package dev.hotswap.spring.boot.autoconfigure;
