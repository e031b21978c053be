package dev.hotswap.engine;

import java.sql.Connection;
import java.sql.SQLException;

import javax.sql.DataSource;

/** A pool the application's {@link PoolFactory} made for one generation: HikariCP, say. */
final class ForeignPool implements GenerationPool {
    private static final System.Logger LOG = System.getLogger(ForeignPool.class.getName());

    private final String database;
    private final DataSource dataSource;

    ForeignPool(String database, DataSource dataSource) {
        this.database = database;
        this.dataSource = dataSource;
    }

    @Override
    public Connection borrow() throws SQLException {
        return dataSource.getConnection();
    }

    /** The application's pool resets and keeps the connection when it is closed. */
    @Override
    public void giveBack(Connection connection) {
        try {
            connection.close();
        } catch (SQLException e) {
            LOG.log(System.Logger.Level.WARNING, database + ": closing a connection of " + dataSource + " failed", e);
        }
    }

    /** Closes the application's pool if it can be closed (HikariDataSource can). */
    @Override
    public void close() {
        if (dataSource instanceof AutoCloseable closeable) {
            try {
                closeable.close();
            } catch (Exception e) {
                LOG.log(System.Logger.Level.WARNING, database + ": closing " + dataSource + " failed", e);
            }
        }
    }

    @Override
    public String toString() {
        return dataSource.toString();
    }
}
