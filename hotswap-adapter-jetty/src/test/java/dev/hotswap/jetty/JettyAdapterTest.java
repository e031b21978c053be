package dev.hotswap.jetty;

import dev.hotswap.engine.Hotswap;
import dev.hotswap.testkit.AdapterContract;
import dev.hotswap.testkit.Ending;
import dev.hotswap.testkit.RunningServer;
import dev.hotswap.testkit.TestRoutes;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/** The adapter contract on Jetty: {@link HotswapJetty#install} in front of {@link JettyTestApp}. */
class JettyAdapterTest extends AdapterContract {

    @Override
    protected RunningServer start(Hotswap hotswap, TestRoutes app) throws Exception {
        Server server = localServer();
        server.setHandler(new JettyTestApp(app));
        HotswapJetty.install(server, hotswap);
        server.start();
        return new RunningServer(((ServerConnector) server.getConnectors()[0]).getLocalPort(), server::stop);
    }

    @Override
    protected int status(Ending ending) {
        return switch (ending) {
            case THROWS, FAILS -> HttpStatus.INTERNAL_SERVER_ERROR_500;
            case RESPONDS_THEN_THROWS -> HttpStatus.NO_CONTENT_204;
            case DECLINES -> HttpStatus.NOT_FOUND_404;
        };
    }

    /** A server with one connector on 127.0.0.1 and an ephemeral port, not started, without a handler. */
    static Server localServer() {
        Server server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);
        return server;
    }
}
