package dev.hotswap.demo.core;

import java.io.IOException;
import java.util.Optional;

/**
 * The engine's refusal to start (a dangling link, a database another process holds), found in the
 * failure a framework reports when its application does not start: Spring, Micronaut and Quarkus wrap
 * the engine's {@link IOException} in exceptions of their own, whose messages are not the one the
 * demo must print.
 */
public final class EngineRefusal {
    private EngineRefusal() {
    }

    /** The first {@link IOException} in {@code failure}'s cause chain, {@code failure} itself included. */
    public static Optional<IOException> in(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof IOException refusal) {
                return Optional.of(refusal);
            }
        }
        return Optional.empty();
    }
}
