package dev.hotswap.demo;

/** A running demo HTTP server. */
interface DemoServer extends AutoCloseable {
    /** The port it listens on (the real one when 0 was asked). */
    int port();

    /** Stops serving. */
    @Override
    void close() throws java.io.IOException;
}
