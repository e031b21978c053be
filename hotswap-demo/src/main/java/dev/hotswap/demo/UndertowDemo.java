package dev.hotswap.demo;

import dev.hotswap.engine.Hotswap;
import dev.hotswap.undertow.HotswapHandler;
import io.undertow.Undertow;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
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
        HttpHandler root = switch (gate) {
            case HOTSWAP -> new HotswapHandler(hotswap.gate(), app);
            case MUTEX -> new Mutex(app);
            case OFF -> new Blocking(app);
        };
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

    /** GET /health, GET /items, POST /items; runs on a worker thread (the gates dispatch first). */
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
                exchange.startBlocking();
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

    /** Moves the request off the I/O thread, where blocking database work must not run. */
    private static class Blocking implements HttpHandler {
        private final HttpHandler next;

        Blocking(HttpHandler next) {
            this.next = next;
        }

        @Override
        public void handleRequest(HttpServerExchange exchange) throws Exception {
            if (exchange.isInIoThread()) {
                exchange.dispatch(this);
                return;
            }
            handleBlocking(exchange);
        }

        void handleBlocking(HttpServerExchange exchange) throws Exception {
            next.handleRequest(exchange);
        }
    }

    /**
     * The Ruby original's gate: one request at a time. Releasing when the route returns is right here
     * only because every demo route finishes its database work before returning.
     */
    private static final class Mutex extends Blocking {
        private final Semaphore lock = new Semaphore(1);

        Mutex(HttpHandler next) {
            super(next);
        }

        @Override
        void handleBlocking(HttpServerExchange exchange) throws Exception {
            lock.acquire();
            try {
                super.handleBlocking(exchange);
            } finally {
                lock.release();
            }
        }
    }
}
