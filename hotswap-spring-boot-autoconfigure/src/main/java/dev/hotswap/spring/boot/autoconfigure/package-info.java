/**
 * Spring Boot 4 auto-configuration for the hotswap engine; entry point
 * {@link dev.hotswap.spring.boot.autoconfigure.HotswapAutoConfiguration}, configured by
 * {@link dev.hotswap.spring.boot.autoconfigure.HotswapProperties} ({@code hotswap.*}). Applications
 * depend on {@code hotswap-spring-boot-starter} rather than on this module.
 */
package dev.hotswap.spring.boot.autoconfigure;
