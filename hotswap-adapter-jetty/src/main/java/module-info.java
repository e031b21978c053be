/** Jetty 12 request gate and lifecycle for the hotswap engine. */
module dev.hotswap.jetty {
    requires dev.hotswap.engine;
    requires org.eclipse.jetty.server;
}
