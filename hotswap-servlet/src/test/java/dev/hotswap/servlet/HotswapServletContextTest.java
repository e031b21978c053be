package dev.hotswap.servlet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hotswap.engine.Hotswap;
import dev.hotswap.engine.HotswapBuilder;
import dev.hotswap.engine.PushOptions;
import dev.hotswap.testkit.Dataset;
import dev.hotswap.testkit.LiveServer;
import dev.hotswap.testkit.TestRoutes;
import jakarta.servlet.Filter;
import jakarta.servlet.http.HttpServletResponse;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.catalina.Context;
import org.apache.catalina.Lifecycle;
import org.apache.catalina.startup.Tomcat;
import org.apache.tomcat.util.descriptor.web.FilterDef;
import org.apache.tomcat.util.descriptor.web.FilterMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link HotswapServletContext#install} on embedded Tomcat: the engine's lifecycle against the
 * connector's, where the filter goes in the chain, and what it refuses.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class HotswapServletContextTest {

    @Test
    void engineStartsBeforeTheConnectorAcceptsAndClosesBeforeItStops(@TempDir Path dir) throws Exception {
        Path socket = dir.resolve("hotswap.sock");
        Hotswap hotswap = engine(dir, socket);
        Tomcat tomcat = TomcatServer.local(dir.resolve("tomcat"));
        Context context = application(tomcat, hotswap);
        List<String> events = Collections.synchronizedList(new ArrayList<>());
        tomcat.getConnector().addLifecycleListener(event -> {
            if (event.getType().equals(Lifecycle.BEFORE_START_EVENT) || event.getType().equals(Lifecycle.BEFORE_STOP_EVENT)) {
                events.add(event.getType() + " connector, socket " + (Files.exists(socket) ? "bound" : "gone"));
            }
        });
        context.addServletContainerInitializer(
                (classes, servletContext) -> HotswapServletContext.install(servletContext, hotswap), null);

        whileRunning(tomcat, () -> {
                assertEquals(200, get(tomcat, "/items").statusCode(), "the application serves its database");
        });

        assertEquals(List.of("before_start connector, socket bound", "before_stop connector, socket gone"), events);
        assertThrows(IllegalStateException.class,
                () -> hotswap.push(LiveServer.DATABASE, new ByteArrayInputStream(new byte[0]), PushOptions.defaults()),
                "the engine is closed with the application");
    }

    @Test
    void filterRunsBeforeTheApplicationsDeclaredFilters(@TempDir Path dir) throws Exception {
        Hotswap hotswap = engine(dir, null);
        Tomcat tomcat = TomcatServer.local(dir.resolve("tomcat"));
        Context context = application(tomcat, hotswap);
        Filter reportsInFlight = (request, response, chain) -> {
            ((HttpServletResponse) response).setHeader("X-In-Flight", Long.toString(hotswap.gate().inFlight()));
            chain.doFilter(request, response);
        };
        FilterDef declared = new FilterDef();
        declared.setFilterName("declared");
        declared.setFilter(reportsInFlight);
        context.addFilterDef(declared);
        FilterMap mapping = new FilterMap();
        mapping.setFilterName("declared");
        mapping.addURLPattern("/*");
        context.addFilterMap(mapping);
        context.addServletContainerInitializer(
                (classes, servletContext) -> HotswapServletContext.install(servletContext, hotswap), null);

        whileRunning(tomcat, () -> {
                HttpResponse<String> response = get(tomcat, "/items");
                assertEquals(200, response.statusCode());
                assertEquals("1", response.headers().firstValue("X-In-Flight").orElseThrow(),
                        "the declared filter runs inside the gate");
        });
    }

    @Test
    void installRefusesASecondHotswapFilter(@TempDir Path dir) throws Exception {
        Hotswap hotswap = engine(dir, null);
        Tomcat tomcat = TomcatServer.local(dir.resolve("tomcat"));
        Context context = application(tomcat, hotswap);
        CompletableFuture<IllegalStateException> refused = new CompletableFuture<>();
        context.addServletContainerInitializer((classes, servletContext) -> {
            HotswapServletContext.install(servletContext, hotswap);
            refused.complete(assertThrows(IllegalStateException.class,
                    () -> HotswapServletContext.install(servletContext, hotswap)));
        }, null);

        whileRunning(tomcat, () -> {
                assertEquals("a filter named hotswap is already registered in the web application ''; install hotswap once",
                        refused.get().getMessage());
                assertEquals(200, get(tomcat, "/items").statusCode(), "the first installation stands");
        });
    }

    @Test
    void applicationDoesNotStartWhenTheEngineCannotStart(@TempDir Path dir) throws Exception {
        Hotswap hotswap = engine(dir, null);
        Files.delete(dir.resolve("live.sqlite3"));
        Tomcat tomcat = TomcatServer.local(dir.resolve("tomcat"));
        Context context = application(tomcat, hotswap);
        context.addServletContainerInitializer(
                (classes, servletContext) -> HotswapServletContext.install(servletContext, hotswap), null);

        whileRunning(tomcat, () -> {
                assertFalse(context.getState().isAvailable(), "context state " + context.getState());
                assertEquals(404, get(tomcat, "/items").statusCode(), "no application answers");
        });
    }

    /** What a test does to a running server. */
    private interface ServerCheck {
        void run() throws Exception;
    }

    /** Starts {@code tomcat}, runs {@code check}, and stops and destroys it whatever happened. */
    private static void whileRunning(Tomcat tomcat, ServerCheck check) throws Exception {
        tomcat.start();
        try {
            check.run();
        } finally {
            tomcat.stop();
            tomcat.destroy();
        }
    }

    /** An engine on {@code dir/live.sqlite3}, with its admin socket at {@code socket}, or none if null. */
    private static Hotswap engine(Path dir, Path socket) throws Exception {
        Path live = dir.resolve("live.sqlite3");
        Dataset.create(live, "old");
        HotswapBuilder builder = Hotswap.builder().database(LiveServer.DATABASE, live);
        return (socket == null ? builder.socketEnabled(false) : builder.socket(socket)).build();
    }

    /** The root web application: {@link TestApp} on {@code /*}. */
    private static Context application(Tomcat tomcat, Hotswap hotswap) {
        Context context = tomcat.addContext("", null);
        Tomcat.addServlet(context, "app",
                new ServletTestApp(new TestRoutes(hotswap.dataSource(LiveServer.DATABASE)), hotswap.gate()))
                .setAsyncSupported(true);
        context.addServletMapping("/*", "app");
        return context;
    }

    private static HttpResponse<String> get(Tomcat tomcat, String path) throws Exception {
        URI uri = URI.create("http://127.0.0.1:" + tomcat.getConnector().getLocalPort() + path);
        return LiveServer.client().send(HttpRequest.newBuilder(uri).timeout(java.time.Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
