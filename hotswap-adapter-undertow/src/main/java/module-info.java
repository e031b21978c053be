/** Undertow request gate and lifecycle for the hotswap engine. */
module dev.hotswap.undertow {
    requires dev.hotswap.engine;
    requires undertow.core;
}
