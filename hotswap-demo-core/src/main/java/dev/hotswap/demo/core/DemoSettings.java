package dev.hotswap.demo.core;

import java.nio.file.Path;
import java.util.Objects;

/**
 * What a framework's demo application is started with, from {@code bin/hotswap-demo}'s options: the
 * framework's hotswap integration makes the engine from these, as it would from an app's own
 * configuration.
 *
 * @param port the HTTP port on 127.0.0.1, 0 for any free one
 * @param database the managed database's name
 * @param db its live path
 * @param socket the admin socket
 * @param keep earlier generations kept for rollback
 */
public record DemoSettings(int port, String database, Path db, Path socket, int keep) {
    /** Rejects nulls where a value is required. */
    public DemoSettings {
        Objects.requireNonNull(database, "database");
        Objects.requireNonNull(db, "db");
        Objects.requireNonNull(socket, "socket");
    }
}
