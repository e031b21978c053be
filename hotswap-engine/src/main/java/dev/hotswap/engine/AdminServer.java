package dev.hotswap.engine;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;

/** The admin socket server. Stage 1 placeholder: the socket arrives with the next commit. */
final class AdminServer implements AutoCloseable {
    private AdminServer() {
    }

    static AdminServer start(Hotswap engine, Path socket, long[] allowedUids, int maxConnections, Duration idleTimeout)
            throws IOException {
        throw new IOException("the admin socket is not implemented yet; build with socketEnabled(false)");
    }

    @Override
    public void close() {
    }
}
