package dev.hotswap.engine;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * The connections of one generation: the engine's own {@link ConnectionPool}, or a pool of the
 * application's own made by its {@link PoolFactory}. Connections are borrowed for one
 * {@link LeasedConnection} and given back when the application closes it.
 */
interface GenerationPool {
    /** A connection to the generation's file; blocks while all are in use, up to the pool's timeout. */
    Connection borrow() throws SQLException;

    /** Takes back a borrowed connection whose statements the lease has closed. */
    void giveBack(Connection connection);

    /** Closes every connection; nothing is borrowed any more when the engine calls it. */
    void close();
}
