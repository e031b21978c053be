/**
 * Undertow request gate and lifecycle for the hotswap engine: exchanges pass the engine's
 * {@link dev.hotswap.engine.SwapGate} in a {@link dev.hotswap.undertow.HotswapHandler}, which pins each
 * exchange to the generations current when it arrives (never waiting, so on the I/O thread too),
 * keeps that pin on the tasks the exchange dispatches, and leaves when the exchange completes;
 * {@link dev.hotswap.undertow.HotswapUndertow} starts the engine before the server and closes it after.
 *
 * <p>Entry point: {@link dev.hotswap.undertow.HotswapUndertow#start(io.undertow.Undertow.Builder,
 * io.undertow.server.HttpHandler, dev.hotswap.engine.Hotswap)}:
 * <pre>{@code
 * Hotswap hotswap = Hotswap.builder()
 *     .database("production", Path.of("db/production.sqlite3"))
 *     .build();
 * HttpHandler app = new App(hotswap.dataSource("production"));
 * try (HotswapUndertow server = HotswapUndertow.start(
 *         Undertow.builder().addHttpListener(8080, "localhost"), app, hotswap)) {
 *     awaitShutdown();
 * }
 * }</pre>
 */
module dev.hotswap.undertow {
    requires transitive dev.hotswap.engine;
    // Undertow types (Undertow, HttpHandler) appear in this module's public signatures.
    requires transitive undertow.core;

    exports dev.hotswap.undertow;
}
