package dev.hotswap.servlet;

import dev.hotswap.engine.Hotswap;
import dev.hotswap.engine.SwapGate;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.FilterRegistration;
import jakarta.servlet.ServletContext;
import java.util.EnumSet;
import java.util.Objects;

/**
 * Installs the hotswap engine into a Servlet 6 web application in one call, from a
 * {@link jakarta.servlet.ServletContainerInitializer} (the only place the Servlet API allows it).
 * Embedded Tomcat:
 * <pre>{@code
 * Context context = tomcat.addContext("", null);
 * context.addServletContainerInitializer(
 *         (classes, servletContext) -> HotswapServletContext.install(servletContext, hotswap), null);
 * tomcat.start();
 * }</pre>
 */
public final class HotswapServletContext {
    /** The filter's name in the web application. */
    public static final String FILTER_NAME = "hotswap";

    private HotswapServletContext() {
    }

    /**
     * Makes {@code hotswap} part of the web application of {@code context}: the engine starts when
     * the application initializes, before the container serves it, and is closed when it is
     * destroyed, after its last request (do not start or close it yourself); and a
     * {@link HotswapFilter} on the engine's gate goes first in the filter chain (see
     * {@link #addFilter}). If the engine cannot start (a database file is missing, the socket is
     * taken), the application fails to start; the container logs why.
     *
     * @return the filter's registration
     * @throws IllegalStateException if a filter named {@value #FILTER_NAME} is registered already,
     *     or the context is initialized already
     * @throws UnsupportedOperationException if not called from a {@code ServletContainerInitializer}
     */
    public static FilterRegistration.Dynamic install(ServletContext context, Hotswap hotswap) {
        Objects.requireNonNull(context, "context");
        Objects.requireNonNull(hotswap, "hotswap");
        FilterRegistration.Dynamic filter = addFilter(context, hotswap.gate());
        context.addListener(new EngineListener(hotswap));
        return filter;
    }

    /**
     * Registers a {@link HotswapFilter} on {@code gate} for an engine whose lifecycle the application
     * runs itself: on {@code /*}, every dispatcher type, with asynchronous support, and before every
     * filter mapping declared in {@code web.xml} (filters registered by code before this call still
     * come first: register it first).
     *
     * @return the filter's registration
     * @throws IllegalStateException if a filter named {@value #FILTER_NAME} is registered already,
     *     or the context is initialized already
     */
    public static FilterRegistration.Dynamic addFilter(ServletContext context, SwapGate gate) {
        Objects.requireNonNull(context, "context");
        Objects.requireNonNull(gate, "gate");
        FilterRegistration.Dynamic registration = context.addFilter(FILTER_NAME, new HotswapFilter(gate));
        if (registration == null) {
            throw new IllegalStateException("a filter named " + FILTER_NAME + " is already registered in "
                    + "the web application '" + context.getContextPath() + "'; install hotswap once");
        }
        registration.setAsyncSupported(true);
        registration.addMappingForUrlPatterns(EnumSet.allOf(DispatcherType.class), false, "/*");
        return registration;
    }
}
