package dev.hotswap.jetty;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.hotswap.engine.Hotswap;
import dev.hotswap.engine.PushOptions;
import dev.hotswap.engine.SwapGate;
import dev.hotswap.engine.SwapRefusedException;
import dev.hotswap.testkit.Dataset;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.NetworkConnector;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;

/**
 * A Jetty server on 127.0.0.1 and an ephemeral port, with the engine installed the way a host
 * application does it ({@link HotswapJetty#install}) in front of {@link TestApp}, two datasets in a
 * temp dir, the live database starting as a copy of {@link #oldData}, and an HTTP client.
 */
final class JettyFixture implements AutoCloseable {
    static final String DATABASE = "main";
    /** Long enough that only a deliberately held request makes a swap give up. */
    static final Duration PATIENT_DRAIN = Duration.ofSeconds(60);
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);

    final Dataset oldData;
    final Dataset newData;
    final Hotswap hotswap;
    final TestApp app;
    final Server server;
    final InterruptingHandler interrupting;
    private final HttpClient client;
    private final URI base;

    private JettyFixture(Dataset oldData, Dataset newData, Hotswap hotswap, TestApp app, Server server,
            InterruptingHandler interrupting) {
        this.oldData = oldData;
        this.newData = newData;
        this.hotswap = hotswap;
        this.app = app;
        this.server = server;
        this.interrupting = interrupting;
        this.client = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(REQUEST_TIMEOUT)
                .build();
        int port = ((NetworkConnector) server.getConnectors()[0]).getLocalPort();
        this.base = URI.create("http://127.0.0.1:" + port);
    }

    /** Starts a server whose engine gives up a swap when requests do not drain within {@code drainTimeout}. */
    static JettyFixture start(Path dir, Duration drainTimeout) throws Exception {
        return start(dir, drainTimeout, false);
    }

    /** Like {@link #start(Path, Duration)}, with both datasets in WAL mode if {@code wal}. */
    static JettyFixture start(Path dir, Duration drainTimeout, boolean wal) throws Exception {
        Dataset oldData = Dataset.create(dir.resolve("old.sqlite3"), "old", wal);
        Dataset newData = Dataset.create(dir.resolve("new.sqlite3"), "new", wal);
        Path live = dir.resolve("live.sqlite3");
        Files.copy(oldData.file(), live);
        Hotswap hotswap = Hotswap.builder()
                .database(DATABASE, live)
                .drainTimeout(drainTimeout)
                .socketEnabled(false)
                .build();
        TestApp app = new TestApp(() -> hotswap.dataSource(DATABASE));
        Server server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);
        server.setHandler(app);
        HotswapJetty.install(server, hotswap);
        InterruptingHandler interrupting = new InterruptingHandler();
        server.insertHandler(interrupting);
        server.start();
        return new JettyFixture(oldData, newData, hotswap, app, server, interrupting);
    }

    SwapGate gate() {
        return hotswap.gate();
    }

    HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return client.send(request(path).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    CompletableFuture<HttpResponse<String>> getAsync(String path) {
        return client.sendAsync(request(path).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> post(String path) throws IOException, InterruptedException {
        return client.send(request(path).POST(HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** Swaps {@code dataset} in through the engine's in-process push, every check on. */
    void swapTo(Dataset dataset) throws IOException, SwapRefusedException {
        try (InputStream content = Files.newInputStream(dataset.file())) {
            hotswap.push(DATABASE, content, PushOptions.defaults());
        }
    }

    /** What {@code GET /items} answers now. */
    String items() throws IOException, InterruptedException {
        HttpResponse<String> response = get("/items");
        assertEquals(200, response.statusCode(), response::body);
        return response.body();
    }

    /**
     * Waits until no request is in the gate, then asserts exactly zero: a leaked enter stays above
     * zero, a double leave below, so either fails here instead of passing by luck.
     */
    void awaitGateEmpty() throws InterruptedException {
        long deadline = System.nanoTime() + REQUEST_TIMEOUT.toNanos();
        while (gate().inFlight() != 0 && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertEquals(0, gate().inFlight(), "requests in the gate");
    }

    /** Waits until a swap holds the gate closed. */
    void awaitGateClosed() throws InterruptedException {
        while (!gate().isClosed()) {
            Thread.sleep(1);
        }
    }

    private HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(base.resolve(path)).timeout(REQUEST_TIMEOUT);
    }

    @Override
    public void close() {
        app.releaseAll();
        try {
            server.stop();
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            throw new IllegalStateException("stopping " + server + " failed", e);
        }
    }

    /**
     * Sits in front of the gate and interrupts the handling thread of {@code /interrupted} requests,
     * as a container shutting down would; records whether the thread was still interrupted after the
     * gate had handled the request.
     */
    static final class InterruptingHandler extends Handler.Wrapper {
        /** Whether the thread was still interrupted when the gate returned; completed once. */
        final CompletableFuture<Boolean> leftInterrupted = new CompletableFuture<>();

        @Override
        public boolean handle(Request request, Response response, Callback callback) throws Exception {
            if (!request.getHttpURI().getPath().equals("/interrupted")) {
                return super.handle(request, response, callback);
            }
            Thread.currentThread().interrupt();
            try {
                return super.handle(request, response, callback);
            } finally {
                leftInterrupted.complete(Thread.interrupted());
            }
        }
    }
}
