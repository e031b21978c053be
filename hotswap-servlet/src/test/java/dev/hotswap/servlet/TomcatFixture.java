package dev.hotswap.servlet;

import dev.hotswap.engine.Hotswap;
import dev.hotswap.testkit.LiveServer;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.apache.catalina.Context;
import org.apache.catalina.LifecycleException;
import org.apache.catalina.Wrapper;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.startup.Tomcat;
import org.apache.tomcat.util.descriptor.web.ErrorPage;

/**
 * An embedded Tomcat 11 on 127.0.0.1 and an ephemeral port, with the engine installed the way a
 * host application does it ({@link HotswapServletContext#install} from a container initializer) in
 * front of {@link TestApp}, and error pages for 500 and 503 served by {@link TestApp} too; what the
 * tests do to it comes from {@link LiveServer}.
 */
final class TomcatFixture extends LiveServer {
    final TestApp app;
    final Tomcat tomcat;
    final InterruptingFilter interrupting;

    private TomcatFixture(Engine engine, TestApp app, Tomcat tomcat, InterruptingFilter interrupting) {
        super(engine, tomcat.getConnector().getLocalPort());
        this.app = app;
        this.tomcat = tomcat;
        this.interrupting = interrupting;
    }

    /** Starts a server whose engine gives up a swap when requests do not drain within {@code drainTimeout}. */
    static TomcatFixture start(Path dir, Duration drainTimeout, boolean wal) throws Exception {
        Engine engine = prepare(dir, drainTimeout, wal);
        Hotswap hotswap = engine.hotswap();
        TestApp app = new TestApp(() -> hotswap.dataSource(DATABASE), hotswap.gate());
        Tomcat tomcat = localTomcat(dir);
        Context context = tomcat.addContext("", null);
        // Tomcat reports servlet exceptions, which these tests provoke by the hundred, at SEVERE to
        // the application's logger, whose level it has just set itself (to INFO): override it. It
        // keeps the logger referenced, so the setting stays.
        Logger.getLogger("org.apache.catalina.core.ContainerBase.[Tomcat].[localhost].[/]").setLevel(Level.OFF);
        Wrapper servlet = Tomcat.addServlet(context, "app", app);
        servlet.setAsyncSupported(true);
        context.addServletMapping("/*", "app");
        for (int status : new int[] {500, 503}) {
            ErrorPage page = new ErrorPage();
            page.setErrorCode(status);
            page.setLocation("/error-page");
            context.addErrorPage(page);
        }
        InterruptingFilter interrupting = new InterruptingFilter();
        context.addServletContainerInitializer((classes, servletContext) -> {
            servletContext.addFilter("interrupting", interrupting).addMappingForUrlPatterns(null, false, "/interrupted");
            HotswapServletContext.install(servletContext, hotswap);
        }, null);
        tomcat.start();
        return new TomcatFixture(engine, app, tomcat, interrupting);
    }

    /** A Tomcat with its base directory in {@code dir} and one connector on 127.0.0.1, port 0. */
    static Tomcat localTomcat(Path dir) {
        Tomcat tomcat = new Tomcat();
        tomcat.setBaseDir(dir.resolve("tomcat").toString());
        Connector connector = new Connector();
        connector.setPort(0);
        connector.setProperty("address", "127.0.0.1");
        tomcat.setConnector(connector);
        return tomcat;
    }

    /**
     * Sits in front of the gate and interrupts the thread of {@code /interrupted} requests, as a
     * container shutting down would; records whether the thread was still interrupted after the
     * gate had handled the request.
     */
    static final class InterruptingFilter implements Filter {
        /** Whether the thread was still interrupted when the gate returned; completed once. */
        final CompletableFuture<Boolean> leftInterrupted = new CompletableFuture<>();

        @Override
        public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
                throws IOException, ServletException {
            Thread.currentThread().interrupt();
            try {
                chain.doFilter(request, response);
            } finally {
                leftInterrupted.complete(Thread.interrupted());
            }
        }
    }

    @Override
    public void close() {
        app.releaseAll();
        try {
            tomcat.stop();
            tomcat.destroy();
        } catch (LifecycleException e) {
            throw new IllegalStateException("stopping Tomcat failed", e);
        }
    }
}
