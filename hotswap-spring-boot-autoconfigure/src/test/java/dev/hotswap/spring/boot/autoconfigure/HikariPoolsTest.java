package dev.hotswap.spring.boot.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariDataSource;
import dev.hotswap.engine.Hotswap;
import dev.hotswap.engine.PoolFactory;
import dev.hotswap.engine.PushOptions;
import dev.hotswap.testkit.Dataset;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.sqlite.SQLiteDataSource;

/**
 * A HikariCP pool per generation when Hikari is on the class path, configured from Boot's
 * {@code spring.datasource.hikari.*}; the engine's own pool without it; the application's own
 * {@link PoolFactory} over either.
 */
class HikariPoolsTest {
    @TempDir
    Path dir;

    private Dataset production;
    private Dataset next;
    private ApplicationContextRunner runner;

    @BeforeEach
    void databases() throws Exception {
        production = Dataset.create(dir.resolve("production.sqlite3"), "production");
        next = Dataset.create(dir.resolve("next.sqlite3"), "next");
        runner = new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(HotswapAutoConfiguration.class))
                .withPropertyValues("hotswap.databases.production.path=" + production.file(), "hotswap.socket-enabled=false");
    }

    @Test
    void everyGenerationGetsAHikariPoolConfiguredFromBootsHikariSettings() {
        runner.withPropertyValues(
                "spring.datasource.hikari.maximum-pool-size=3",
                "spring.datasource.hikari.pool-name=reports",
                "spring.datasource.hikari.data-source-properties.busy_timeout=1234").run(context -> {
                    assertThat(context).getBean(PoolFactory.class).isInstanceOf(HikariPools.class);
                    Hotswap hotswap = context.getBean(Hotswap.class);
                    assertThat(busyTimeout(hotswap.dataSource("production"))).as("from the first generation's pool")
                            .isEqualTo(1234);
                    push(hotswap, next.file());
                    assertThat(busyTimeout(hotswap.dataSource("production"))).as("from the second generation's pool")
                            .isEqualTo(1234);

                    try (HikariDataSource pool = (HikariDataSource) context.getBean(PoolFactory.class)
                            .open("production", production.file())) {
                        assertThat(pool.getMaximumPoolSize()).isEqualTo(3);
                        assertThat(pool.getPoolName()).isEqualTo("reports-production.sqlite3");
                        assertThat(pool.getJdbcUrl()).isEqualTo("jdbc:sqlite:" + production.file());
                    }
                });
    }

    @Test
    void poolSizeIsHikarisMaximumUnlessBootsHikariSettingsNameOne() {
        runner.withPropertyValues("hotswap.pool-size=5").run(context -> {
            try (HikariDataSource pool = open(context.getBean(PoolFactory.class), production.file())) {
                assertThat(pool.getMaximumPoolSize()).isEqualTo(5);
                assertThat(pool.getPoolName()).isEqualTo("hotswap-production-production.sqlite3");
                assertThat(busyTimeout(pool)).as("the engine's busy timeout").isEqualTo(5000);
            }
        });
        runner.withPropertyValues("hotswap.pool-size=5", "spring.datasource.hikari.maximum-pool-size=2").run(context -> {
            try (HikariDataSource pool = open(context.getBean(PoolFactory.class), production.file())) {
                assertThat(pool.getMaximumPoolSize()).isEqualTo(2);
            }
        });
    }

    @Test
    void aGenerationFileThatVanishedFailsInsteadOfComingBackEmpty() {
        Path gone = dir.resolve("gone.sqlite3");
        runner.run(context -> {
            assertThatThrownBy(() -> open(context.getBean(PoolFactory.class), gone)).hasMessageContaining("gone.sqlite3");
            assertThat(Files.exists(gone)).as("not created").isFalse();
        });
    }

    @Test
    void withoutHikariTheEnginesOwnPoolServes() {
        runner.withClassLoader(new FilteredClassLoader(HikariDataSource.class)).run(context -> {
            assertThat(context).doesNotHaveBean(PoolFactory.class);
            assertThat(busyTimeout(context.getBean(Hotswap.class).dataSource("production"))).isEqualTo(5000);
        });
    }

    @Test
    void theApplicationsOwnPoolFactoryWins() {
        List<Path> opened = new CopyOnWriteArrayList<>();
        PoolFactory own = (database, file) -> {
            opened.add(file);
            SQLiteDataSource sqlite = new SQLiteDataSource();
            sqlite.setUrl("jdbc:sqlite:" + file);
            return sqlite;
        };
        runner.withBean(PoolFactory.class, () -> own).run(context -> {
            assertThat(context).getBean(PoolFactory.class).isSameAs(own);
            assertThat(busyTimeout(context.getBean(Hotswap.class).dataSource("production"))).isEqualTo(3000);
            assertThat(opened).hasSize(1);
        });
    }

    private static HikariDataSource open(PoolFactory pools, Path file) throws Exception {
        return (HikariDataSource) pools.open("production", file);
    }

    private static void push(Hotswap hotswap, Path file) throws Exception {
        try (InputStream content = Files.newInputStream(file)) {
            hotswap.push("production", content, PushOptions.defaults());
        }
    }

    private static int busyTimeout(DataSource dataSource) throws Exception {
        try (Connection connection = dataSource.getConnection();
                Statement statement = connection.createStatement();
                ResultSet row = statement.executeQuery("PRAGMA busy_timeout")) {
            row.next();
            return row.getInt(1);
        }
    }
}
