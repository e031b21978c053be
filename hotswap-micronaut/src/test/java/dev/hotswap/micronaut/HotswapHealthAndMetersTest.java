package dev.hotswap.micronaut;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import dev.hotswap.engine.Hotswap;
import dev.hotswap.micrometer.GenerationMetrics;
import dev.hotswap.micrometer.SwapMetrics;
import dev.hotswap.testkit.Dataset;
import io.micrometer.core.instrument.MeterRegistry;
import io.micronaut.context.ApplicationContext;
import io.micronaut.health.HealthStatus;
import io.micronaut.management.health.indicator.HealthResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The health indicator and the meters, in one application with micronaut-management and Micronaut Micrometer. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class HotswapHealthAndMetersTest {

    @Test
    void healthIsUpWithTheGenerationsThenDownWhenTheFileGoesOrTheEngineStops(@TempDir Path dir) throws Exception {
        Dataset live = Dataset.create(dir.resolve("main.sqlite3"), "live");
        Dataset next = Dataset.create(dir.resolve("next.sqlite3"), "next");
        try (ApplicationContext context = ApplicationContext.run(HotswapFactoryTest.database(live.file()))) {
            Hotswap hotswap = context.getBean(Hotswap.class);
            HotswapHealthIndicator health = context.getBean(HotswapHealthIndicator.class);
            MeterRegistry registry = context.getBean(MeterRegistry.class);

            HealthResult up = health.result();
            assertEquals(HealthStatus.UP, up.getStatus());
            assertEquals(Map.of("main", Map.of("generation", 1L, "kept", java.util.List.of(), "requests", 0L)),
                    up.getDetails());
            assertNotNull(registry.find(GenerationMetrics.GENERATION).gauge(), "the generation gauge is bound");

            HotswapFactoryTest.push(hotswap, next);
            assertEquals(1.0, registry.get(SwapMetrics.SWAPS).counter().count(), "the push was counted");
            assertEquals(2.0, registry.get(GenerationMetrics.GENERATION).gauge().value());

            Files.delete(hotswap.status().get(0).current().file());
            assertEquals(HealthStatus.DOWN, health.result().getStatus(), "the current file cannot be read");

            hotswap.close();
            assertEquals(HealthStatus.DOWN, health.result().getStatus(), "the engine is not running");
        }
    }
}
