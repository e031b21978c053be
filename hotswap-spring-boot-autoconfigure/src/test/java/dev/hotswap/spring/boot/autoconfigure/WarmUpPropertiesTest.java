package dev.hotswap.spring.boot.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hotswap.engine.Hotswap;
import dev.hotswap.engine.PushOptions;
import dev.hotswap.engine.SwapRefusedException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
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

/** {@code hotswap.databases.NAME.warm-up[i]} reaches the engine: its statements gate every push. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class WarmUpPropertiesTest {

    @Test
    void warmUpPropertiesRunOnEveryPushAndOneThatFailsRefusesIt(@TempDir Path dir) throws Exception {
        Path live = database(dir.resolve("production.sqlite3"), 1, false);
        String[] arguments = {"--hotswap.databases.production.path=" + live, "--hotswap.socket-enabled=false",
                "--spring.flyway.enabled=false",
                "--hotswap.databases.production.warm-up[0]=SELECT count(*) FROM meta",
                "--hotswap.databases.production.warm-up[1]=SELECT count(*) FROM products"};
        SpringApplication application = new SpringApplication(WarmUpApplication.class);
        application.setBannerMode(Banner.Mode.OFF);
        application.setLogStartupInfo(false);
        application.setWebApplicationType(WebApplicationType.NONE);

        try (ConfigurableApplicationContext context = application.run(arguments)) {
            Hotswap hotswap = context.getBean(Hotswap.class);
            Path withoutProducts = database(dir.resolve("without.sqlite3"), 2, false);
            try (InputStream content = Files.newInputStream(withoutProducts)) {
                assertThatThrownBy(() -> hotswap.push("production", content, PushOptions.defaults()))
                        .isInstanceOf(SwapRefusedException.class)
                        .hasMessageContaining("warm-up statement failed: SELECT count(*) FROM products")
                        .extracting(e -> ((SwapRefusedException) e).reason()).isEqualTo(SwapRefusedException.Reason.WARM_UP);
            }
            assertThat(hotswap.status().get(0).current().id()).isEqualTo(1);

            Path withProducts = database(dir.resolve("with.sqlite3"), 3, true);
            try (InputStream content = Files.newInputStream(withProducts)) {
                hotswap.push("production", content, new PushOptions(false, true));
            }
            assertThat(hotswap.status().get(0).current().id()).isEqualTo(2);
            try (Connection connection = hotswap.dataSource("production").getConnection();
                    Statement statement = connection.createStatement();
                    java.sql.ResultSet row = statement.executeQuery("SELECT version FROM meta")) {
                assertThat(row.next()).isTrue();
                assertThat(row.getInt(1)).as("the file with products is live").isEqualTo(3);
            }
        }
    }

    private static Path database(Path file, int version, boolean products) throws Exception {
        try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + file);
                Statement statement = connection.createStatement()) {
            statement.execute("CREATE TABLE meta (version INTEGER NOT NULL)");
            statement.execute("INSERT INTO meta VALUES (" + version + ")");
            if (products) {
                statement.execute("CREATE TABLE products (id INTEGER PRIMARY KEY)");
            }
        }
        return file;
    }

    @SpringBootConfiguration
    @EnableAutoConfiguration
    static class WarmUpApplication {
    }
}
