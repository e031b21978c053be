/**
 * Jetty 12 request gate and lifecycle for the hotswap engine: requests pass the engine's
 * {@link dev.hotswap.engine.SwapGate} in a {@link dev.hotswap.jetty.HotswapHandler}, which pins each
 * request to the generations current when it arrives (never waiting), keeps that pin on the threads
 * where Jetty continues the request (body reads, response writes), and leaves when the request's
 * callback completes; the engine starts and stops with the server.
 *
 * <p>Entry point: {@link dev.hotswap.jetty.HotswapJetty#install}, once the server's handler is set:
 * <pre>{@code
 * Hotswap hotswap = Hotswap.builder()
 *     .database("production", Path.of("db/production.sqlite3"))
 *     .build();
 * Server server = new Server(8080);
 * server.setHandler(new App(hotswap.dataSource("production")));
 * HotswapJetty.install(server, hotswap);
 * server.start();
 * }</pre>
 */
module dev.hotswap.jetty {
    requires transitive dev.hotswap.engine;
    requires transitive org.eclipse.jetty.server;

    exports dev.hotswap.jetty;
}
