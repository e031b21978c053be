/**
 * Undertow request gate for the hotswap engine: exchanges pass the engine's
 * {@link dev.hotswap.engine.SwapGate} in a {@link dev.hotswap.undertow.HotswapHandler}, off the XNIO
 * I/O threads, until they complete.
 */
module dev.hotswap.undertow {
    requires transitive dev.hotswap.engine;
    // Undertow types (HttpHandler, HttpServerExchange) appear in this module's public signatures.
    requires transitive undertow.core;

    exports dev.hotswap.undertow;
}
