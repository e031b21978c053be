package dev.hotswap.jetty;

import dev.hotswap.engine.Hotswap;
import dev.hotswap.testkit.LiveServer;
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
 * application does it ({@link HotswapJetty#install}) in front of {@link TestApp}; what the tests do
 * to it comes from {@link LiveServer}.
 */
final class JettyFixture extends LiveServer {
    final TestApp app;
    final Server server;
    final InterruptingHandler interrupting;

    private JettyFixture(Engine engine, TestApp app, Server server, InterruptingHandler interrupting) {
        super(engine, ((NetworkConnector) server.getConnectors()[0]).getLocalPort());
        this.app = app;
        this.server = server;
        this.interrupting = interrupting;
    }

    /** Starts a server whose engine gives up a swap when requests do not drain within {@code drainTimeout}. */
    static JettyFixture start(Path dir, Duration drainTimeout) throws Exception {
        return start(dir, drainTimeout, false);
    }

    /** Like {@link #start(Path, Duration)}, with both datasets in WAL mode if {@code wal}. */
    static JettyFixture start(Path dir, Duration drainTimeout, boolean wal) throws Exception {
        Engine engine = prepare(dir, drainTimeout, wal);
        Hotswap hotswap = engine.hotswap();
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
        return new JettyFixture(engine, app, server, interrupting);
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
