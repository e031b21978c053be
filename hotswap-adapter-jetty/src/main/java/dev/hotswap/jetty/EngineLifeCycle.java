package dev.hotswap.jetty;

import dev.hotswap.engine.Hotswap;
import org.eclipse.jetty.util.component.AbstractLifeCycle;

/**
 * The engine as a Jetty {@link org.eclipse.jetty.util.component.LifeCycle}, so that a server managing
 * it as a bean starts it with its other components, before its connectors accept, and stops it after
 * its connectors have closed.
 */
final class EngineLifeCycle extends AbstractLifeCycle {
    private final Hotswap hotswap;

    EngineLifeCycle(Hotswap hotswap) {
        this.hotswap = hotswap;
    }

    boolean manages(Hotswap candidate) {
        return hotswap == candidate;
    }

    @Override
    protected void doStart() throws Exception {
        hotswap.start();
    }

    @Override
    protected void doStop() {
        hotswap.close();
    }

    @Override
    public String toString() {
        return "EngineLifeCycle[" + getState() + "]@" + hotswap;
    }
}
