package dev.hotswap.jetty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hotswap.engine.Hotswap;
import dev.hotswap.engine.SwapGate;
import dev.hotswap.testkit.Dataset;
import dev.hotswap.testkit.LiveServer;
import dev.hotswap.testkit.TestRoutes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.component.LifeCycle;
import org.eclipse.jetty.util.thread.Invocable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link HotswapJetty#install}: what it puts where, the lifecycle order, and what it refuses; and the
 * handler's invocation type.
 */
class HotswapJettyInstallTest {

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void engineStartsBeforeTheConnectorAcceptsAndStopsAfterItCloses(@TempDir Path dir) throws Exception {
        Hotswap hotswap = engine(dir);
        Server server = JettyAdapterTest.localServer();
        Connector connector = server.getConnectors()[0];
        JettyTestApp app = app(hotswap);
        server.setHandler(app);

        HotswapHandler handler = HotswapJetty.install(server, hotswap);

        assertSame(handler, server.getHandler(), "the gate is the server's handler");
        assertSame(app, handler.getHandler(), "the application is behind the gate");
        EngineLifeCycle engine = server.getBean(EngineLifeCycle.class);
        assertTrue(server.isManaged(engine), "the engine is a managed bean");
        List<String> events = Collections.synchronizedList(new ArrayList<>());
        LifeCycle.Listener recorder = new LifeCycle.Listener() {
            @Override
            public void lifeCycleStarted(LifeCycle component) {
                events.add(name(component) + " started");
            }

            @Override
            public void lifeCycleStopped(LifeCycle component) {
                events.add(name(component) + " stopped");
            }
        };
        engine.addEventListener(recorder);
        connector.addEventListener(recorder);

        server.start();
        assertEquals(Dataset.create(dir.resolve("expected.sqlite3"), "old").text(),
                Dataset.readItems(hotswap.dataSource(LiveServer.DATABASE)),
                "the engine serves its database while the server runs");
        server.stop();

        assertEquals(List.of("engine started", "connector started", "connector stopped", "engine stopped"),
                events);
        assertThrows(IllegalStateException.class, server::start, "an engine starts once");
        assertFalse(connector.isRunning(), "no connector accepts without the engine");
    }

    @Test
    void installRefusesARunningServer(@TempDir Path dir) throws Exception {
        Server server = JettyAdapterTest.localServer();
        Hotswap hotswap = engine(dir);
        server.setHandler(app(hotswap));
        server.start();
        try {
            IllegalStateException refused = assertThrows(IllegalStateException.class,
                    () -> HotswapJetty.install(server, hotswap));
            assertEquals("server is STARTED; install hotswap before starting it", refused.getMessage());
        } finally {
            server.stop();
        }
    }

    @Test
    void installRefusesAServerWithoutAHandler(@TempDir Path dir) throws Exception {
        Server server = new Server();
        IllegalStateException refused = assertThrows(IllegalStateException.class,
                () -> HotswapJetty.install(server, engine(dir)));
        assertTrue(refused.getMessage().startsWith("server has no handler"), refused.getMessage());
    }

    @Test
    void installRefusesTheSameEngineTwice(@TempDir Path dir) throws Exception {
        Server server = new Server();
        Hotswap hotswap = engine(dir);
        server.setHandler(app(hotswap));
        HotswapJetty.install(server, hotswap);

        IllegalStateException refused = assertThrows(IllegalStateException.class,
                () -> HotswapJetty.install(server, hotswap));
        assertTrue(refused.getMessage().contains("already installed"), refused.getMessage());
        assertInstanceOf(HotswapHandler.class, server.getHandler());
        assertInstanceOf(JettyTestApp.class, ((HotswapHandler) server.getHandler()).getHandler(),
                "one gate, not two");
    }

    /** Entering never waits, so the gate does not make Jetty dispatch a non-blocking handler. */
    @Test
    void gateTakesTheInvocationTypeOfTheHandlerItWraps(@TempDir Path dir) throws Exception {
        Handler nonBlocking = new Handler.Abstract.NonBlocking() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) {
                return false;
            }
        };
        SwapGate gate = engine(dir).gate();

        assertEquals(Invocable.InvocationType.NON_BLOCKING, new HotswapHandler(gate, nonBlocking).getInvocationType());
        assertEquals(Invocable.InvocationType.BLOCKING, new HotswapHandler(gate, app(engine(dir))).getInvocationType());
    }

    private static Hotswap engine(Path dir) throws Exception {
        Path live = dir.resolve("live.sqlite3");
        if (!Files.exists(live)) {
            Dataset.create(live, "old");
        }
        return Hotswap.builder()
                .database(LiveServer.DATABASE, live)
                .socketEnabled(false)
                .build();
    }

    private static JettyTestApp app(Hotswap hotswap) {
        return new JettyTestApp(new TestRoutes(hotswap.dataSource(LiveServer.DATABASE)));
    }

    private static String name(LifeCycle component) {
        return component instanceof Connector ? "connector" : "engine";
    }
}
