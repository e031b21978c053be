package dev.hotswap.jetty;

import dev.hotswap.engine.Hotswap;
import java.util.Objects;
import org.eclipse.jetty.server.Server;

/**
 * Installs the hotswap engine into a Jetty {@link Server} in one line:
 * <pre>{@code
 * server.setHandler(app);
 * HotswapJetty.install(server, hotswap);
 * server.start();
 * }</pre>
 */
public final class HotswapJetty {
    private HotswapJetty() {
    }

    /**
     * Makes {@code hotswap} part of {@code server}: the engine becomes a managed bean, started with the
     * server before its connectors accept and stopped with it after they have closed (do not start or
     * close it yourself), and a {@link HotswapHandler} on the engine's gate goes in front of the
     * server's handler. A server stopped this way cannot be started again with the same engine.
     *
     * @return the inserted handler, now the server's handler
     * @throws IllegalStateException if the server is already running, has no handler yet (set it
     *     first: a handler set afterwards would replace the gate), or has {@code hotswap} already
     */
    public static HotswapHandler install(Server server, Hotswap hotswap) {
        Objects.requireNonNull(server, "server");
        Objects.requireNonNull(hotswap, "hotswap");
        if (server.isRunning()) {
            throw new IllegalStateException("server is " + server.getState()
                    + "; install hotswap before starting it");
        }
        if (server.getHandler() == null) {
            throw new IllegalStateException("server has no handler; set it before installing hotswap,"
                    + " since a handler set afterwards would replace the gate");
        }
        if (server.getBeans(EngineLifeCycle.class).stream().anyMatch(bean -> bean.manages(hotswap))) {
            throw new IllegalStateException("hotswap " + hotswap + " is already installed on " + server);
        }
        server.addBean(new EngineLifeCycle(hotswap), true);
        HotswapHandler handler = new HotswapHandler(hotswap.gate());
        server.insertHandler(handler);
        return handler;
    }
}
