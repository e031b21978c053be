package dev.hotswap.servlet;

import dev.hotswap.engine.Hotswap;
import dev.hotswap.testkit.RunningServer;
import dev.hotswap.testkit.TestRoutes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Stream;
import org.apache.catalina.Context;
import org.apache.catalina.LifecycleException;
import org.apache.catalina.Wrapper;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.startup.Tomcat;
import org.apache.tomcat.util.descriptor.web.ErrorPage;

/**
 * An embedded Tomcat 11 on 127.0.0.1 and an ephemeral port, with the engine installed the way an
 * application does it ({@link HotswapServletContext#install} from a container initializer) in front of
 * {@link ServletTestApp}.
 */
final class TomcatServer {
    /**
     * Tomcat reports servlet exceptions, which the tests provoke by the hundred, at SEVERE to the
     * application's logger, whose level it sets itself (to INFO) at start: held here, and set again
     * after each start.
     */
    private static final Logger APPLICATION_LOG =
            Logger.getLogger("org.apache.catalina.core.ContainerBase.[Tomcat].[localhost].[/]");

    private TomcatServer() {
    }

    /**
     * Starts Tomcat with {@code hotswap} installed (started with the web application, closed with it)
     * in front of {@code app}; with {@code errorPages}, 500 and 503 are answered by {@code /error-page}.
     */
    static RunningServer start(Hotswap hotswap, TestRoutes app, boolean errorPages) throws Exception {
        Path base = Files.createTempDirectory("hotswap-tomcat");
        Tomcat tomcat = local(base);
        Context context = tomcat.addContext("", null);
        Wrapper servlet = Tomcat.addServlet(context, "app", new ServletTestApp(app, hotswap.gate()));
        servlet.setAsyncSupported(true);
        context.addServletMapping("/*", "app");
        if (errorPages) {
            for (int status : new int[] {500, 503}) {
                ErrorPage page = new ErrorPage();
                page.setErrorCode(status);
                page.setLocation("/error-page");
                context.addErrorPage(page);
            }
        }
        context.addServletContainerInitializer(
                (classes, servletContext) -> HotswapServletContext.install(servletContext, hotswap), null);
        AutoCloseable stop = () -> stop(tomcat, base);
        try {
            tomcat.start();
            APPLICATION_LOG.setLevel(Level.OFF);
            if (!context.getState().isAvailable()) {
                throw new IllegalStateException("the test application did not start (state " + context.getState() + ")");
            }
        } catch (Exception | Error e) {
            stop.close();
            throw e;
        }
        return new RunningServer(tomcat.getConnector().getLocalPort(), stop);
    }

    /** A Tomcat with its base directory {@code base} and one connector on 127.0.0.1, port 0. */
    static Tomcat local(Path base) {
        Tomcat tomcat = new Tomcat();
        tomcat.setBaseDir(base.toString());
        Connector connector = new Connector();
        connector.setPort(0);
        connector.setProperty("address", "127.0.0.1");
        tomcat.setConnector(connector);
        return tomcat;
    }

    private static void stop(Tomcat tomcat, Path base) throws LifecycleException, IOException {
        try {
            tomcat.stop();
            tomcat.destroy();
        } finally {
            try (Stream<Path> files = Files.walk(base)) {
                for (Path file : (Iterable<Path>) files.sorted(Comparator.reverseOrder())::iterator) {
                    Files.deleteIfExists(file);
                }
            }
        }
    }
}
