package dev.hotswap.micrometer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hotswap.engine.Hotswap;
import dev.hotswap.engine.Pin;
import dev.hotswap.engine.PushOptions;
import dev.hotswap.engine.SwapRefusedException;
import dev.hotswap.testkit.Dataset;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The meters on a real engine and Micrometer's {@link SimpleMeterRegistry}, without Spring: what a
 * push, a refused push and a rollback record, and what the gauges read.
 */
class MetricsTest {
    @TempDir
    Path dir;

    @Test
    void countsAndTimesEveryPushAndRollbackByDatabaseAndOutcome() throws Exception {
        MeterRegistry registry = new SimpleMeterRegistry();
        SwapMetrics swaps = new SwapMetrics();
        swaps.bindTo(registry);
        Dataset next = Dataset.create(dir.resolve("next.sqlite3"), "next");
        try (Hotswap hotswap = engine(swaps)) {
            push(hotswap, Files.readAllBytes(next.file()));
            assertThrows(SwapRefusedException.class, () -> push(hotswap, "not a database".getBytes()));
            hotswap.rollback("production", OptionalLong.empty());

            assertEquals(2, registry.get(SwapMetrics.SWAPS).tags("database", "production", "outcome", "swapped")
                    .counter().count(), "the push and the rollback");
            assertEquals(1, registry.get(SwapMetrics.SWAPS).tags("database", "production", "outcome", "refused")
                    .counter().count());
            assertNull(registry.find(SwapMetrics.SWAPS).tags("outcome", "failed").counter(), "nothing failed");

            Timer pause = registry.get(SwapMetrics.PAUSE).tags("database", "production").timer();
            assertEquals(2, pause.count(), "a pause per swap that went live");
            assertTrue(pause.max(TimeUnit.MICROSECONDS) >= 0);
            assertEquals(1, registry.get(SwapMetrics.PUSH_DURATION).tags("outcome", "swapped").timer().count());
            assertEquals(1, registry.get(SwapMetrics.PUSH_DURATION).tags("outcome", "refused").timer().count());
            assertTrue(registry.get(SwapMetrics.PUSH_DURATION).tags("outcome", "swapped").timer()
                    .totalTime(TimeUnit.NANOSECONDS) > 0, "a push takes time");
        }
    }

    @Test
    void gaugesReadTheCurrentGenerationAndTheRequestsInFlight() throws Exception {
        MeterRegistry registry = new SimpleMeterRegistry();
        Dataset next = Dataset.create(dir.resolve("next.sqlite3"), "next");
        Hotswap hotswap = engine(new SwapMetrics());
        new GenerationMetrics(hotswap).bindTo(registry);
        try (hotswap) {
            assertEquals(1, gauge(registry, GenerationMetrics.GENERATION));
            assertEquals(0, gauge(registry, GenerationMetrics.IN_FLIGHT));

            Pin pin = hotswap.gate().enter();
            try {
                assertEquals(1, gauge(registry, GenerationMetrics.IN_FLIGHT));
                push(hotswap, Files.readAllBytes(next.file()));
                assertEquals(2, gauge(registry, GenerationMetrics.GENERATION));
                assertEquals(1, gauge(registry, GenerationMetrics.IN_FLIGHT), "still pinned to generation 1");
            } finally {
                pin.leave();
            }
            assertEquals(0, gauge(registry, GenerationMetrics.IN_FLIGHT));
        }
        assertTrue(Double.isNaN(gauge(registry, GenerationMetrics.GENERATION)), "no value once the engine is closed");
    }

    @Test
    void refusesToBindBeforeTheEngineStarts() throws Exception {
        Dataset.create(dir.resolve("production.sqlite3"), "old");
        Hotswap unstarted = Hotswap.builder().database("production", dir.resolve("production.sqlite3"))
                .socketEnabled(false).build();
        assertThrows(IllegalStateException.class, () -> new GenerationMetrics(unstarted).bindTo(new SimpleMeterRegistry()));
    }

    private Hotswap engine(SwapMetrics swaps) throws Exception {
        Path live = dir.resolve("production.sqlite3");
        Dataset.create(live, "old");
        return Hotswap.builder().database("production", live).socketEnabled(false).listener(swaps).build().start();
    }

    private static void push(Hotswap hotswap, byte[] file) throws Exception {
        try (InputStream content = new ByteArrayInputStream(file)) {
            hotswap.push("production", content, PushOptions.defaults());
        }
    }

    private static double gauge(MeterRegistry registry, String name) {
        return registry.get(name).tags("database", "production").gauge().value();
    }
}
