package dev.hotswap.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A Spring Boot application on the starter with a SQL check in its properties, driven by the jlink
 * CLI: a refused check (dry run and push alike), a dry run that passes and changes nothing, a skipped
 * check, and a rollback that no check stops.
 */
@Timeout(120)
class SpringChecksIT {
    private static final String REFUSAL = "ERROR: check has-items refused: SELECT count(*) > 0 FROM items returned 0\n";

    @TempDir
    Path dir;

    @Test
    void propertyCheckRefusesDryRunsChangeNothingAndSkipAndRollbackWork() throws Exception {
        Path empty = DemoFiles.database(dir.resolve("empty.sqlite3"), List.of());
        Path next = DemoFiles.database(dir.resolve("next.sqlite3"), List.of("kiwi"));
        // Boot reads it as properties: hotswap.databases.production.checks.has-items=SELECT ...
        Map<String, String> environment = Map.of("SPRING_APPLICATION_JSON", "{\"hotswap.databases.production.checks"
                + ".has-items\": \"SELECT count(*) > 0 FROM items\"}");
        try (DemoProcess demo = DemoProcess.start(Server.SPRING, dir, environment)) {
            DemoProcess.CliResult dryRefused = demo.cli("cp", empty.toString(), "production", "--dry-run");
            assertEquals(1, dryRefused.exit(), dryRefused.stderr());
            assertTrue(dryRefused.stderr().endsWith(REFUSAL), dryRefused.stderr());
            DemoProcess.CliResult refused = demo.cli("cp", empty.toString(), "production");
            assertEquals(1, refused.exit(), refused.stderr());
            assertTrue(refused.stderr().endsWith(REFUSAL), refused.stderr());

            DemoProcess.CliResult dryRun = demo.cli("cp", next.toString(), "production", "--dry-run");
            dryRun.assertOk();
            assertTrue(dryRun.stderr().contains("\ncheck has-items "), dryRun.stderr());
            assertEquals(List.of("1 current"), demo.generations(), "no dry run or refusal made a generation");
            assertEquals(DemoFiles.SEED, demo.items());
            assertEquals(List.of(), DemoFiles.leftovers(demo.db, DemoFiles.folder(demo.db)));

            demo.cli("cp", empty.toString(), "production", "--skip-check", "has-items").assertOk();
            assertEquals(List.of(), demo.items());
            demo.cli("rollback", "production").assertOk();
            assertEquals(DemoFiles.SEED, demo.items());
        }
    }
}
