package dev.hotswap.demo.micronaut;

import dev.hotswap.demo.core.DemoSettings;
import dev.hotswap.demo.core.EngineRefusal;
import dev.hotswap.engine.Hotswap;
import dev.hotswap.micronaut.HotswapServerFilter;
import io.micronaut.context.ApplicationContext;
import io.micronaut.http.server.netty.NettyEmbeddedServer;
import io.micronaut.runtime.server.EmbeddedServer;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Runs the demo's {@link ItemsController} as a Micronaut application for hotswap-demo, the command
 * line's options passed as properties: its engine is hotswap-micronaut's, built from
 * {@code hotswap.*}, and lives and dies with the application context.
 */
public final class MicronautDemo implements AutoCloseable {
    /**
     * Micronaut's and Netty's INFO lines at start and stop; the demo's output is its listening line,
     * and the engine's log. Held here so that the setting is not collected with the loggers.
     */
    private static final Logger QUIET = Logger.getLogger("io.micronaut");

    private final ApplicationContext context;
    private final EmbeddedServer server;

    private MicronautDemo(ApplicationContext context, EmbeddedServer server) {
        this.context = context;
        this.server = server;
    }

    /**
     * Starts the application; the engine has started, and its socket is bound, when this returns.
     *
     * @param settings what to serve
     * @param gate whether hotswap-micronaut's filter pins requests (false: the benchmark's no-gate baseline)
     * @throws IOException if the engine cannot start (a dangling link, another engine on the file)
     */
    public static MicronautDemo start(DemoSettings settings, boolean gate) throws IOException {
        QUIET.setLevel(Level.WARNING);
        Map<String, Object> properties = new LinkedHashMap<>();
        properties.put("micronaut.server.host", "127.0.0.1");
        // Micronaut reads port -1 as "any free one".
        properties.put("micronaut.server.port", settings.port() == 0 ? -1 : settings.port());
        properties.put("hotswap.databases." + settings.database() + ".path", settings.db().toString());
        properties.put("hotswap.socket", settings.socket().toString());
        properties.put("hotswap.keep", settings.keep());
        properties.put(HotswapServerFilter.ENABLED, gate);
        ApplicationContext context = null;
        try {
            // hotswap-demo stops the server, its background job and then the engine, in that order.
            context = ApplicationContext.builder().properties(properties).deduceEnvironment(false)
                    .bootstrapEnvironment(false).start();
            EmbeddedServer server = context.getBean(EmbeddedServer.class).start();
            return new MicronautDemo(context, server);
        } catch (RuntimeException e) {
            if (context != null) {
                context.close();
            }
            throw EngineRefusal.in(e).orElseThrow(() -> e);
        }
    }

    /** The port the web server listens on. */
    public int port() {
        return server.getPort();
    }

    /** hotswap-micronaut's engine. */
    public Hotswap hotswap() {
        return context.getBean(Hotswap.class);
    }

    /**
     * Stops the web server only: no request is served or in flight after this. Not
     * {@code EmbeddedServer.stop()}, which stops the application context too, and so the engine,
     * under the demo's background job.
     */
    public void stopServing() {
        if (server instanceof NettyEmbeddedServer netty) {
            netty.stopServerOnly();
        } else {
            server.stop();
        }
    }

    /** Closes the application context, and so the engine (its socket file removed). */
    @Override
    public void close() {
        context.close();
    }
}
