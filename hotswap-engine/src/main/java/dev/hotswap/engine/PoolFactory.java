package dev.hotswap.engine;

import java.nio.file.Path;

import javax.sql.DataSource;

/**
 * Makes the connection pool of one generation, for an application that wants its own pool (HikariCP,
 * say) instead of the engine's. The engine calls it when a generation opens, with the one path that
 * generation's connections must use, hands out the pool's connections through
 * {@link Hotswap#dataSource(String)}, and closes the pool (if it is {@link AutoCloseable}, as
 * {@code HikariDataSource} is) when the generation retires:
 * <pre>{@code
 * Hotswap.builder()
 *     .database("production", Path.of("db/production.sqlite3"))
 *     .pool((database, file) -> {
 *         HikariConfig config = new HikariConfig();
 *         config.setJdbcUrl("jdbc:sqlite:" + file);
 *         config.setMaximumPoolSize(8);
 *         return new HikariDataSource(config);
 *     })
 * }</pre>
 * The pool must open connections to {@code file} only, exactly as given: not to the live path, which
 * leads to whichever generation is current.
 */
@FunctionalInterface
public interface PoolFactory {
    /**
     * A new pool of connections to {@code file}, generation of {@code database}.
     *
     * @throws Exception if the pool cannot be made; the swap that needed it is then refused
     */
    DataSource open(String database, Path file) throws Exception;

}
