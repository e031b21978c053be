package dev.hotswap.quarkus;

import io.quarkus.runtime.annotations.ConfigPhase;
import io.quarkus.runtime.annotations.ConfigRoot;
import io.quarkus.runtime.configuration.MemorySize;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The engine's configuration under {@code quarkus.hotswap.*}. Only the databases are required:
 * <pre>
 * quarkus.hotswap.databases.production.path=db/production.sqlite3
 * quarkus.hotswap.socket=tmp/sockets/hotswap.sock
 * </pre>
 * Knobs left unset keep the engine's defaults ({@code dev.hotswap.engine.HotswapBuilder}), which each
 * one names.
 */
@ConfigMapping(prefix = "quarkus.hotswap")
@ConfigRoot(phase = ConfigPhase.RUN_TIME)
public interface HotswapConfig {
    /**
     * The managed SQLite databases by name; the CLI names a database by this name or by its path.
     * Each becomes a {@code DataSource} bean {@code @Named} after it.
     */
    Map<String, Database> databases();

    /**
     * Whether every HTTP request passes the gate. False leaves requests unpinned, so that one request
     * may read two generations across a swap: a benchmark's baseline, never a setting for an application.
     */
    @WithDefault("true")
    boolean gateEnabled();

    /** The admin socket's path (engine default: tmp/sockets/hotswap.sock in the working directory). */
    Optional<Path> socket();

    /** Whether to serve the admin socket; false leaves only the in-process API. */
    @WithDefault("true")
    boolean socketEnabled();

    /** Peer uids allowed on the admin socket besides the server's own (engine default: none). */
    Optional<List<Long>> allowedUids();

    /** Admin connections served at once, 1 to 64 (engine default: 4). */
    OptionalInt maxConnections();

    /** How long an admin connection may stay silent before it is closed (engine default: 30 s). */
    Optional<Duration> idleTimeout();

    /**
     * The longest the warm-up statements of one swap may run together; past it a push is refused
     * and a rollback goes on (engine default: 60 s).
     */
    Optional<Duration> warmUpTimeout();

    /** Connections per generation of the engine's pool of each database, 1 to 256 (engine default: 8). */
    OptionalInt poolSize();

    /** Earlier generations of each database kept for 'hotswap rollback', 0 to 1000 (engine default: 1). */
    OptionalInt keep();

    /**
     * How long a superseded generation may stay held by requests or connections before the engine
     * logs a warning naming them, 100 ms to 1 day (engine default: 60 s).
     */
    Optional<Duration> pinWarning();

    /**
     * Free space a push leaves on the database's volume for the application's own writes (engine
     * default: 64M); 0 lets a push use the volume up.
     */
    Optional<MemorySize> diskReserve();

    /** The slowest upload the admin socket accepts, per second, over each idle timeout (engine default: 16K). */
    Optional<MemorySize> minUploadRate();

    /** One managed database. */
    interface Database {
        /** The live SQLite file; it must exist when the application starts, unless create-if-missing. */
        Path path();

        /**
         * Whether the engine creates an empty database (WAL mode, file mode 0600, missing folders too)
         * when the path leads to nothing at start, for the application's migrations to make its schema
         * in. Off, as in the engine, a missing file stops the application at start.
         */
        @WithDefault("false")
        boolean createIfMissing();

        /**
         * The application's checks of a pushed file as SQL, by check name: each query runs on the
         * pushed file and passes when it returns one row of one column holding a non-zero number;
         * anything else refuses the push. They run on every push and dry run of this database.
         */
        Map<String, String> checks();

        /**
         * Statements run, in order, on a new generation before it goes live (every push and rollback),
         * so that the first requests after a swap find their pages cached; one that fails refuses a push.
         */
        Optional<List<String>> warmUp();
    }
}
