package dev.hotswap.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * kill -9 at each step of a push and of an adoption, in a process of its own: after a restart the
 * live path resolves to a complete generation (the old one before the link was replaced, the new one
 * after), nothing half-written is served, and what the crash left is cleaned up.
 */
@Timeout(120)
class CrashTest {
    private final EngineFixture fixture = new EngineFixture();
    private Process child;

    @AfterEach
    void cleanUp() throws IOException {
        if (child != null) {
            child.destroyForcibly();
        }
        fixture.close();
    }

    @ParameterizedTest(name = "killed at {0} -> version {1} after a restart")
    @CsvSource({
        "adoption-linked, 1",
        "received, 1",
        "staged, 1",
        "linked, 2",
        "recorded, 2",
        "flipped, 2",
    })
    void restartAfterKillAtEachStepServesOneCompleteGeneration(String step, int version) throws Exception {
        Path live = fixture.versioned("production.sqlite3", true, 1, 500);
        Path incoming = fixture.versioned("incoming.sqlite3", true, 2, 700);

        killAt(step, live, incoming);

        try (Hotswap hotswap = fixture.builder(live).socketEnabled(false).build().start()) {
            try (Connection c = hotswap.dataSource("production").getConnection()) {
                assertEquals(List.of("ok"), EngineFixture.query(c, "PRAGMA integrity_check"));
                assertEquals(List.of(Integer.toString(version)), EngineFixture.query(c, "SELECT version FROM meta"));
                assertEquals(List.of(Integer.toString(version == 1 ? 500 : 700)),
                        EngineFixture.query(c, "SELECT count(*) FROM items"));
            }
            assertTrue(Files.isSymbolicLink(live), "the live path is a link to a generation");
            assertEquals(List.of(), EngineFixture.temps(fixture.dir), "temp files are gone");
            List<Long> expected = version == 1 ? List.of(1L) : List.of(1L, 2L);
            assertEquals(expected, fixture.generations("production.sqlite3"),
                    "only generations that went live are left");
            DatabaseStatus status = hotswap.status().get(0);
            assertEquals(version, status.current().id());
            assertEquals(version == 2 ? List.of(1L) : List.of(), status.kept().stream().map(GenerationStatus::id).toList());

            // And the engine goes on: the next push lands as the next generation.
            try (var content = Files.newInputStream(fixture.versioned("v3.sqlite3", true, 3, 10))) {
                assertEquals(version + 1, hotswap.push("production", content, PushOptions.defaults()).toGeneration());
            }
        }
    }

    /** Runs {@link CrashChild} until it says it reached {@code step}, then kills it with SIGKILL. */
    private void killAt(String step, Path live, Path incoming) throws Exception {
        String classPath = String.join(File.pathSeparator, pathOf("jdk.module.path"), pathOf("java.class.path"));
        child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", classPath, CrashChild.class.getName(), live.toString(), incoming.toString(), step)
                .redirectError(fixture.dir.resolve("child.log").toFile())
                .start();
        List<String> said = new ArrayList<>();
        CompletableFuture<Boolean> reached = CompletableFuture.supplyAsync(() -> {
            try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = out.readLine()) != null;) {
                    said.add(line);
                    if (line.equals("at " + step)) {
                        return true;
                    }
                }
                return false;
            } catch (IOException e) {
                return false;
            }
        });
        boolean atStep = reached.get(60, TimeUnit.SECONDS);
        assertTrue(atStep, () -> "the child never reached " + step + "; it said " + said + "; stderr: " + log());
        child.destroyForcibly(); // SIGKILL: no shutdown hook, no finally block runs
        assertTrue(child.waitFor(30, TimeUnit.SECONDS), "the killed child exits");
        assertEquals(137, child.exitValue(), "killed by SIGKILL");
    }

    private String log() {
        try {
            return Files.readString(fixture.dir.resolve("child.log"));
        } catch (IOException e) {
            return e.toString();
        }
    }

    private static String pathOf(String property) {
        String value = System.getProperty(property);
        return value == null ? "" : value;
    }
}
