package dev.hotswap.spring.boot.autoconfigure;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.pool.HikariPool;
import dev.hotswap.engine.PoolFactory;
import java.nio.file.Path;
import java.sql.SQLException;
import javax.sql.DataSource;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.sqlite.SQLiteOpenMode;

/**
 * A HikariCP pool per generation, configured the way Spring Boot configures its own: from the
 * {@code spring.datasource.hikari.*} properties, read afresh for every generation. What they cannot
 * change: the JDBC URL is the generation's file, opened read-write without creating it (a file that
 * vanished must fail, not come back empty), and the pool name ends with the file's name so that two
 * generations' pools never share one. SQLite's busy timeout defaults to the engine's 5 s
 * ({@code spring.datasource.hikari.data-source-properties.busy_timeout} changes it).
 */
final class HikariPools implements PoolFactory {
    /** The engine's busy timeout on its own connections. */
    static final String BUSY_TIMEOUT_MILLIS = "5000";

    private final Binder binder;
    private final Integer poolSize;

    /**
     * Pools configured from {@code binder}'s {@code spring.datasource.hikari}; {@code poolSize}
     * ({@code hotswap.pool-size}, or null) is their maximum unless those properties set one.
     */
    HikariPools(Binder binder, Integer poolSize) {
        this.binder = binder;
        this.poolSize = poolSize;
    }

    @Override
    public DataSource open(String database, Path file) throws SQLException {
        HikariConfig config = new HikariConfig();
        if (poolSize != null) {
            config.setMaximumPoolSize(poolSize);
        }
        config.addDataSourceProperty("busy_timeout", BUSY_TIMEOUT_MILLIS);
        binder.bind("spring.datasource.hikari", Bindable.ofInstance(config));
        config.setJdbcUrl("jdbc:sqlite:" + file);
        config.addDataSourceProperty("open_mode", Integer.toString(SQLiteOpenMode.READWRITE.flag));
        String name = config.getPoolName() != null ? config.getPoolName() : "hotswap-" + database;
        config.setPoolName(name + "-" + file.getFileName());
        try {
            return new HikariDataSource(config);
        } catch (HikariPool.PoolInitializationException e) {
            throw new SQLException("HikariCP cannot open " + file + ": " + e.getMessage(), e);
        }
    }

    @Override
    public String toString() {
        return "HikariCP per generation (spring.datasource.hikari.*)";
    }
}
