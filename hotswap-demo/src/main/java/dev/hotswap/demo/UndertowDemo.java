package dev.hotswap.demo;

import dev.hotswap.demo.core.Items;
import dev.hotswap.engine.Hotswap;
import dev.hotswap.undertow.HotswapHandler;
import io.undertow.Undertow;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.server.handlers.BlockingHandler;
import io.undertow.util.Headers;
import io.undertow.util.Methods;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Semaphore;

/** The demo app on Undertow. */
final class UndertowDemo implements DemoServer {
    private final Undertow server;

    UndertowDemo(Hotswap hotswap, Items items, int port, GateMode gate) {
        HttpHandler app = new Routes(items);
        HttpHandler gated = switch (gate) {
            case HOTSWAP -> new HotswapHandler(hotswap.gate(), app);
            case MUTEX -> new Mutex(app);
            case OFF -> app;
        };
        // The routes run JDBC, which blocks: never on an XNIO I/O thread, which serves many
        // connections. BlockingHandler dispatches each exchange to a worker thread first, and the gate
        // runs there too, so that the request's pin is bound on the thread that takes its connections.
        HttpHandler root = new BlockingHandler(gated);
        server = Undertow.builder().addHttpListener(port, "127.0.0.1").setHandler(root).build();
        server.start();
    }

    @Override
    public int port() {
        return ((InetSocketAddress) server.getListenerInfo().get(0).getAddress()).getPort();
    }

    @Override
    public void close() {
        server.stop();
    }

    /** GET /health, GET /items, POST /items; runs on a worker thread in blocking mode. */
    private static final class Routes implements HttpHandler {
        private final Items items;

        Routes(Items items) {
            this.items = items;
        }

        @Override
        public void handleRequest(HttpServerExchange exchange) throws Exception {
            String path = exchange.getRelativePath();
            if (path.equals("/health") && exchange.getRequestMethod().equals(Methods.GET)) {
                reply(exchange, 200, "text/plain", "ok");
            } else if (path.equals("/items") && exchange.getRequestMethod().equals(Methods.GET)) {
                reply(exchange, 200, "application/json", Items.json(items.names()));
            } else if (path.equals("/items") && exchange.getRequestMethod().equals(Methods.POST)) {
                items.add(new String(exchange.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
                reply(exchange, 201, "text/plain", "created");
            } else {
                reply(exchange, 404, "text/plain", "not found");
            }
        }

        private static void reply(HttpServerExchange exchange, int status, String type, String body) {
            exchange.setStatusCode(status);
            exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, type + "; charset=utf-8");
            exchange.getResponseSender().send(body, StandardCharsets.UTF_8);
        }
    }

    /**
     * The Ruby original's gate: one request at a time. Releasing when the route returns is right here
     * only because every demo route finishes its database work before returning.
     */
    private static final class Mutex implements HttpHandler {
        private final Semaphore lock = new Semaphore(1);
        private final HttpHandler next;

        Mutex(HttpHandler next) {
            this.next = next;
        }

        @Override
        public void handleRequest(HttpServerExchange exchange) throws Exception {
            lock.acquire();
            try {
                next.handleRequest(exchange);
            } finally {
                lock.release();
            }
        }
    }
}
