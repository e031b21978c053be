package dev.hotswap.engine;

import java.io.PrintWriter;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.logging.Logger;

import javax.sql.DataSource;

/**
 * The engine-owned pool behind {@link Hotswap#dataSource(String)}: a few sqlite-jdbc connections to
 * one managed database, handed out as wrappers whose {@code close()} returns them.
 *
 * <p>At swap time, with the gate drained, {@link #evict()} closes every physical connection, also
 * ones still handed out (code outside the gate): a connection that survived the swap would keep the
 * old file and its write-ahead log open under the live names. A wrapper whose connection was evicted
 * throws on use; the next {@link #getConnection()} opens the new file.
 */
final class ConnectionPool implements DataSource {
    private static final System.Logger LOG = System.getLogger(ConnectionPool.class.getName());

    private final String database;
    private final Path path;
    private final int maxSize;
    private final Duration busyTimeout;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition available = lock.newCondition();
    private final ArrayDeque<Connection> idle = new ArrayDeque<>();
    private final Set<Connection> open = new HashSet<>();
    private int opening;
    private long generation;
    private boolean closed;
    private volatile int loginTimeoutSeconds = 30;

    ConnectionPool(String database, Path path, int maxSize, Duration busyTimeout) {
        this.database = database;
        this.path = path;
        this.maxSize = maxSize;
        this.busyTimeout = busyTimeout;
    }

    /**
     * A pooled connection; {@code close()} returns it. Waits up to the login timeout (30 s) when all
     * connections are in use.
     */
    @Override
    public Connection getConnection() throws SQLException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(Math.max(1, loginTimeoutSeconds));
        long claimedGeneration;
        lock.lock();
        try {
            for (;;) {
                if (closed) {
                    throw new SQLException("the data source of database " + database + " is closed");
                }
                Connection connection = idle.pollFirst();
                if (connection != null) {
                    return wrap(connection, generation);
                }
                if (open.size() + opening < maxSize) {
                    opening++;
                    claimedGeneration = generation;
                    break;
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new SQLException("no connection to database " + database + " free within "
                            + loginTimeoutSeconds + " s (pool size " + maxSize + ")");
                }
                available.awaitNanos(left);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SQLException("interrupted while waiting for a connection to database " + database, e);
        } finally {
            lock.unlock();
        }
        // Open outside the lock: opening a file must not stall returns and evictions.
        Connection physical = null;
        try {
            physical = Sqlite.open(path, busyTimeout);
        } finally {
            lock.lock();
            try {
                opening--;
                if (physical != null && (closed || claimedGeneration != generation)) {
                    // Evicted or closed while opening: this may be the old file. Try again.
                    closeQuietly(physical);
                    physical = null;
                } else if (physical != null) {
                    open.add(physical);
                } else {
                    available.signal();
                }
            } finally {
                lock.unlock();
            }
        }
        if (physical == null) {
            return getConnection();
        }
        return wrap(physical, claimedGeneration);
    }

    /** Not supported: the pool opens the managed file as the application's own user. */
    @Override
    public Connection getConnection(String username, String password) throws SQLException {
        throw new SQLFeatureNotSupportedException("SQLite has no users; use getConnection()");
    }

    /**
     * Closes every physical connection, idle or handed out, so that the next connection opens the
     * file that is live then. Called with the gate drained.
     *
     * @return how many connections were still handed out (a leak outside the gate)
     */
    int evict() {
        List<Connection> victims;
        int handedOut;
        lock.lock();
        try {
            generation++;
            handedOut = open.size() - idle.size();
            victims = new ArrayList<>(open);
            open.clear();
            idle.clear();
            available.signalAll();
        } finally {
            lock.unlock();
        }
        if (handedOut > 0) {
            LOG.log(System.Logger.Level.WARNING, database + ": closing " + handedOut
                    + " connection(s) still in use outside the gate");
        }
        victims.forEach(ConnectionPool::closeQuietly);
        return handedOut;
    }

    /** Opens one connection ahead of the first request after a swap, so that the new file is proven. */
    void warm() throws SQLException {
        lock.lock();
        try {
            if (closed) {
                return; // the engine is shutting down; nothing to prove
            }
        } finally {
            lock.unlock();
        }
        getConnection().close();
    }

    /** Closes the pool and every connection; later {@link #getConnection()} calls fail. */
    void close() {
        lock.lock();
        try {
            closed = true;
        } finally {
            lock.unlock();
        }
        evict();
    }

    private void giveBack(Connection physical, long claimedGeneration, boolean healthy) {
        lock.lock();
        try {
            if (healthy && !closed && claimedGeneration == generation && open.contains(physical)) {
                idle.addFirst(physical);
                available.signal();
                return;
            }
            if (open.remove(physical)) {
                available.signal();
            }
        } finally {
            lock.unlock();
        }
        closeQuietly(physical);
    }

    private Connection wrap(Connection physical, long claimedGeneration) {
        return (Connection) Proxy.newProxyInstance(Connection.class.getClassLoader(),
                new Class<?>[] {Connection.class}, new Handle(physical, claimedGeneration));
    }

    private static boolean isClosedStatement(Statement statement) {
        try {
            return statement.isClosed();
        } catch (SQLException e) {
            return true;
        }
    }

    private static void closeQuietly(AutoCloseable closeable) {
        try {
            closeable.close();
        } catch (Exception e) {
            LOG.log(System.Logger.Level.DEBUG, "closing " + closeable + " failed", e);
        }
    }

    /** One hand-out of a physical connection: forwards calls until closed, then returns it to the pool. */
    private final class Handle implements InvocationHandler {
        private final Connection physical;
        private final long claimedGeneration;
        private final List<Statement> statements = new ArrayList<>();
        private boolean released;

        Handle(Connection physical, long claimedGeneration) {
            this.physical = physical;
            this.claimedGeneration = claimedGeneration;
        }

        @Override
        public synchronized Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
            switch (method.getName()) {
                case "close":
                    if (args == null) {
                        release();
                        return null;
                    }
                    break;
                case "isClosed":
                    if (args == null) {
                        return released || physical.isClosed();
                    }
                    break;
                case "equals":
                    return args != null && args.length == 1 && proxy == args[0];
                case "hashCode":
                    if (args == null) {
                        return System.identityHashCode(proxy);
                    }
                    break;
                case "toString":
                    if (args == null) {
                        return "pooled connection to " + database + (released ? " (closed)" : "");
                    }
                    break;
                default:
                    break;
            }
            if (released) {
                throw new SQLException("connection to database " + database + " is closed");
            }
            if (physical.isClosed() && !method.getName().equals("isValid")) {
                throw new SQLException("connection to database " + database
                        + " was closed because the database was swapped; get a new one");
            }
            try {
                Object result = method.invoke(physical, args);
                if (result instanceof Statement) {
                    if (statements.size() >= 64) {
                        statements.removeIf(ConnectionPool::isClosedStatement);
                    }
                    statements.add((Statement) result);
                }
                return result;
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
        }

        /** Resets what a user may have left behind, then returns the connection (or drops a broken one). */
        private void release() {
            if (released) {
                return;
            }
            released = true;
            boolean healthy = true;
            try {
                for (Statement statement : statements) {
                    statement.close();
                }
                statements.clear();
                if (physical.isClosed()) {
                    healthy = false;
                } else {
                    if (!physical.getAutoCommit()) {
                        physical.rollback();
                        physical.setAutoCommit(true);
                    }
                    physical.clearWarnings();
                }
            } catch (SQLException e) {
                LOG.log(System.Logger.Level.DEBUG, "dropping a connection that failed to reset", e);
                healthy = false;
            }
            giveBack(physical, claimedGeneration, healthy);
        }
    }

    @Override
    public PrintWriter getLogWriter() {
        return null;
    }

    @Override
    public void setLogWriter(PrintWriter out) {
        // The engine logs through System.Logger only.
    }

    @Override
    public void setLoginTimeout(int seconds) {
        if (seconds < 0) {
            throw new IllegalArgumentException("login timeout " + seconds + " s is negative");
        }
        loginTimeoutSeconds = seconds == 0 ? 30 : seconds;
    }

    @Override
    public int getLoginTimeout() {
        return loginTimeoutSeconds;
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
        throw new SQLFeatureNotSupportedException("the engine logs through System.Logger");
    }

    @Override
    public <T> T unwrap(Class<T> type) throws SQLException {
        if (type.isInstance(this)) {
            return type.cast(this);
        }
        throw new SQLException("not a wrapper for " + type.getName());
    }

    @Override
    public boolean isWrapperFor(Class<?> type) {
        return type.isInstance(this);
    }

    @Override
    public String toString() {
        return "DataSource[" + database + ", " + path + "]";
    }
}
