package dev.hotswap.spring.boot.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hotswap.engine.Hotswap;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.Banner;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The newcomer's path: a Boot application with the starter, Boot's JDBC support and Flyway
 * ({@code db/migration/V1__init.sql} creates the tables), configured by
 * {@code hotswap.databases.production.path} alone, starts on its first run with no database file
 * (nor its folder): the engine creates it empty, and Flyway migrates it as generation 1.
 */
class FirstRunTest {

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void firstRunWithNoDatabaseFileCreatesItAndFlywayMigratesGeneration1(@TempDir Path dir) throws Exception {
        Path live = dir.resolve("db/production.sqlite3");
        String[] arguments = {"--hotswap.databases.production.path=" + live,
                "--hotswap.socket=" + dir.resolve("hotswap.sock")};

        try (ConfigurableApplicationContext context = application().run(arguments)) {
            Hotswap hotswap = context.getBean(Hotswap.class);
            JdbcTemplate jdbc = context.getBean(JdbcTemplate.class);
            assertThat(hotswap.status().get(0).current().id()).as("generation").isEqualTo(1);
            assertThat(Files.isSymbolicLink(live)).as("adopted: the live path is a link").isTrue();
            assertThat(jdbc.queryForList("SELECT version FROM flyway_schema_history WHERE success = 1", String.class))
                    .containsExactly("1");
            assertThat(jdbc.queryForList("SELECT name FROM items", String.class)).containsExactly("migrated");
            assertThat(jdbc.queryForObject("PRAGMA journal_mode", String.class)).isEqualTo("wal");
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(live.toRealPath())))
                    .isEqualTo("rw-------");
            jdbc.update("INSERT INTO items (name) VALUES ('written')");
        }

        try (ConfigurableApplicationContext context = application().run(arguments)) {
            JdbcTemplate jdbc = context.getBean(JdbcTemplate.class);
            assertThat(context.getBean(Hotswap.class).status().get(0).current().id())
                    .as("the second run serves the same generation").isEqualTo(1);
            assertThat(jdbc.queryForList("SELECT name FROM items ORDER BY id", String.class))
                    .as("nothing created or migrated again").containsExactly("migrated", "written");
        }
    }

    private static SpringApplication application() {
        SpringApplication application = new SpringApplication(FirstRunApplication.class);
        application.setBannerMode(Banner.Mode.OFF);
        application.setLogStartupInfo(false);
        application.setWebApplicationType(WebApplicationType.NONE);
        return application;
    }

    /** Nothing of hotswap but the property; Flyway and the DataSource come from Boot's auto-configuration. */
    @SpringBootConfiguration
    @EnableAutoConfiguration
    static class FirstRunApplication {
    }
}
