package dev.hotswap.quarkus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hotswap.engine.Hotswap;
import dev.hotswap.engine.PushOptions;
import dev.hotswap.engine.SwapReport;
import dev.hotswap.micrometer.GenerationMetrics;
import dev.hotswap.micrometer.SwapMetrics;
import dev.hotswap.testkit.Await;
import dev.hotswap.testkit.Dataset;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.quarkus.test.QuarkusUnitTest;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The extension on its own in an application with Quarkus REST, SmallRye Health and Micrometer:
 * the configuration reaches the engine, the extension's gate pins each request, the DataSource beans,
 * the readiness check and the meters. One boot for the class; once the application has stopped,
 * {@link #stoppingTheApplicationClosesItsEngine()} checks what dev mode's live reload relies on.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class HotswapExtensionTest {
    private static final Path DIR = tempDir();
    private static final Dataset OLD = dataset("old.sqlite3", "old");
    private static final Dataset NEW = dataset("new.sqlite3", "new");
    private static final Path LIVE = copy(OLD.file(), DIR.resolve("production.sqlite3"));
    private static final Path SOCKET = DIR.resolve("s/hotswap.sock");

    @RegisterExtension
    static final QuarkusUnitTest QUARKUS = new QuarkusUnitTest()
            .overrideConfigKey(ParentFirst.PROPERTY, ParentFirst.ARTIFACTS)
            .withApplicationRoot(jar -> jar.addClasses(ExtensionResource.class, SimpleRegistry.class))
            .overrideConfigKey("quarkus.hotswap.databases.\"production\".path", LIVE.toString())
            .overrideConfigKey("quarkus.hotswap.socket", SOCKET.toString())
            .overrideConfigKey("quarkus.hotswap.keep", "3")
            .overrideConfigKey("quarkus.http.test-port", "0")
            .setAfterAllCustomizer(() -> {
                try {
                    stoppingTheApplicationClosesItsEngine();
                } catch (IOException | InterruptedException e) {
                    throw new IllegalStateException("checking the stopped application's engine", e);
                }
            });

    @Inject
    Hotswap hotswap;

    @Inject
    SimpleMeterRegistry registry;

    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    /**
     * Against the configuration rather than the statics: QuarkusUnitTest initializes this class twice
     * (JUnit's class loader, then Quarkus's), and the first made the temp folder the app runs on.
     */
    @Test
    void engineRunsAsConfiguredWithItsSocketBound() {
        Path socket = Path.of(ConfigProvider.getConfig().getValue("quarkus.hotswap.socket", String.class));
        assertEquals(socket, hotswap.socketPath());
        assertTrue(Files.exists(socket), "the admin socket is bound at " + socket);
        assertEquals(Path.of(ConfigProvider.getConfig().getValue("quarkus.hotswap.databases.\"production\".path",
                String.class)), hotswap.status().get(0).path());
    }

    @Test
    void requestKeepsItsGenerationThroughTheExtensionsGateAcrossASwap() throws Exception {
        CompletableFuture<HttpResponse<String>> held = client.sendAsync(get("/held"), HttpResponse.BodyHandlers.ofString());
        Await.await(ExtensionResource.HELD, Await.PATIENCE, "/held to read once");
        assertEquals(1, hotswap.gate().inFlight(), "the extension's gate pinned /held");

        SwapReport report = push(NEW);
        assertNull(report.released(), "/held still holds the old generation");
        assertEquals(NEW.text(), send("/items").body(), "a new request gets the new generation");
        ExtensionResource.RELEASE.countDown();

        HttpResponse<String> response = held.get(Await.PATIENCE.toSeconds(), TimeUnit.SECONDS);
        assertEquals(200, response.statusCode(), response.body());
        assertEquals(OLD.text() + "\n" + OLD.text(), response.body(), "both reads of the generation it entered on");
        Await.await(() -> hotswap.gate().inFlight() == 0, Await.PATIENCE, "/held to leave the gate");

        assertTrue(registry.get(SwapMetrics.SWAPS).counter().count() >= 1, "the swap was counted");
        assertEquals(report.toGeneration(), registry.get(GenerationMetrics.GENERATION).gauge().value());
    }

    @Test
    void readinessNamesTheCurrentGeneration() throws Exception {
        HttpResponse<String> ready = send("/q/health/ready");
        assertEquals(200, ready.statusCode(), ready.body());
        assertTrue(ready.body().contains("\"hotswap\"") && ready.body().contains("production.generation"), ready.body());
    }

    /**
     * Run by QuarkusUnitTest after the application stopped, in this JVM: the engine bean was closed
     * with it (socket file gone, no engine thread left), so a new engine binds the same socket and
     * opens the same database here at once. Dev mode's live reload is that stop and a new start in one
     * JVM, so each reload leaves one engine and one socket (as a DevModeReloadTest once showed through
     * a real reload, at the price of two more augmentations: about 85 s under load).
     */
    static void stoppingTheApplicationClosesItsEngine() throws IOException, InterruptedException {
        assertFalse(Files.exists(SOCKET), "the stopped application's engine removed its socket file");
        Await.await(() -> engineThreads() == 0, Await.PATIENCE, "the stopped engine's threads to end");
        try (Hotswap next = Hotswap.builder().database("production", LIVE).socket(SOCKET).build().start()) {
            assertEquals(SOCKET, next.socketPath());
            assertTrue(Files.exists(SOCKET), "a new engine in the same JVM binds the socket again");
            assertEquals(1, engineThreads("hotswap-admin-accept"), "one engine");
        }
    }

    private static long engineThreads() {
        return engineThreads("hotswap-");
    }

    /** Live threads whose name starts with {@code prefix}: the engine names all of its own "hotswap-...". */
    private static long engineThreads(String prefix) {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(thread -> thread.isAlive() && thread.getName().startsWith(prefix)).count();
    }

    private SwapReport push(Dataset dataset) throws Exception {
        try (InputStream content = Files.newInputStream(dataset.file())) {
            return hotswap.push("production", content, PushOptions.defaults());
        }
    }

    private HttpResponse<String> send(String path) throws IOException, InterruptedException {
        return client.send(get(path), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpRequest get(String path) {
        int port = ConfigProvider.getConfig().getValue("quarkus.http.test-port", Integer.class);
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(60)).build();
    }

    private static Path tempDir() {
        try {
            return Files.createTempDirectory("hotswap-quarkus");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Dataset dataset(String file, String prefix) {
        try {
            return Dataset.create(DIR.resolve(file), prefix);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Path copy(Path from, Path to) {
        try {
            return Files.copy(from, to);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
