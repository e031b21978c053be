package dev.hotswap.demo;

import dev.hotswap.demo.core.Items;
import dev.hotswap.engine.Hotswap;
import dev.hotswap.servlet.HotswapServletContext;
import jakarta.servlet.Filter;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.Comparator;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Stream;
import org.apache.catalina.Context;
import org.apache.catalina.LifecycleException;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.core.StandardContext;
import org.apache.catalina.startup.Tomcat;
import org.apache.tomcat.util.descriptor.web.FilterDef;
import org.apache.tomcat.util.descriptor.web.FilterMap;

/** The demo app on embedded Tomcat 11, as a servlet behind the hotswap filter. */
final class TomcatDemo implements DemoServer {
    /**
     * Tomcat logs every start and stop step at INFO through java.util.logging; the demo's output is
     * its listening line. Held here so that the setting is not collected with the logger.
     */
    private static final Logger TOMCAT_LOG = Logger.getLogger("org.apache");

    private final Tomcat tomcat;
    private final Path baseDir;

    TomcatDemo(Hotswap hotswap, Items items, int port, GateMode gate) throws IOException, LifecycleException {
        TOMCAT_LOG.setLevel(Level.WARNING);
        // Tomcat's scratch directory, under the working directory's tmp/ beside the default socket
        // rather than in /tmp: what a kill -9 leaves behind stays with the app.
        baseDir = Files.createTempDirectory(Files.createDirectories(Path.of("tmp")), "tomcat");
        tomcat = new Tomcat();
        tomcat.setBaseDir(baseDir.toString());
        Connector connector = new Connector();
        connector.setPort(port);
        connector.setProperty("address", "127.0.0.1");
        tomcat.setConnector(connector);
        Context context = tomcat.addContext("", null);
        if (context instanceof StandardContext standard) {
            // Leak detection for redeployed web applications: this one is never redeployed, and the
            // checks want --add-opens, which they ask for on every stop.
            standard.setClearReferencesThreadLocals(false);
            standard.setClearReferencesRmiTargets(false);
        }
        Tomcat.addServlet(context, "routes", new Routes(items));
        context.addServletMapping("/*", "routes");
        switch (gate) {
            // The engine is started and closed by Demo, so only the filter goes in.
            case HOTSWAP -> context.addServletContainerInitializer(
                    (classes, servletContext) -> HotswapServletContext.addFilter(servletContext, hotswap.gate()), null);
            case MUTEX -> addFilter(context, "mutex", new ServletMutex());
            case OFF -> { }
        }
        try {
            tomcat.start();
            if (!context.getState().isAvailable()) {
                throw new IOException("the demo application did not start on Tomcat (state " + context.getState() + ")");
            }
        } catch (IOException | LifecycleException | RuntimeException e) {
            close();
            throw e;
        }
    }

    @Override
    public int port() {
        return tomcat.getConnector().getLocalPort();
    }

    @Override
    public void close() throws IOException {
        try {
            tomcat.stop();
            tomcat.destroy();
        } catch (LifecycleException e) {
            throw new IOException("stopping Tomcat", e);
        } finally {
            try (Stream<Path> files = Files.walk(baseDir)) {
                for (Path file : (Iterable<Path>) files.sorted(Comparator.reverseOrder())::iterator) {
                    Files.deleteIfExists(file);
                }
            }
        }
    }

    private static void addFilter(Context context, String name, Filter filter) {
        FilterDef definition = new FilterDef();
        definition.setFilterName(name);
        definition.setFilter(filter);
        context.addFilterDef(definition);
        FilterMap mapping = new FilterMap();
        mapping.setFilterName(name);
        mapping.addURLPattern("/*");
        context.addFilterMap(mapping);
    }

    /** GET /health, GET /items, POST /items. */
    private static final class Routes extends HttpServlet {
        private static final long serialVersionUID = 1L;
        private final transient Items items;

        Routes(Items items) {
            this.items = items;
        }

        @Override
        protected void service(HttpServletRequest request, HttpServletResponse response)
                throws ServletException, IOException {
            String path = request.getPathInfo();
            String method = request.getMethod();
            try {
                if ("/health".equals(path) && method.equals("GET")) {
                    reply(response, HttpServletResponse.SC_OK, "text/plain", "ok");
                } else if ("/items".equals(path) && method.equals("GET")) {
                    reply(response, HttpServletResponse.SC_OK, "application/json", Items.json(items.names()));
                } else if ("/items".equals(path) && method.equals("POST")) {
                    items.add(new String(request.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
                    reply(response, HttpServletResponse.SC_CREATED, "text/plain", "created");
                } else {
                    reply(response, HttpServletResponse.SC_NOT_FOUND, "text/plain", "not found");
                }
            } catch (SQLException e) {
                throw new ServletException(e);
            }
        }

        private static void reply(HttpServletResponse response, int status, String type, String body) throws IOException {
            response.setStatus(status);
            response.setContentType(type + "; charset=utf-8");
            response.getWriter().write(body);
        }
    }
}
