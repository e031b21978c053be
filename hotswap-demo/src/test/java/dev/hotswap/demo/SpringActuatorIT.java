package dev.hotswap.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a Spring Boot application on the starter shows of a push through the jlink CLI, over HTTP:
 * {@code /actuator/hotswap}, the {@code hotswap} health contributor and the {@code hotswap.*} meters.
 */
@Timeout(120)
class SpringActuatorIT {
    @TempDir
    Path dir;

    @Test
    void actuatorShowsThePushItsGenerationsHealthAndMetrics() throws Exception {
        Path next = DemoFiles.database(dir.resolve("next.sqlite3"), List.of("kiwi"));
        Path other = dir.resolve("other.sqlite3");
        DemoFiles.sql(other, "CREATE TABLE items(id INTEGER PRIMARY KEY, name TEXT, price REAL)");
        try (DemoProcess demo = DemoProcess.start(Server.SPRING, dir)) {
            demo.cli("cp", next.toString(), "production").assertOk();
            assertEquals(1, demo.cli("cp", other.toString(), "production").exit(), "a schema mismatch is refused");

            String hotswap = read(demo, "/actuator/hotswap");
            assertContains(hotswap, "\"production\":{\"path\":\"" + demo.db + "\"");
            assertContains(hotswap, "\"current\":{\"generation\":2,");
            assertContains(hotswap, "\"kept\":[{\"generation\":1,");
            assertContains(hotswap, "\"lastSwap\":{\"fromGeneration\":1,\"toGeneration\":2,");
            assertEquals(404, demo.get("/actuator/hotswap/staging").statusCode(), "no such database");

            String health = read(demo, "/actuator/health");
            assertTrue(health.startsWith("{\"components\":") && health.endsWith("\"status\":\"UP\"}"), health);
            assertContains(health, "\"hotswap\":{\"details\":{\"production\":{\"generation\":2,\"kept\":[1],");
            assertContains(health, "\"toGeneration\":2,");

            assertContains(read(demo, "/actuator/metrics/hotswap.swaps?tag=outcome:swapped"),
                    "\"measurements\":[{\"statistic\":\"COUNT\",\"value\":1.0}]");
            assertContains(read(demo, "/actuator/metrics/hotswap.swaps?tag=outcome:refused"),
                    "\"measurements\":[{\"statistic\":\"COUNT\",\"value\":1.0}]");
            assertContains(read(demo, "/actuator/metrics/hotswap.generation?tag=database:production"),
                    "\"measurements\":[{\"statistic\":\"VALUE\",\"value\":2.0}]");
            assertContains(read(demo, "/actuator/metrics/hotswap.swap.pause"), "{\"statistic\":\"COUNT\",\"value\":1.0}");
            assertContains(read(demo, "/actuator/metrics/hotswap.push.duration"), "{\"statistic\":\"COUNT\",\"value\":2.0}");
            assertEquals(List.of("kiwi"), demo.items());
        }
    }

    private static String read(DemoProcess demo, String path) throws Exception {
        HttpResponse<String> response = demo.get(path);
        assertEquals(200, response.statusCode(), path + ": " + response.body());
        return response.body();
    }

    private static void assertContains(String text, String part) {
        assertTrue(text.contains(part), () -> "expected " + part + " in " + text);
    }
}
