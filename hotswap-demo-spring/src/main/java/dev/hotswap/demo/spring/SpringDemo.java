package dev.hotswap.demo.spring;

import dev.hotswap.demo.core.DemoSettings;
import dev.hotswap.demo.core.EngineRefusal;
import dev.hotswap.engine.Hotswap;
import dev.hotswap.servlet.HotswapFilter;
import jakarta.servlet.Filter;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.springframework.beans.factory.support.RootBeanDefinition;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.logging.LoggingSystem;
import org.springframework.boot.web.server.WebServer;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.support.GenericApplicationContext;
import org.springframework.core.ResolvableType;

/**
 * Runs {@link DemoApplication} for hotswap-demo, the command line's options passed as Boot
 * properties: its engine is the starter's, built from {@code hotswap.*}, and lives and dies with the
 * application context.
 */
public final class SpringDemo implements AutoCloseable {
    /**
     * Spring's and Tomcat's INFO lines at start and stop; the demo's output is its listening line,
     * and the engine's log. Held here so that the setting is not collected with the loggers.
     */
    private static final List<Logger> QUIET = List.of(Logger.getLogger("org.springframework"), Logger.getLogger("org.apache"));

    private final ConfigurableApplicationContext context;

    private SpringDemo(ConfigurableApplicationContext context) {
        this.context = context;
    }

    /**
     * Starts the application; the engine has started, and its socket is bound, when this returns.
     *
     * @param settings what to serve
     * @param baselineGate a benchmark baseline's filter to run instead of the starter's
     *     {@code HotswapFilter}, or null for the starter's
     * @throws IOException if the engine cannot start (a dangling link, another engine on the file)
     */
    public static SpringDemo start(DemoSettings settings, Filter baselineGate) throws IOException {
        // Logging is the host's (java.util.logging, as the other demos have it), not Boot's to reset:
        // the tour, for one, turns the engine's INFO lines off before it starts the demo.
        System.setProperty(LoggingSystem.SYSTEM_PROPERTY, LoggingSystem.NONE);
        QUIET.forEach(logger -> logger.setLevel(Level.WARNING));
        SpringApplication application = new SpringApplication(DemoApplication.class);
        // hotswap-demo stops the server, its background job and then the engine, in that order.
        application.setRegisterShutdownHook(false);
        if (baselineGate != null) {
            application.addInitializers(context -> registerBaseline((GenericApplicationContext) context, baselineGate));
        }
        List<String> arguments = new ArrayList<>(List.of(
                "--server.port=" + settings.port(),
                "--hotswap.databases." + settings.database() + ".path=" + settings.db(),
                "--hotswap.socket=" + settings.socket(),
                "--hotswap.keep=" + settings.keep()));
        try {
            return new SpringDemo(application.run(arguments.toArray(String[]::new)));
        } catch (RuntimeException e) {
            throw EngineRefusal.in(e).orElseThrow(() -> e);
        }
    }

    /**
     * The baseline's filter, and a disabled registration of hotswap's, which makes the starter leave
     * its own out (it backs off from an application's {@code HotswapFilter} registration).
     */
    private static void registerBaseline(GenericApplicationContext context, Filter gate) {
        context.registerBean("baselineGate", FilterRegistrationBean.class, () -> new FilterRegistrationBean<>(gate));
        // The starter tells a HotswapFilter registration by its generic type: declare it.
        context.registerBean("noHotswapFilter", FilterRegistrationBean.class, () -> {
            FilterRegistrationBean<HotswapFilter> off =
                    new FilterRegistrationBean<>(new HotswapFilter(context.getBean(Hotswap.class).gate()));
            off.setEnabled(false);
            return off;
        }, definition -> ((RootBeanDefinition) definition).setTargetType(
                ResolvableType.forClassWithGenerics(FilterRegistrationBean.class, HotswapFilter.class)));
    }

    /** The port the web server listens on. */
    public int port() {
        return webServer().getPort();
    }

    /** The starter's engine. */
    public Hotswap hotswap() {
        return context.getBean(Hotswap.class);
    }

    /** Stops the web server: no request is served or in flight after this. */
    public void stopServing() {
        webServer().stop();
    }

    /** Closes the application context, and so the engine (its socket file removed). */
    @Override
    public void close() {
        context.close();
    }

    private WebServer webServer() {
        return ((WebServerApplicationContext) context).getWebServer();
    }
}
