package dev.hotswap.engine;

import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.logging.Logger;

import javax.sql.DataSource;

/**
 * The data source of one managed database ({@link Hotswap#dataSource(String)}): each connection comes
 * from the generation the calling thread's request pinned ({@link Pin}), or from the current one
 * outside any request, and holds that generation open until it is closed.
 */
final class DatabaseDataSource implements DataSource {
    private final ManagedDatabase database;
    private final SwapGate gate;
    private volatile int loginTimeoutSeconds;

    DatabaseDataSource(ManagedDatabase database, SwapGate gate) {
        this.database = database;
        this.gate = gate;
    }

    /**
     * A connection of the pinned (or current) generation; {@code close()} gives it back. Waits up to
     * 30 s when all the generation's connections are in use.
     */
    @Override
    public Connection getConnection() throws SQLException {
        for (;;) {
            View view = gate.routed();
            if (view == null) {
                throw new SQLException("hotswap is not started: database " + database.name() + " is not open yet");
            }
            LeasedConnection connection = view.generation(database.index()).lend();
            if (connection != null) {
                return connection;
            }
            // The pinned generation retired: the request left on another thread meanwhile. The
            // current view always holds its generations, so the next round ends.
        }
    }

    /** Not supported: SQLite has no users, and the pool opens files as the application's own user. */
    @Override
    public Connection getConnection(String username, String password) throws SQLException {
        throw new SQLFeatureNotSupportedException("SQLite has no users; use getConnection()");
    }

    @Override
    public PrintWriter getLogWriter() {
        return null;
    }

    @Override
    public void setLogWriter(PrintWriter out) {
        // The engine logs through System.Logger only.
    }

    /** Recorded for {@link #getLoginTimeout()} only: the pools wait up to 30 s for a free connection. */
    @Override
    public void setLoginTimeout(int seconds) {
        if (seconds < 0) {
            throw new IllegalArgumentException("login timeout " + seconds + " s is negative");
        }
        loginTimeoutSeconds = seconds;
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
        return "DataSource[" + database + "]";
    }
}
