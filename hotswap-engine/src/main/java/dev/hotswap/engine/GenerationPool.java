package dev.hotswap.engine;

import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;

/**
 * The connections of one generation: the engine's own {@link ConnectionPool}, or a pool of the
 * application's own made by its {@link PoolFactory}. Connections are borrowed for one
 * {@link LeasedConnection} and given back when the application closes it.
 */
interface GenerationPool {
    /**
     * The pool of generation {@code id} of {@code database}, whose connections open {@code file}: the
     * application's {@link Settings#poolFactory() factory}'s if it has one, else the engine's own.
     */
    static GenerationPool open(String database, long id, Path file, Settings settings) throws IOException {
        PoolFactory factory = settings.poolFactory();
        if (factory == null) {
            return new ConnectionPool(database, file, settings.poolSize(), Settings.BUSY_TIMEOUT, ConnectionPool.WAIT);
        }
        try {
            return new ForeignPool(database, factory.open(database, file));
        } catch (Exception e) {
            throw new IOException("the pool factory failed for generation " + id + " of " + database + ": " + e, e);
        }
    }

    /** A connection to the generation's file; blocks while all are in use, up to the pool's timeout. */
    Connection borrow() throws SQLException;

    /** Takes back a borrowed connection whose statements the lease has closed. */
    void giveBack(Connection connection);

    /** Closes every connection; nothing is borrowed any more when the engine calls it. */
    void close();
}
