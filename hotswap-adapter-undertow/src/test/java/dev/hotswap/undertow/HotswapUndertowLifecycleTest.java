package dev.hotswap.undertow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.hotswap.engine.Hotswap;
import dev.hotswap.testkit.Dataset;
import dev.hotswap.testkit.LiveServer;
import io.undertow.Undertow;
import io.undertow.server.HttpHandler;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@link HotswapUndertow}: the engine runs exactly while the server does, also when starting fails. */
class HotswapUndertowLifecycleTest {

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void engineServesWhileTheServerRunsAndClosesAfterIt(@TempDir Path dir) throws Exception {
        Dataset data = Dataset.create(dir.resolve("live.sqlite3"), "old");
        Hotswap hotswap = engine(data.file());
        HttpHandler app = exchange -> exchange.getResponseSender().send(Dataset.readItems(
                hotswap.dataSource(LiveServer.DATABASE)) + "; " + hotswap.gate().inFlight() + " in flight on "
                + (exchange.isInIoThread() ? "an I/O thread" : "a worker thread"));
        HttpClient client = LiveServer.client();

        URI items;
        try (HotswapUndertow running = HotswapUndertow.start(UndertowAdapterTest.localServer(), app, hotswap)) {
            items = URI.create("http://127.0.0.1:" + UndertowAdapterTest.port(running.undertow()) + "/items");
            HttpResponse<String> response = client.send(get(items), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, response.statusCode());
            assertEquals(data.text() + "; 1 in flight on an I/O thread", response.body(),
                    "the one-liner puts the gate in front, which dispatches nothing");
        }

        assertThrows(IOException.class, () -> client.send(get(items), HttpResponse.BodyHandlers.ofString()),
                "the server stopped");
        assertThrows(SQLException.class, () -> Dataset.readItems(hotswap.dataSource(LiveServer.DATABASE)),
                "the engine closed");
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void engineIsClosedWhenTheServerCannotStart(@TempDir Path dir) throws Exception {
        Hotswap hotswap = engine(Dataset.create(dir.resolve("live.sqlite3"), "old").file());
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            Undertow.Builder builder = Undertow.builder().addHttpListener(taken.getLocalPort(), "127.0.0.1");

            assertThrows(RuntimeException.class, () -> HotswapUndertow.start(builder, exchange -> { }, hotswap));
        }
        assertThrows(IllegalStateException.class, hotswap::start, "the engine was started, then closed");
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void serverIsNotStartedWhenTheEngineCannotStart(@TempDir Path dir) throws Exception {
        Hotswap hotswap = engine(dir.resolve("missing.sqlite3"));
        Undertow undertow = UndertowAdapterTest.localServer()
                .setHandler(new HotswapHandler(hotswap.gate(), exchange -> { }))
                .build();

        assertThrows(IOException.class, () -> HotswapUndertow.start(undertow, hotswap));
        assertThrows(IllegalStateException.class, undertow::getListenerInfo, "never started");
    }

    private static Hotswap engine(Path live) {
        return Hotswap.builder()
                .database(LiveServer.DATABASE, live)
                .socketEnabled(false)
                .build();
    }

    private static HttpRequest get(URI uri) {
        return HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).GET().build();
    }
}
