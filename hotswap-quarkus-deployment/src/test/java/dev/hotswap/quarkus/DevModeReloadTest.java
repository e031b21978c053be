package dev.hotswap.quarkus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hotswap.testkit.Await;
import io.quarkus.test.QuarkusDevModeTest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Dev mode's live reload restarts the application in the same JVM: the old engine closes (its socket
 * file, its threads) before the new one starts, so a reload leaves one engine, one socket, bound.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class DevModeReloadTest {
    private static final Path DIR = tempDir();
    private static final Path SOCKET = DIR.resolve("s/hotswap.sock");
    private static final int PORT = freePort();

    @RegisterExtension
    static final QuarkusDevModeTest DEV = new QuarkusDevModeTest()
            .withApplicationRoot(jar -> jar.addClasses(ReloadResource.class).addAsResource(new org.jboss.shrinkwrap.api.asset.StringAsset(
                    "quarkus.hotswap.databases.production.path=" + DIR.resolve("production.sqlite3") + "\n"
                            + "quarkus.hotswap.databases.production.create-if-missing=true\n"
                            + "quarkus.hotswap.socket=" + SOCKET + "\n"
                            + "quarkus.http.port=" + PORT + "\n"), "application.properties"));

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    @Test
    void reloadClosesTheOldEngineAndItsSocketBeforeTheNewOneBinds() throws Exception {
        assertEquals("one", get("/reload"));
        assertTrue(Files.exists(SOCKET), "the engine's socket is bound");
        assertEquals(1, engines(), "one engine");

        DEV.modifySourceFile(ReloadResource.class, source -> source.replace("\"one\"", "\"two\""));
        assertEquals("two", get("/reload"), "dev mode reloaded the application");

        assertTrue(Files.exists(SOCKET), "the new engine bound the socket again");
        Await.await(() -> engines() == 1, Await.PATIENCE, "the old engine's threads to end, one engine left");
    }

    /** Live engines, by their admin socket's accept thread (one per started engine with a socket). */
    private static long engines() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(thread -> thread.isAlive() && thread.getName().equals("hotswap-admin-accept")).count();
    }

    private String get(String path) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + PORT + path))
                .timeout(Duration.ofSeconds(120)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), response.body());
        return response.body();
    }

    private static Path tempDir() {
        try {
            return Files.createTempDirectory("hotswap-quarkus-dev");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
