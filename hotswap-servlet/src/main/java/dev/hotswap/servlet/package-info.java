/**
 * Jakarta Servlet 6 request gate and lifecycle for the hotswap engine: a
 * {@link dev.hotswap.servlet.HotswapFilter} pins every request to the generations current when it
 * arrives ({@link dev.hotswap.engine.SwapGate#enter()}, which never waits) until it is over,
 * asynchronous requests until their asynchronous cycle ends, on every thread the container continues
 * them on; and the engine starts and stops with the web application. For Tomcat 11, Jetty 12 (ee10)
 * and Undertow's servlet mode.
 *
 * <p>Entry point: {@link dev.hotswap.servlet.HotswapServletContext#install}, from a
 * {@code ServletContainerInitializer}; with embedded Tomcat:
 * <pre>{@code
 * Hotswap hotswap = Hotswap.builder()
 *     .database("production", Path.of("db/production.sqlite3"))
 *     .build();
 * Context context = tomcat.addContext("", null);
 * Tomcat.addServlet(context, "app", new AppServlet(hotswap.dataSource("production")));
 * context.addServletMappingDecoded("/*", "app");
 * context.addServletContainerInitializer(
 *         (classes, servletContext) -> HotswapServletContext.install(servletContext, hotswap), null);
 * tomcat.start();
 * }</pre>
 *
 * <p>The jar is the automatic module {@code dev.hotswap.servlet}, without a descriptor: see its pom.
 */
package dev.hotswap.servlet;
