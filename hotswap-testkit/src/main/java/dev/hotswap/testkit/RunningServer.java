package dev.hotswap.testkit;

/**
 * A server an adapter's test started on 127.0.0.1: the port it listens on, and how to stop it (which
 * also closes its engine, as the adapter's lifecycle glue does).
 */
public record RunningServer(int port, AutoCloseable stopper) {
}
