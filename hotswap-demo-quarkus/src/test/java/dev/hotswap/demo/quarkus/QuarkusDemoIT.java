package dev.hotswap.demo.quarkus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hotswap.demo.core.Items;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bin/hotswap-demo --server quarkus} as a user runs it, driven by the jlink CLI: it serves the
 * sample rows, takes a push and a rollback while its background writer writes, refuses what the
 * extension cannot do, and stops cleanly on SIGTERM, its socket file gone.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class QuarkusDemoIT {
    private static final Path ROOT = Path.of(System.getProperty("hotswap.root", "..")).toAbsolutePath().normalize();
    private static final Path CLI = ROOT.resolve("hotswap-cli/target/hotswap/bin/hotswap");
    private static final Pattern LISTENING = Pattern.compile("listening on http://127\\.0\\.0\\.1:(\\d+)");

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    @Test
    void servesTakesAPushAndARollbackThroughTheCliAndStopsCleanly(@TempDir Path dir) throws Exception {
        Path db = dir.resolve("db/production.sqlite3");
        Path socket = dir.resolve("hotswap.sock");
        Process demo = new ProcessBuilder(ROOT.resolve("bin/hotswap-demo").toString(), "--server", "quarkus",
                "--port", "0", "--db", db.toString(), "--socket", socket.toString(), "--background-writer")
                .directory(dir.toFile()).redirectError(dir.resolve("demo.stderr").toFile()).start();
        try (BufferedReader stdout = new BufferedReader(new InputStreamReader(demo.getInputStream(), StandardCharsets.UTF_8))) {
            String line = stdout.readLine();
            Matcher listening = line == null ? null : LISTENING.matcher(line);
            assertTrue(listening != null && listening.matches(),
                    () -> "listening line, got " + line + "\n" + read(dir.resolve("demo.stderr")));
            URI base = URI.create("http://127.0.0.1:" + listening.group(1));
            assertTrue(Files.exists(socket), "the admin socket is bound before the listening line");
            assertEquals("ok", get(base, "/health"));
            assertTrue(get(base, "/items").startsWith("[\"apple\",\"banana\",\"cherry\""), get(base, "/items"));

            Path next = dir.resolve("next.sqlite3");
            Items.create(next, List.of("durian", "elderberry"));
            assertEquals(0, cli(dir, "cp", next.toString(), db.toString()), "push");
            assertTrue(get(base, "/items").startsWith("[\"durian\",\"elderberry\""), "the pushed rows are served");
            assertEquals(0, cli(dir, "rollback", "production"), "rollback");
            assertTrue(get(base, "/items").startsWith("[\"apple\",\"banana\",\"cherry\""), "the first rows again");

            demo.toHandle().destroy(); // SIGTERM
            assertTrue(demo.waitFor(60, TimeUnit.SECONDS), "the demo stops on SIGTERM");
            String stopped = stdout.readLine();
            assertFalse(Files.exists(socket), "socket file removed on stop");
            assertTrue(stopped != null && stopped.matches("stopped; background writer: [1-9][0-9]* rows written, 0 failed"),
                    "the writer wrote across the push and the rollback without a failure: " + stopped);
        } finally {
            demo.destroyForcibly();
        }
    }

    @Test
    void refusesAGateBaselineWithAUsageError(@TempDir Path dir) throws Exception {
        Process demo = new ProcessBuilder(ROOT.resolve("bin/hotswap-demo").toString(), "--server", "quarkus",
                "--gate", "mutex").directory(dir.toFile()).redirectErrorStream(true).start();
        assertTrue(demo.waitFor(30, TimeUnit.SECONDS));
        String output = new String(demo.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(2, demo.exitValue(), output);
        assertTrue(output.startsWith("ERROR: --gate mutex works with --server jetty, undertow or tomcat, not quarkus"), output);
    }

    private String get(URI base, String path) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), path + ": " + response.body());
        return response.body();
    }

    private static int cli(Path dir, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(CLI.toString()));
        command.addAll(List.of(args));
        command.addAll(List.of("--socket", dir.resolve("hotswap.sock").toString()));
        Process cli = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(dir.resolve("cli.out").toFile()).start();
        assertTrue(cli.waitFor(60, TimeUnit.SECONDS), "the CLI ends");
        return cli.exitValue();
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            return "(" + e + ")";
        }
    }
}
