package dev.hotswap.undertow;

import dev.hotswap.engine.Hotswap;
import io.undertow.Undertow;
import io.undertow.server.HttpHandler;
import java.io.IOException;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A running {@link Undertow} server together with its hotswap engine: the engine starts before the
 * server accepts its first request and is closed after the server has stopped.
 * <pre>{@code
 * try (HotswapUndertow running = HotswapUndertow.start(
 *         Undertow.builder().addHttpListener(8080, "localhost"), app, hotswap)) {
 *     ...
 * }
 * }</pre>
 */
public final class HotswapUndertow implements AutoCloseable {
    private final Undertow undertow;
    private final Hotswap hotswap;
    private final AtomicBoolean closed = new AtomicBoolean();

    private HotswapUndertow(Undertow undertow, Hotswap hotswap) {
        this.undertow = undertow;
        this.hotswap = hotswap;
    }

    /**
     * Puts a {@link HotswapHandler} on the engine's gate in front of {@code app}, makes it the
     * handler of {@code builder}, builds the server, then starts the engine and the server, in this
     * order. Do not start or close {@code hotswap} yourself.
     *
     * @throws IOException if the engine cannot start; the server is then not started
     * @throws RuntimeException if the server cannot start (a port in use); the engine is then closed
     */
    public static HotswapUndertow start(Undertow.Builder builder, HttpHandler app, Hotswap hotswap)
            throws IOException {
        Objects.requireNonNull(builder, "builder");
        Objects.requireNonNull(hotswap, "hotswap");
        return start(builder.setHandler(new HotswapHandler(hotswap.gate(), app)).build(), hotswap);
    }

    /**
     * Starts the engine, then {@code undertow}, whose handler chain must already pass every exchange
     * through a {@link HotswapHandler} on {@code hotswap.gate()}: use this form to gate only part of
     * the chain. Do not start or close {@code hotswap} yourself.
     *
     * @throws IOException if the engine cannot start; the server is then not started
     * @throws RuntimeException if the server cannot start (a port in use); the engine is then closed
     */
    public static HotswapUndertow start(Undertow undertow, Hotswap hotswap) throws IOException {
        Objects.requireNonNull(undertow, "undertow");
        Objects.requireNonNull(hotswap, "hotswap");
        hotswap.start();
        try {
            undertow.start();
        } catch (RuntimeException | Error e) {
            try {
                hotswap.close();
            } catch (RuntimeException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
        return new HotswapUndertow(undertow, hotswap);
    }

    /** The running server, for its listener addresses. */
    public Undertow undertow() {
        return undertow;
    }

    /** The running engine. */
    public Hotswap hotswap() {
        return hotswap;
    }

    /** Stops the server, then closes the engine; later calls do nothing. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        try {
            undertow.stop();
        } finally {
            hotswap.close();
        }
    }
}
