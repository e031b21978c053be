package dev.hotswap.servlet;

import dev.hotswap.engine.Hotswap;
import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.ServletContextListener;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * The engine's lifecycle as the web application's: started when it initializes (containers start
 * their applications before their connectors accept), closed when it is destroyed (after its last
 * request).
 */
final class EngineListener implements ServletContextListener {
    private final Hotswap hotswap;

    EngineListener(Hotswap hotswap) {
        this.hotswap = hotswap;
    }

    @Override
    public void contextInitialized(ServletContextEvent event) {
        try {
            hotswap.start();
        } catch (IOException e) {
            throw new UncheckedIOException("hotswap cannot start: " + e.getMessage(), e);
        }
    }

    @Override
    public void contextDestroyed(ServletContextEvent event) {
        hotswap.close();
    }

    @Override
    public String toString() {
        return "EngineListener@" + hotswap;
    }
}
