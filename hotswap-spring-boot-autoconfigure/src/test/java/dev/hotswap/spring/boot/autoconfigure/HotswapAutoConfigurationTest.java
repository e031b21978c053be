package dev.hotswap.spring.boot.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hotswap.engine.Hotswap;
import dev.hotswap.engine.PushOptions;
import dev.hotswap.engine.SwapListener;
import dev.hotswap.testkit.Dataset;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.JdbcTemplateAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.util.unit.DataSize;
import org.sqlite.SQLiteDataSource;

/**
 * {@link HotswapAutoConfiguration} in a plain (non-web) application context, with Boot's own JDBC
 * auto-configurations beside it as an application has them: properties bound, the engine's
 * lifecycle, the DataSource beans and which is primary, and backing off.
 */
class HotswapAutoConfigurationTest {
    @TempDir
    Path dir;

    private Dataset production;
    private Dataset staging;
    private ApplicationContextRunner runner;

    @BeforeEach
    void databases() throws Exception {
        production = Dataset.create(dir.resolve("production.sqlite3"), "production");
        staging = Dataset.create(dir.resolve("staging.sqlite3"), "staging");
        runner = new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(HotswapAutoConfiguration.class,
                        DataSourceAutoConfiguration.class, JdbcTemplateAutoConfiguration.class))
                .withPropertyValues("hotswap.socket=" + dir.resolve("hotswap.sock"));
    }

    @Test
    void bindsEveryProperty() {
        runner.withPropertyValues(
                "hotswap.databases.production.path=" + production.file(),
                "hotswap.databases.staging.path=" + staging.file(),
                "hotswap.databases.staging.create-if-missing=false",
                "hotswap.primary=staging",
                "hotswap.socket-enabled=false",
                "hotswap.allowed-uids=1000,1001",
                "hotswap.max-connections=2",
                "hotswap.idle-timeout=5s",
                "hotswap.warm-up-timeout=90s",
                "hotswap.pool-size=3",
                "hotswap.keep=4",
                "hotswap.pin-warning=2m",
                "hotswap.disk-reserve=10MB",
                "hotswap.min-upload-rate=1KB").run(context -> {
                    assertThat(context).hasNotFailed();
                    HotswapProperties properties = context.getBean(HotswapProperties.class);
                    assertThat(properties.getDatabases()).containsOnlyKeys("production", "staging");
                    assertThat(properties.getDatabases().get("staging").getPath()).isEqualTo(staging.file());
                    assertThat(properties.getDatabases().get("staging").isCreateIfMissing()).isFalse();
                    assertThat(properties.getDatabases().get("production").isCreateIfMissing()).isTrue();
                    assertThat(properties.getPrimary()).isEqualTo("staging");
                    assertThat(properties.getSocket()).isEqualTo(dir.resolve("hotswap.sock"));
                    assertThat(properties.isSocketEnabled()).isFalse();
                    assertThat(properties.getAllowedUids()).containsExactly(1000L, 1001L);
                    assertThat(properties.getMaxConnections()).isEqualTo(2);
                    assertThat(properties.getIdleTimeout()).isEqualTo(Duration.ofSeconds(5));
                    assertThat(properties.getWarmUpTimeout()).isEqualTo(Duration.ofSeconds(90));
                    assertThat(properties.getPoolSize()).isEqualTo(3);
                    assertThat(properties.getKeep()).isEqualTo(4);
                    assertThat(properties.getPinWarning()).isEqualTo(Duration.ofMinutes(2));
                    assertThat(properties.getDiskReserve()).isEqualTo(DataSize.ofMegabytes(10));
                    assertThat(properties.getMinUploadRate()).isEqualTo(DataSize.ofKilobytes(1));
                    assertThat(Files.exists(dir.resolve("hotswap.sock"))).as("no socket when disabled").isFalse();
                });
    }

    @Test
    void engineStartsWithTheContextAndClosesWithIt() {
        Path socket = dir.resolve("hotswap.sock");
        runner.withPropertyValues("hotswap.databases.production.path=" + production.file()).run(context -> {
            assertThat(context).hasSingleBean(Hotswap.class);
            assertThat(Files.exists(socket)).as("admin socket bound").isTrue();
            context.close();
            assertThat(Files.exists(socket)).as("admin socket removed").isFalse();
        });
    }

    @Test
    void theOnlyDatabaseIsThePrimaryDataSourceAndJdbcTemplateReadsIt() {
        runner.withPropertyValues("hotswap.databases.production.path=" + production.file()).run(context -> {
            assertThat(context).hasSingleBean(DataSource.class);
            assertThat(context.getBean("productionDataSource"))
                    .isSameAs(context.getBean(Hotswap.class).dataSource("production"));
            assertThat(context.getBeanFactory().getBeanDefinition("productionDataSource").isPrimary()).isTrue();
            assertThat(names(context.getBean(JdbcTemplate.class))).isEqualTo(production.text());
        });
    }

    @Test
    void primaryNamesTheDataSourceJdbcTemplateUsesAmongSeveral() {
        runner.withPropertyValues(
                "hotswap.databases.production.path=" + production.file(),
                "hotswap.databases.staging.path=" + staging.file(),
                "hotswap.primary=staging").run(context -> {
                    assertThat(context.getBeansOfType(DataSource.class))
                            .containsOnlyKeys("productionDataSource", "stagingDataSource");
                    assertThat(names(context.getBean(JdbcTemplate.class))).isEqualTo(staging.text());
                });
    }

    @Test
    void severalDatabasesWithoutPrimaryLeaveJdbcTemplateToTheApplication() {
        runner.withPropertyValues(
                "hotswap.databases.production.path=" + production.file(),
                "hotswap.databases.staging.path=" + staging.file()).run(context -> {
                    assertThat(context).hasNotFailed();
                    assertThat(context.getBeansOfType(DataSource.class)).hasSize(2);
                    assertThat(context).doesNotHaveBean(JdbcTemplate.class);
                });
    }

    @Test
    void refusesAPrimaryThatNamesNoDatabase() {
        runner.withPropertyValues(
                "hotswap.databases.production.path=" + production.file(),
                "hotswap.primary=staging").run(context -> assertThat(context).getFailure()
                        .hasMessage("hotswap.primary=staging names no database of hotswap.databases"
                                + " (configured: production)"));
    }

    @Test
    void refusesToStartWithoutADatabase() {
        runner.run(context -> assertThat(context).getFailure().hasRootCauseMessage(
                "hotswap: no database configured; set hotswap.databases.<name>.path (or hotswap.enabled=false)"));
    }

    @Test
    void refusalsNameThePropertyAtFault() {
        runner.withPropertyValues(
                "hotswap.databases.production.path=" + production.file(),
                "hotswap.pool-size=0").run(context -> assertThat(context).getFailure()
                        .hasRootCauseMessage("pool size 0 is outside 1..256")
                        .hasMessageContaining("hotswap.pool-size: pool size 0 is outside 1..256"));
    }

    @Test
    void createsAMissingDatabaseFileByDefault() {
        Path absent = dir.resolve("new/absent.sqlite3");
        runner.withPropertyValues("hotswap.databases.production.path=" + absent).run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(context.getBean(Hotswap.class).status().get(0).current().id()).isEqualTo(1);
            assertThat(context.getBean(JdbcTemplate.class).queryForObject("PRAGMA journal_mode", String.class))
                    .isEqualTo("wal");
        });
        assertThat(Files.exists(absent)).isTrue();
    }

    @Test
    void refusesAMissingDatabaseFileWhenCreateIfMissingIsOff() {
        Path absent = dir.resolve("absent.sqlite3");
        runner.withPropertyValues("hotswap.databases.production.path=" + absent,
                "hotswap.databases.production.create-if-missing=false")
                .run(context -> assertThat(context).getFailure().rootCause()
                        .hasMessage("database production: " + absent + " does not exist"));
        assertThat(Files.exists(absent)).isFalse();
    }

    /** What two @SpringBootTest contexts with the same configuration meet: each needs its own database and socket. */
    @Test
    void aSecondContextOnTheSameDatabaseOrSocketRefusesToStart() {
        ApplicationContextRunner same = runner.withPropertyValues("hotswap.databases.production.path=" + production.file());
        same.run(first -> {
            assertThat(first).hasNotFailed();
            same.run(second -> assertThat(second).getFailure().rootCause()
                    .hasMessage("a live server answers on " + dir.resolve("hotswap.sock") + "; refusing to start a second one"));
            same.withPropertyValues("hotswap.socket=" + dir.resolve("other.sock")).run(second -> assertThat(second)
                    .getFailure().rootCause().hasMessageStartingWith("database production: " + production.file()
                            + " is managed already by another engine in this process"));
        });
    }

    @Test
    void keepReachesTheEngineRollbackGoesAsFarBackAsItSays() {
        runner.withPropertyValues(
                "hotswap.databases.production.path=" + production.file(),
                "hotswap.keep=2").run(context -> {
                    Hotswap hotswap = context.getBean(Hotswap.class);
                    push(hotswap, staging.file());
                    push(hotswap, staging.file());
                    assertThat(hotswap.status().get(0).kept()).hasSize(2);
                    hotswap.rollback("production", OptionalLong.of(1));
                    assertThat(names(context.getBean(JdbcTemplate.class))).isEqualTo(production.text());
                });
    }

    @Test
    void refusalsOfTheGenerationsKnobsNameTheirProperty() {
        runner.withPropertyValues(
                "hotswap.databases.production.path=" + production.file(),
                "hotswap.pin-warning=10ms").run(context -> assertThat(context).getFailure()
                        .hasMessageContaining("hotswap.pin-warning: pin warning PT0.01S is outside 100 ms..1 day"));
    }

    @Test
    void isOffWhenDisabledAndBootsOwnDataSourceServes() {
        runner.withPropertyValues(
                "hotswap.enabled=false",
                "hotswap.databases.production.path=" + production.file(),
                "spring.datasource.url=jdbc:sqlite:" + staging.file()).run(context -> {
                    assertThat(context).hasNotFailed();
                    assertThat(context).doesNotHaveBean(Hotswap.class);
                    assertThat(context).doesNotHaveBean("productionDataSource");
                    assertThat(names(context.getBean(JdbcTemplate.class))).isEqualTo(staging.text());
                });
    }

    @Test
    void keepsTheApplicationsOwnEngine() {
        runner.withPropertyValues("hotswap.databases.production.path=" + production.file())
                .withUserConfiguration(OwnEngine.class).run(context -> {
                    Hotswap own = context.getBean("ownHotswap", Hotswap.class);
                    assertThat(context).hasSingleBean(Hotswap.class);
                    assertThat(context.getBean("productionDataSource")).isSameAs(own.dataSource("production"));
                });
    }

    @Test
    void keepsTheApplicationsBeanOfTheSameName() {
        runner.withPropertyValues("hotswap.databases.production.path=" + production.file())
                .withBean("productionDataSource", DataSource.class, () -> sqlite(staging.file())).run(context -> {
                    assertThat(context).hasSingleBean(DataSource.class);
                    assertThat(names(context.getBean(JdbcTemplate.class))).isEqualTo(staging.text());
                });
    }

    @Test
    void makesNoDataSourcePrimaryBesideTheApplicationsOwn() {
        runner.withPropertyValues("hotswap.databases.production.path=" + production.file())
                .withBean("reportingDataSource", DataSource.class, () -> sqlite(staging.file())).run(context -> {
                    assertThat(context.getBeansOfType(DataSource.class))
                            .containsOnlyKeys("reportingDataSource", "productionDataSource");
                    assertThat(context.getBeanFactory().getBeanDefinition("productionDataSource").isPrimary()).isFalse();
                    assertThat(context).doesNotHaveBean(JdbcTemplate.class);
                });
    }

    @Test
    void appliesSwapListenerAndCustomizerBeans() {
        List<String> heard = new CopyOnWriteArrayList<>();
        runner.withPropertyValues("hotswap.databases.production.path=" + production.file())
                .withBean(SwapListener.class, () -> outcome -> heard.add("listener: " + outcome.result() + " "
                        + outcome.database()))
                .withBean(HotswapBuilderCustomizer.class, () -> builder -> heard.add("customizer: called"))
                .run(context -> {
                    push(context.getBean(Hotswap.class), staging.file());
                    assertThat(heard).containsExactly("customizer: called", "listener: SWAPPED production");
                    assertThat(names(context.getBean(JdbcTemplate.class))).isEqualTo(staging.text());
                });
    }

    @Test
    void publishesMetadataForEveryProperty() throws Exception {
        String metadata;
        try (InputStream json = getClass().getResourceAsStream("/META-INF/spring-configuration-metadata.json")) {
            assertThat(json).as("generated by spring-boot-configuration-processor").isNotNull();
            metadata = new String(json.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        }
        for (String property : List.of("hotswap.enabled", "hotswap.databases", "hotswap.primary", "hotswap.socket",
                "hotswap.socket-enabled", "hotswap.allowed-uids", "hotswap.max-connections", "hotswap.idle-timeout",
                "hotswap.warm-up-timeout", "hotswap.pool-size", "hotswap.keep", "hotswap.pin-warning", "hotswap.disk-reserve",
                "hotswap.min-upload-rate")) {
            assertThat(metadata).contains("\"name\": \"" + property + "\"");
        }
    }

    private static void push(Hotswap hotswap, Path file) throws Exception {
        try (InputStream next = Files.newInputStream(file)) {
            hotswap.push("production", next, PushOptions.defaults());
        }
    }

    private static String names(JdbcTemplate jdbc) {
        return String.join(",", jdbc.queryForList("SELECT name FROM items ORDER BY id", String.class));
    }

    private static DataSource sqlite(Path file) {
        SQLiteDataSource dataSource = new SQLiteDataSource();
        dataSource.setUrl("jdbc:sqlite:" + file);
        return dataSource;
    }

    /** An application that builds its engine itself, from the same properties. */
    @Configuration(proxyBeanMethods = false)
    static class OwnEngine {
        @Bean(destroyMethod = "close")
        Hotswap ownHotswap(HotswapProperties properties) throws Exception {
            Map<String, HotswapProperties.Database> databases = properties.getDatabases();
            return Hotswap.builder().database("production", databases.get("production").getPath())
                    .socketEnabled(false).build().start();
        }
    }
}
