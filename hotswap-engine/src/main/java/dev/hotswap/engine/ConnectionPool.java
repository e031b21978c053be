package dev.hotswap.engine;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The engine's own pool of one generation: up to {@code maxSize} sqlite-jdbc connections to the one
 * path the generation is opened under, opened on demand and kept until the generation retires.
 */
final class ConnectionPool implements GenerationPool {
    private static final System.Logger LOG = System.getLogger(ConnectionPool.class.getName());
    /** How long {@link #borrow()} waits for a free connection when the engine makes the pool. */
    static final Duration WAIT = Duration.ofSeconds(30);

    private final String database;
    private final Path file;
    private final int maxSize;
    private final Duration busyTimeout;
    private final Duration wait;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition available = lock.newCondition();
    private final ArrayDeque<Connection> idle = new ArrayDeque<>();
    private final List<Connection> all = new ArrayList<>();
    private int opening;
    private boolean closed;

    ConnectionPool(String database, Path file, int maxSize, Duration busyTimeout, Duration wait) {
        this.database = database;
        this.file = file;
        this.maxSize = maxSize;
        this.busyTimeout = busyTimeout;
        this.wait = wait;
    }

    /** An idle connection, or a new one while fewer than the maximum are open; waits up to the pool's wait. */
    @Override
    public Connection borrow() throws SQLException {
        return take(true);
    }

    /**
     * An idle connection, or a new one while fewer than the maximum are open; null at once if all are
     * out. For warming a generation: a swap must never wait for connections others hold.
     */
    Connection borrowNow() throws SQLException {
        return take(false);
    }

    private Connection take(boolean waiting) throws SQLException {
        long deadline = System.nanoTime() + wait.toNanos();
        lock.lock();
        try {
            for (;;) {
                if (closed) {
                    throw new SQLException("the connections of database " + database + " at " + file + " are closed");
                }
                Connection connection = idle.pollFirst();
                if (connection != null) {
                    return connection;
                }
                if (all.size() + opening < maxSize) {
                    opening++;
                    break;
                }
                if (!waiting) {
                    return null;
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new SQLException("no connection to database " + database + " free within "
                            + Push.format(wait) + " (pool size " + maxSize + ")");
                }
                available.awaitNanos(left);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SQLException("interrupted while waiting for a connection to database " + database, e);
        } finally {
            lock.unlock();
        }
        return open();
    }

    /** Opens a connection outside the lock (opening a file must not stall returns), and counts it. */
    private Connection open() throws SQLException {
        Connection physical = null;
        try {
            physical = Sqlite.open(file, busyTimeout);
            return physical;
        } finally {
            lock.lock();
            try {
                opening--;
                if (physical != null) {
                    all.add(physical);
                } else {
                    available.signal();
                }
            } finally {
                lock.unlock();
            }
        }
    }

    /** Resets what the application may have left (an open transaction) and keeps the connection. */
    @Override
    public void giveBack(Connection connection) {
        boolean healthy;
        try {
            if (!connection.getAutoCommit()) {
                connection.rollback();
                connection.setAutoCommit(true);
            }
            connection.clearWarnings();
            healthy = true;
        } catch (SQLException e) {
            LOG.log(System.Logger.Level.DEBUG, "dropping a connection that failed to reset", e);
            healthy = false;
        }
        lock.lock();
        try {
            if (healthy && !closed) {
                idle.addFirst(connection);
                available.signal();
                return;
            }
            all.remove(connection);
            available.signal();
        } finally {
            lock.unlock();
        }
        closeQuietly(connection);
    }

    /** Closes every connection. SQLite checkpoints a write-ahead log when its last connection closes. */
    @Override
    public void close() {
        List<Connection> victims;
        lock.lock();
        try {
            closed = true;
            victims = new ArrayList<>(all);
            all.clear();
            idle.clear();
            available.signalAll();
        } finally {
            lock.unlock();
        }
        victims.forEach(ConnectionPool::closeQuietly);
    }

    /** Connections open now. */
    int size() {
        lock.lock();
        try {
            return all.size();
        } finally {
            lock.unlock();
        }
    }

    private static void closeQuietly(Connection connection) {
        try {
            connection.close();
        } catch (SQLException e) {
            LOG.log(System.Logger.Level.DEBUG, "closing a connection failed", e);
        }
    }

    @Override
    public String toString() {
        return "pool of " + database + " at " + file;
    }
}
