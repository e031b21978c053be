package dev.hotswap.undertow;

import dev.hotswap.engine.Hotswap;
import dev.hotswap.testkit.LiveServer;
import io.undertow.Undertow;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * An Undertow server on 127.0.0.1 and an ephemeral port, started with {@link HotswapUndertow}: the
 * {@link HotswapHandler} in front of {@link TestApp}, behind an {@link InterruptingHandler}; what the
 * tests do to it comes from {@link LiveServer}.
 */
final class UndertowFixture extends LiveServer {
    /** Worker threads: more than the clients of any test plus its held requests. */
    static final int WORKERS = 16;

    final TestApp app;
    final InterruptingHandler interrupting;
    final HotswapUndertow running;

    private UndertowFixture(Engine engine, TestApp app, InterruptingHandler interrupting, HotswapUndertow running) {
        super(engine, port(running.undertow()));
        this.app = app;
        this.interrupting = interrupting;
        this.running = running;
    }

    /** Starts a server whose engine gives up a swap when requests do not drain within {@code drainTimeout}. */
    static UndertowFixture start(Path dir, Duration drainTimeout) throws Exception {
        return start(dir, drainTimeout, false);
    }

    /** Like {@link #start(Path, Duration)}, with both datasets in WAL mode if {@code wal}. */
    static UndertowFixture start(Path dir, Duration drainTimeout, boolean wal) throws Exception {
        Engine engine = prepare(dir, drainTimeout, wal);
        Hotswap hotswap = engine.hotswap();
        TestApp app = new TestApp(() -> hotswap.dataSource(DATABASE));
        InterruptingHandler interrupting = new InterruptingHandler(new HotswapHandler(hotswap.gate(), app));
        Undertow undertow = localServer().setHandler(interrupting).build();
        return new UndertowFixture(engine, app, interrupting, HotswapUndertow.start(undertow, hotswap));
    }

    /** A builder for a server on 127.0.0.1 and an ephemeral port, with {@link #WORKERS} workers. */
    static Undertow.Builder localServer() {
        return Undertow.builder().addHttpListener(0, "127.0.0.1").setIoThreads(2).setWorkerThreads(WORKERS);
    }

    static URI baseUri(Undertow undertow) {
        return URI.create("http://127.0.0.1:" + port(undertow));
    }

    private static int port(Undertow undertow) {
        return ((InetSocketAddress) undertow.getListenerInfo().get(0).getAddress()).getPort();
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
