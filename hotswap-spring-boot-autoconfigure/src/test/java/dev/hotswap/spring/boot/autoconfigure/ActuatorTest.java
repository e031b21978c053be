package dev.hotswap.spring.boot.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hotswap.engine.Hotswap;
import dev.hotswap.engine.PushOptions;
import dev.hotswap.micrometer.GenerationMetrics;
import dev.hotswap.micrometer.SwapMetrics;
import dev.hotswap.testkit.Dataset;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.actuate.autoconfigure.endpoint.EndpointAutoConfiguration;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;

/**
 * The health contributor, {@code /actuator/hotswap} and the meters in a context with Boot's own
 * Actuator and metrics auto-configuration; and none of them without those on the class path. (Over
 * HTTP, after a push through the CLI: the Spring demo's end-to-end tests.)
 */
class ActuatorTest {
    @TempDir
    Path dir;

    private Dataset next;
    private WebApplicationContextRunner runner;

    @BeforeEach
    void databases() throws Exception {
        Dataset production = Dataset.create(dir.resolve("production.sqlite3"), "production");
        next = Dataset.create(dir.resolve("next.sqlite3"), "next");
        runner = new WebApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(HotswapAutoConfiguration.class,
                        HotswapHealthAutoConfiguration.class, HotswapEndpointAutoConfiguration.class,
                        HotswapMetricsAutoConfiguration.class, EndpointAutoConfiguration.class,
                        MetricsAutoConfiguration.class, SimpleMetricsExportAutoConfiguration.class,
                        CompositeMeterRegistryAutoConfiguration.class))
                .withPropertyValues("hotswap.databases.production.path=" + production.file(),
                        "hotswap.socket-enabled=false", "management.endpoints.web.exposure.include=hotswap");
    }

    @Test
    void healthIsUpWithEachDatabasesGenerationKeptGenerationsRequestsAndLastSwap() {
        runner.run(context -> {
            HealthIndicator health = context.getBean("hotswapHealthIndicator", HealthIndicator.class);
            assertThat(health.health().getStatus()).isEqualTo(Status.UP);
            assertThat(details(health.health())).containsEntry("generation", 1L).containsEntry("lastSwap", null);

            push(context.getBean(Hotswap.class));
            Map<String, Object> production = details(health.health());
            assertThat(health.health().getStatus()).isEqualTo(Status.UP);
            assertThat(production).containsEntry("generation", 2L).containsEntry("kept", List.of(1L))
                    .containsEntry("requests", 0L);
            assertThat((DatabaseView.Swap) production.get("lastSwap")).extracting(DatabaseView.Swap::fromGeneration,
                    DatabaseView.Swap::toGeneration).containsExactly(1L, 2L);
        });
    }

    @Test
    void healthIsDownWhenTheCurrentGenerationsFileCannotBeRead() {
        runner.run(context -> {
            Hotswap hotswap = context.getBean(Hotswap.class);
            Files.delete(hotswap.status().get(0).current().file());
            Health health = context.getBean("hotswapHealthIndicator", HealthIndicator.class).health();
            assertThat(health.getStatus()).isEqualTo(Status.DOWN);
            assertThat(health.getDetails()).containsKey("unreadable");
        });
    }

    @Test
    void healthIsDownOnceTheEngineIsClosed() {
        runner.run(context -> {
            context.getBean(Hotswap.class).close();
            Health health = context.getBean("hotswapHealthIndicator", HealthIndicator.class).health();
            assertThat(health.getStatus()).isEqualTo(Status.DOWN);
            assertThat(health.getDetails().get("error").toString()).contains("not started (or closed)");
        });
    }

    @Test
    void endpointShowsEveryDatabaseItsGenerationsAndTheLastSwap() {
        runner.run(context -> {
            push(context.getBean(Hotswap.class));
            HotswapEndpoint endpoint = context.getBean(HotswapEndpoint.class);
            DatabaseView production = endpoint.databases().databases().get("production");
            assertThat(production.current().generation()).isEqualTo(2);
            assertThat(production.current().pauseMicros()).isNotNull();
            assertThat(production.kept()).extracting(DatabaseView.Generation::generation).containsExactly(1L);
            assertThat(production.lastSwap().toGeneration()).isEqualTo(2);
            assertThat(endpoint.database("production")).isEqualTo(production);
            assertThat(endpoint.database("staging")).isNull();
        });
    }

    @Test
    void endpointIsAbsentUnlessExposed() {
        runner.withPropertyValues("management.endpoints.web.exposure.include=health")
                .run(context -> assertThat(context).doesNotHaveBean(HotswapEndpoint.class));
    }

    @Test
    void metersAreBoundToBootsRegistryAndHearEverySwap() {
        runner.run(context -> {
            MeterRegistry registry = context.getBean(MeterRegistry.class);
            assertThat(registry.get(GenerationMetrics.GENERATION).tag("database", "production").gauge().value()).isEqualTo(1);
            push(context.getBean(Hotswap.class));
            assertThat(registry.get(SwapMetrics.SWAPS).tags("database", "production", "outcome", "swapped").counter().count())
                    .isEqualTo(1);
            assertThat(registry.get(GenerationMetrics.GENERATION).tag("database", "production").gauge().value()).isEqualTo(2);
        });
    }

    @Test
    void nothingOfItWithoutActuatorAndMicrometer() {
        runner.withClassLoader(new FilteredClassLoader(HealthIndicator.class, Endpoint.class, MeterBinder.class))
                .run(context -> {
                    assertThat(context).hasSingleBean(Hotswap.class);
                    assertThat(context).doesNotHaveBean(HotswapHealthIndicator.class);
                    assertThat(context).doesNotHaveBean(HotswapEndpoint.class);
                    assertThat(context).doesNotHaveBean(SwapMetrics.class);
                });
    }

    private void push(Hotswap hotswap) throws Exception {
        try (InputStream content = Files.newInputStream(next.file())) {
            hotswap.push("production", content, PushOptions.defaults());
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> details(Health health) {
        return (Map<String, Object>) health.getDetails().get("production");
    }
}
