/**
 * Jetty 12 request gate for the hotswap engine: requests pass the engine's
 * {@link dev.hotswap.engine.SwapGate} in a {@link dev.hotswap.jetty.HotswapHandler}, which leaves the
 * gate when the request's callback completes.
 */
module dev.hotswap.jetty {
    requires transitive dev.hotswap.engine;
    requires transitive org.eclipse.jetty.server;

    exports dev.hotswap.jetty;
}
