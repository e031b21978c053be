package dev.hotswap.spring.boot.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hotswap.engine.Hotswap;
import dev.hotswap.engine.HotswapBuilder;
import dev.hotswap.engine.PushOptions;
import dev.hotswap.engine.Rollouts;
import dev.hotswap.engine.StagedGeneration;
import dev.hotswap.engine.SwapRefusedException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.Banner;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.availability.ApplicationAvailability;
import org.springframework.boot.availability.ReadinessState;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;

/**
 * The application's readiness while the engine catches up with its fleet at start. The fleet is a
 * {@link Rollouts} of the test's own, as the hotswap-fleet module (and its object store) is no
 * dependency here: its {@code start} does what a fleet node's catch-up does, a real stage and
 * activation of the fleet's newer file on the started engine, and notes the readiness state the
 * application reports meanwhile.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class StartupReadinessTest {

    @Test
    void readinessRefusesTrafficWhileTheEngineCatchesUpAtStartAndAcceptsItAfter(@TempDir Path dir) throws Exception {
        try (ConfigurableApplicationContext context = application().run(arguments(dir))) {
            CatchUp catchUp = context.getBean(CatchUp.class);
            assertThat(catchUp.seen).as("readiness during the catch-up").containsExactly(ReadinessState.REFUSING_TRAFFIC);
            assertThat(context.getBean(ApplicationAvailability.class).getReadinessState())
                    .isEqualTo(ReadinessState.ACCEPTING_TRAFFIC);
            assertThat(context.getBean(Hotswap.class).status().get(0).current().id()).as("caught up").isEqualTo(2);
        }
    }

    /**
     * An engine made after the application is ready (a bean created on first use): the starter's own
     * engine never is, since Boot's task executor, metrics and health take it while the context
     * refreshes, even under {@code spring.main.lazy-initialization}; so this one is started by hand
     * in the running application, the way the starter starts its own.
     */
    @Test
    void anEngineStartedAfterTheApplicationIsReadyRefusesTrafficUntilCaughtUp(@TempDir Path dir) throws Exception {
        try (ConfigurableApplicationContext context = application().run(arguments(dir))) {
            ApplicationAvailability availability = context.getBean(ApplicationAvailability.class);
            assertThat(availability.getReadinessState()).isEqualTo(ReadinessState.ACCEPTING_TRAFFIC);
            Path later = dir.resolve("later");
            Files.createDirectory(later);
            CatchUp catchUp = new CatchUp(database(later.resolve("fleet-current.sqlite3"), 2),
                    context.getBeanProvider(ApplicationAvailability.class));
            HotswapBuilder builder = Hotswap.builder().database("production", database(later.resolve("production.sqlite3"), 1))
                    .socketEnabled(false).rollouts(catchUp);

            try (Hotswap hotswap = StartupReadiness.start(builder, context, availability)) {
                assertThat(catchUp.seen).as("readiness during the catch-up").containsExactly(ReadinessState.REFUSING_TRAFFIC);
                assertThat(availability.getReadinessState()).isEqualTo(ReadinessState.ACCEPTING_TRAFFIC);
                assertThat(hotswap.status().get(0).current().id()).as("caught up").isEqualTo(2);
            }
        }
    }

    private static String[] arguments(Path dir, String... more) throws Exception {
        Path live = database(dir.resolve("production.sqlite3"), 1);
        Path newer = database(dir.resolve("fleet-current.sqlite3"), 2);
        List<String> arguments = new java.util.ArrayList<>(List.of("--hotswap.databases.production.path=" + live,
                "--hotswap.socket-enabled=false", "--spring.flyway.enabled=false", "--fleet.file=" + newer));
        arguments.addAll(List.of(more));
        return arguments.toArray(String[]::new);
    }

    private static Path database(Path file, int version) throws Exception {
        try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + file);
                Statement statement = connection.createStatement()) {
            statement.execute("CREATE TABLE meta (version INTEGER NOT NULL)");
            statement.execute("INSERT INTO meta VALUES (" + version + ")");
        }
        return file;
    }

    private static SpringApplication application() {
        SpringApplication application = new SpringApplication(ReadinessApplication.class);
        application.setBannerMode(Banner.Mode.OFF);
        application.setLogStartupInfo(false);
        application.setWebApplicationType(WebApplicationType.NONE);
        return application;
    }

    /** A fleet whose committed rollout is a newer file than the server's: its start flips to it. */
    static final class CatchUp implements Rollouts {
        final List<ReadinessState> seen = new CopyOnWriteArrayList<>();
        private final Path fleetFile;
        private final ObjectProvider<ApplicationAvailability> availability;

        CatchUp(Path fleetFile, ObjectProvider<ApplicationAvailability> availability) {
            this.fleetFile = fleetFile;
            this.availability = availability;
        }

        @Override
        public void start(Hotswap engine) throws IOException {
            seen.add(availability.getObject().getReadinessState());
            try (InputStream content = Files.newInputStream(fleetFile);
                    StagedGeneration staged = engine.stage("production", content, PushOptions.defaults(), "r-2")) {
                engine.activate(staged);
            } catch (SwapRefusedException e) {
                throw new IOException(e.getMessage(), e);
            }
        }

        @Override
        public Result push(StagedGeneration staged, Nodes nodes, Consumer<String> report) {
            staged.close();
            return new Result(false, "ERROR: no rollouts in this test");
        }

        @Override
        public Result rollback(String database, Optional<String> toRollout, Nodes nodes, Consumer<String> report) {
            return new Result(false, "ERROR: no rollouts in this test");
        }

        @Override
        public void close() {
        }
    }

    @SpringBootConfiguration
    @EnableAutoConfiguration
    static class ReadinessApplication {

        @Bean
        CatchUp catchUp(org.springframework.core.env.Environment environment,
                ObjectProvider<ApplicationAvailability> availability) {
            return new CatchUp(Path.of(environment.getRequiredProperty("fleet.file")), availability);
        }

        @Bean
        HotswapBuilderCustomizer fleet(CatchUp catchUp) {
            return builder -> builder.rollouts(catchUp);
        }
    }
}
