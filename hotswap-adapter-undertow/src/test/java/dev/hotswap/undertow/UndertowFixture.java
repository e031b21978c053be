package dev.hotswap.undertow;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.hotswap.engine.Hotswap;
import dev.hotswap.engine.PushOptions;
import dev.hotswap.engine.SwapGate;
import dev.hotswap.engine.SwapRefusedException;
import dev.hotswap.testkit.Dataset;
import io.undertow.Undertow;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * An Undertow server on 127.0.0.1 and an ephemeral port, started with {@link HotswapUndertow}: the
 * {@link HotswapHandler} in front of {@link TestApp}, behind an {@link InterruptingHandler}; two
 * datasets in a temp dir, the live database starting as a copy of {@link #oldData}; an HTTP client.
 */
final class UndertowFixture implements AutoCloseable {
    static final String DATABASE = "main";
    /** Long enough that only a deliberately held request makes a swap give up. */
    static final Duration PATIENT_DRAIN = Duration.ofSeconds(60);
    /** Worker threads: more than the clients of any test plus its held requests. */
    static final int WORKERS = 16;
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);

    final Dataset oldData;
    final Dataset newData;
    final TestApp app;
    final InterruptingHandler interrupting;
    final HotswapUndertow running;
    private final HttpClient client;
    private final URI base;

    private UndertowFixture(Dataset oldData, Dataset newData, TestApp app, InterruptingHandler interrupting,
            HotswapUndertow running) {
        this.oldData = oldData;
        this.newData = newData;
        this.app = app;
        this.interrupting = interrupting;
        this.running = running;
        this.client = client();
        this.base = baseUri(running.undertow());
    }

    /** Starts a server whose engine gives up a swap when requests do not drain within {@code drainTimeout}. */
    static UndertowFixture start(Path dir, Duration drainTimeout) throws Exception {
        return start(dir, drainTimeout, false);
    }

    /** Like {@link #start(Path, Duration)}, with both datasets in WAL mode if {@code wal}. */
    static UndertowFixture start(Path dir, Duration drainTimeout, boolean wal) throws Exception {
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
        InterruptingHandler interrupting = new InterruptingHandler(new HotswapHandler(hotswap.gate(), app));
        Undertow undertow = localServer().setHandler(interrupting).build();
        return new UndertowFixture(oldData, newData, app, interrupting, HotswapUndertow.start(undertow, hotswap));
    }

    /** A builder for a server on 127.0.0.1 and an ephemeral port, with {@link #WORKERS} workers. */
    static Undertow.Builder localServer() {
        return Undertow.builder().addHttpListener(0, "127.0.0.1").setIoThreads(2).setWorkerThreads(WORKERS);
    }

    static HttpClient client() {
        return HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(REQUEST_TIMEOUT)
                .build();
    }

    static URI baseUri(Undertow undertow) {
        InetSocketAddress address = (InetSocketAddress) undertow.getListenerInfo().get(0).getAddress();
        return URI.create("http://127.0.0.1:" + address.getPort());
    }

    Hotswap hotswap() {
        return running.hotswap();
    }

    SwapGate gate() {
        return running.hotswap().gate();
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
            hotswap().push(DATABASE, content, PushOptions.defaults());
        }
    }

    /** What {@code GET /items} answers now. */
    String items() throws IOException, InterruptedException {
        HttpResponse<String> response = get("/items");
        assertEquals(200, response.statusCode(), response::body);
        return response.body();
    }

    /**
     * Waits until no exchange is in the gate, then asserts exactly zero: a leaked enter stays above
     * zero, a double leave below, so either fails here instead of passing by luck.
     */
    void awaitGateEmpty() throws InterruptedException {
        long deadline = System.nanoTime() + REQUEST_TIMEOUT.toNanos();
        while (gate().inFlight() != 0 && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertEquals(0, gate().inFlight(), "exchanges in the gate");
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
        running.close();
    }

    /**
     * Sits in front of the gate and interrupts the worker thread of {@code /interrupted} requests, as
     * a pool shutting down would; records whether the thread was still interrupted after the gate had
     * handled the exchange.
     */
    static final class InterruptingHandler implements HttpHandler {
        private final HttpHandler next;
        /** Whether the thread was still interrupted when the gate returned; completed once. */
        final CompletableFuture<Boolean> leftInterrupted = new CompletableFuture<>();

        InterruptingHandler(HttpHandler next) {
            this.next = next;
        }

        @Override
        public void handleRequest(HttpServerExchange exchange) throws Exception {
            if (!exchange.getRequestPath().equals("/interrupted")) {
                next.handleRequest(exchange);
            } else if (exchange.isInIoThread()) {
                exchange.dispatch(this);
            } else {
                Thread.currentThread().interrupt();
                try {
                    next.handleRequest(exchange);
                } finally {
                    leftInterrupted.complete(Thread.interrupted());
                }
            }
        }
    }
}
