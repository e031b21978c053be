package dev.hotswap.spring.boot.autoconfigure;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;

/**
 * The engine's configuration under {@code hotswap.*}. Only {@code hotswap.databases} is required:
 * <pre>
 * hotswap.databases.production.path=db/production.sqlite3
 * hotswap.socket=tmp/sockets/hotswap.sock
 * </pre>
 * A database file that does not exist yet is created empty at start for the application's migrations
 * ({@code hotswap.databases.production.create-if-missing=false} makes it an error instead); the
 * engine's own builder leaves that off.
 * Knobs left unset keep the engine's defaults (see {@code dev.hotswap.engine.HotswapBuilder}).
 */
@ConfigurationProperties("hotswap")
public final class HotswapProperties {
    /** Whether to run the hotswap engine at all. */
    private boolean enabled = true;

    /**
     * The managed SQLite databases by name; the CLI names a database by this name or by its path.
     * Each becomes a DataSource bean named after it: production gives productionDataSource.
     */
    private final Map<String, Database> databases = new LinkedHashMap<>();

    /**
     * The database whose DataSource bean is primary, when several are managed (a single one is
     * primary anyway). None is primary when the application defines a DataSource bean of its own.
     */
    private String primary;

    /** The admin socket's path (engine default: tmp/sockets/hotswap.sock in the working directory). */
    private Path socket;

    /** Whether to serve the admin socket; false leaves only the in-process API. */
    private boolean socketEnabled = true;

    /** Peer uids allowed on the admin socket besides the server's own. */
    private final List<Long> allowedUids = new ArrayList<>();

    /** Admin connections served at once, 1 to 64 (engine default: 4). */
    private Integer maxConnections;

    /** How long an admin connection may stay silent before it is closed (engine default: 30 s). */
    private Duration idleTimeout;

    /**
     * The longest the warm-up statements of one swap may run together; past it a push is refused
     * and a rollback goes on (engine default: 60 s).
     */
    private Duration warmUpTimeout;

    /**
     * Connections per generation of each database, 1 to 256: the engine's own pool (default 8), or,
     * with HikariCP on the class path, Hikari's maximum pool size unless
     * spring.datasource.hikari.maximum-pool-size sets it.
     */
    private Integer poolSize;

    /** Earlier generations of each database kept for 'hotswap rollback', 0 to 1000 (engine default: 1). */
    private Integer keep;

    /**
     * How long a superseded generation may stay held by requests or connections before the engine
     * logs a warning naming them, 100 ms to 1 day (engine default: 60 s).
     */
    private Duration pinWarning;

    /**
     * Free space a push leaves on the database's volume for the application's own writes (engine
     * default: 64 MB); 0 lets a push use the volume up.
     */
    private DataSize diskReserve;

    /**
     * The slowest upload the admin socket accepts, per second, averaged over each idle timeout
     * (engine default: 16 KB).
     */
    private DataSize minUploadRate;

    public boolean isEnabled() {
        return enabled;
    }

    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    public Map<String, Database> getDatabases() {
        return databases;
    }

    public String getPrimary() {
        return primary;
    }

    public void setPrimary(String primary) {
        this.primary = primary;
    }

    public Path getSocket() {
        return socket;
    }

    public void setSocket(Path socket) {
        this.socket = socket;
    }

    public boolean isSocketEnabled() {
        return socketEnabled;
    }

    public void setSocketEnabled(boolean socketEnabled) {
        this.socketEnabled = socketEnabled;
    }

    public List<Long> getAllowedUids() {
        return allowedUids;
    }

    public Integer getMaxConnections() {
        return maxConnections;
    }

    public void setMaxConnections(Integer maxConnections) {
        this.maxConnections = maxConnections;
    }

    public Duration getIdleTimeout() {
        return idleTimeout;
    }

    public void setIdleTimeout(Duration idleTimeout) {
        this.idleTimeout = idleTimeout;
    }

    public Duration getWarmUpTimeout() {
        return warmUpTimeout;
    }

    public void setWarmUpTimeout(Duration warmUpTimeout) {
        this.warmUpTimeout = warmUpTimeout;
    }

    public Integer getPoolSize() {
        return poolSize;
    }

    public void setPoolSize(Integer poolSize) {
        this.poolSize = poolSize;
    }

    public Integer getKeep() {
        return keep;
    }

    public void setKeep(Integer keep) {
        this.keep = keep;
    }

    public Duration getPinWarning() {
        return pinWarning;
    }

    public void setPinWarning(Duration pinWarning) {
        this.pinWarning = pinWarning;
    }

    public DataSize getDiskReserve() {
        return diskReserve;
    }

    public void setDiskReserve(DataSize diskReserve) {
        this.diskReserve = diskReserve;
    }

    public DataSize getMinUploadRate() {
        return minUploadRate;
    }

    public void setMinUploadRate(DataSize minUploadRate) {
        this.minUploadRate = minUploadRate;
    }

    /** One managed database. */
    public static final class Database {
        /** The live SQLite file; it must exist when the application starts, unless create-if-missing. */
        private Path path;

        /**
         * Whether the engine creates an empty database (WAL mode, file mode 0600, missing folders too)
         * when the path leads to nothing at start, for the application's migrations (Flyway, Liquibase,
         * schema.sql) to make its schema in; it becomes generation 1. A symbolic link that leads nowhere
         * is an error either way. Off, a missing file stops the application at start.
         */
        private boolean createIfMissing = true;

        /**
         * The application's checks of a pushed file as SQL, by check name
         * ({@code hotswap.databases.production.checks.products-not-empty=SELECT count(*) > 0 FROM products}):
         * each query runs on the pushed file and passes when it returns exactly one row of one column
         * holding a non-zero number; anything else refuses the push, saying what came back. They run
         * after the {@code CandidateCheck} beans, on every push and dry run of this database.
         */
        private final Map<String, String> checks = new LinkedHashMap<>();

        /**
         * Statements run, in order and each to its last row, on a new generation before it goes live
         * (every push and rollback), so that the first requests after a swap find their pages cached;
         * one that fails refuses a push. Empty: only the connections are opened.
         */
        private final List<String> warmUp = new ArrayList<>();

        public Path getPath() {
            return path;
        }

        public void setPath(Path path) {
            this.path = path;
        }

        public boolean isCreateIfMissing() {
            return createIfMissing;
        }

        public void setCreateIfMissing(boolean createIfMissing) {
            this.createIfMissing = createIfMissing;
        }

        public Map<String, String> getChecks() {
            return checks;
        }

        public List<String> getWarmUp() {
            return warmUp;
        }
    }
}
