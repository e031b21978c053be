package dev.hotswap.demo;

import dev.hotswap.demo.core.Items;
import dev.hotswap.engine.Hotswap;
import dev.hotswap.jetty.HotswapHandler;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Semaphore;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;

/** The demo app on Jetty 12. */
final class JettyDemo implements DemoServer {
    private final Server server;
    private final ServerConnector connector;

    JettyDemo(Hotswap hotswap, Items items, int port, GateMode gate) throws Exception {
        server = new Server();
        connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        connector.setPort(port);
        server.addConnector(connector);
        Handler app = new Routes(items);
        server.setHandler(switch (gate) {
            case HOTSWAP -> new HotswapHandler(hotswap.gate(), app);
            case MUTEX -> new Mutex(app);
            case OFF -> app;
        });
        server.start();
    }

    @Override
    public int port() {
        return connector.getLocalPort();
    }

    @Override
    public void close() throws java.io.IOException {
        try {
            server.stop();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("interrupted while stopping Jetty");
        } catch (Exception e) {
            throw new java.io.IOException("stopping Jetty", e);
        }
    }

    /** GET /health, GET /items, POST /items. Every route completes its callback before returning. */
    private static final class Routes extends Handler.Abstract {
        private final Items items;

        Routes(Items items) {
            super(InvocationType.BLOCKING);
            this.items = items;
        }

        @Override
        public boolean handle(Request request, Response response, Callback callback) throws Exception {
            String path = Request.getPathInContext(request);
            String method = request.getMethod();
            if (path.equals("/health") && method.equals("GET")) {
                reply(response, callback, HttpStatus.OK_200, "text/plain", "ok");
            } else if (path.equals("/items") && method.equals("GET")) {
                reply(response, callback, HttpStatus.OK_200, "application/json", Items.json(items.names()));
            } else if (path.equals("/items") && method.equals("POST")) {
                items.add(Content.Source.asString(request, StandardCharsets.UTF_8));
                reply(response, callback, HttpStatus.CREATED_201, "text/plain", "created");
            } else {
                return false;
            }
            return true;
        }

        private static void reply(Response response, Callback callback, int status, String type, String body) {
            response.setStatus(status);
            response.getHeaders().put(HttpHeader.CONTENT_TYPE, type + "; charset=utf-8");
            Content.Sink.write(response, true, body, callback);
        }
    }

    /**
     * The Ruby original's gate: one request at a time. Releasing when {@code handle} returns is right
     * here only because every demo route finishes its work before returning.
     */
    private static final class Mutex extends Handler.Wrapper {
        private final Semaphore lock = new Semaphore(1);

        Mutex(Handler handler) {
            super(handler);
        }

        @Override
        public boolean handle(Request request, Response response, Callback callback) throws Exception {
            lock.acquire();
            try {
                return super.handle(request, response, callback);
            } finally {
                lock.release();
            }
        }

        @Override
        public InvocationType getInvocationType() {
            return InvocationType.BLOCKING;
        }
    }
}
