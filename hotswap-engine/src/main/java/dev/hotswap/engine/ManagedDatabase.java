package dev.hotswap.engine;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * One database under the engine's care: its name, its path, its pool, and the locks that order
 * pushes, snapshots and swaps of it.
 */
final class ManagedDatabase {
    private final String name;
    private final Path path;
    private final ConnectionPool pool;
    private final AtomicBoolean pushing = new AtomicBoolean();
    /** Snapshots read under the read lock; the swap's critical section holds the write lock. */
    private final ReentrantReadWriteLock fileLock = new ReentrantReadWriteLock();
    private volatile Instant lastSwap;
    private volatile long lastPauseMicros = -1;

    ManagedDatabase(String name, Path path, int poolSize, Duration busyTimeout) {
        this.name = name;
        this.path = path;
        this.pool = new ConnectionPool(name, path, poolSize, busyTimeout);
    }

    String name() {
        return name;
    }

    /** The configured path, absolute and normalized; may be a symbolic link. */
    Path path() {
        return path;
    }

    /**
     * The file the configured path points to now. The swap replaces this file in its own directory,
     * so that a symbolic link keeps pointing where it did.
     */
    Path realPath() throws IOException {
        return path.toRealPath();
    }

    ConnectionPool pool() {
        return pool;
    }

    ReentrantReadWriteLock fileLock() {
        return fileLock;
    }

    /** Claims the database for one push; false if another push holds it. */
    boolean tryBeginPush() {
        return pushing.compareAndSet(false, true);
    }

    void endPush() {
        pushing.set(false);
    }

    void recordSwap(Instant when, long pauseMicros) {
        lastPauseMicros = pauseMicros;
        lastSwap = when;
    }

    /** When the last swap finished, or {@code null}. */
    Instant lastSwap() {
        return lastSwap;
    }

    /** The pause of the last swap in microseconds, or -1. */
    long lastPauseMicros() {
        return lastPauseMicros;
    }

    /** Fails unless the configured path leads to a regular file. */
    void requireFile() throws IOException {
        if (!Files.isRegularFile(path)) {
            throw new IOException("database " + name + ": " + path + " is not a file");
        }
    }

    /** The managed name and path, as listed in messages: {@code production /abs/db/production.sqlite3}. */
    @Override
    public String toString() {
        return name + " " + path;
    }
}
