package dev.hotswap.demo.spring;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Import;

/**
 * A newcomer's application, as the README's Spring section has it: the hotswap starter, Boot's JDBC
 * support, Flyway with its migrations in {@code db/migration}, and a controller. Nothing of hotswap
 * but properties. (No component scan: {@link DemoApplication} shares the package.)
 */
@SpringBootConfiguration
@EnableAutoConfiguration
@Import(ItemsController.class)
class NewcomerApplication {
}
