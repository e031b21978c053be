package dev.hotswap.demo.spring;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Import;

/**
 * A newcomer's application, as the Spring Boot recipe in docs/integrations.md has it: the hotswap
 * starter, Boot's JDBC support, Flyway with its migrations in {@code db/migration}, and a controller.
 * Nothing of hotswap but properties. (No component scan: {@link DemoApplication} shares the package.)
 */
@SpringBootConfiguration
@EnableAutoConfiguration
@Import(ItemsController.class)
class NewcomerApplication {

    /** Runs the application; once it serves, says on which port (the test's cue, as the demo's). */
    public static void main(String[] args) {
        ConfigurableApplicationContext context = SpringApplication.run(NewcomerApplication.class, args);
        System.out.println("listening on " + ((WebServerApplicationContext) context).getWebServer().getPort());
    }
}
