package dev.hotswap.demo.spring;

import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * The demo as a Spring Boot application: the hotswap starter makes the engine, the request filter and
 * the {@code DataSource} (with a HikariCP pool per generation) from {@code hotswap.*}; the rest is
 * {@link ItemsController}.
 */
@SpringBootApplication
class DemoApplication {
}
