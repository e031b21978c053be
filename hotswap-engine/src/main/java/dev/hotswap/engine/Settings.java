package dev.hotswap.engine;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The engine's configuration, as {@link HotswapBuilder} validated it: an immutable value.
 *
 * @param databases managed name to live path (absolute, normalized), in the order configured
 * @param socket the admin socket's path, absolute
 * @param socketEnabled whether to serve the admin socket
 * @param allowedUids peer uids allowed besides the server's own
 * @param maxConnections admin conversations at once
 * @param idleTimeout how long an admin connection may stay silent
 * @param poolSize connections per generation of the engine's own pool
 * @param keep earlier generations kept per database
 * @param poolFactory the application's pool per generation, or null for the engine's own
 * @param pinWarning how long a superseded generation may stay pinned before a warning is logged
 * @param listeners told after every push and rollback
 * @param diskReserve free bytes a push leaves on the database's volume
 * @param minUploadRate the slowest upload the admin socket accepts, bytes per second
 * @param rollouts where {@code --fleet} requests go, or null when the server is in no fleet
 * @param clock the wall clock of the instants shown for generations (tests step it); never used to order them
 * @param disk where every disk step of a generation's life goes ({@link Disk#REAL}; tests fail or crash it)
 * @param createIfMissing the databases whose live path, if it leads to nothing at start, gets an empty
 *     database ({@link EmptyDatabase})
 * @param checks the application's checks of each database, by database name (every name has an entry)
 * @param warmUp per database, the statements run on a new generation before it goes live ({@link WarmUp})
 * @param warmUpTimeout the longest the warm-up statements of one swap may run together
 */
record Settings(Map<String, Path> databases, Path socket, boolean socketEnabled, long[] allowedUids,
        int maxConnections, Duration idleTimeout, int poolSize, int keep, PoolFactory poolFactory,
        Duration pinWarning, List<SwapListener> listeners, long diskReserve, long minUploadRate, Rollouts rollouts,
        Clock clock, Disk disk, Set<String> createIfMissing, Map<String, CandidateChecks> checks,
        Map<String, List<String>> warmUp, Duration warmUpTimeout) {

    /** SQLite's busy timeout on every connection the engine opens: 5 s, SQLite's own advice. */
    static final Duration BUSY_TIMEOUT = Duration.ofSeconds(5);

    Settings {
        databases = Collections.unmodifiableMap(new LinkedHashMap<>(databases));
        allowedUids = allowedUids.clone();
        listeners = List.copyOf(listeners);
        Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(disk, "disk");
        createIfMissing = Set.copyOf(createIfMissing);
        checks = Map.copyOf(checks);
        warmUp = Map.copyOf(warmUp);
        Objects.requireNonNull(warmUpTimeout, "warmUpTimeout");
    }

    /** The checks of {@code database}, none if it has none. */
    CandidateChecks checksOf(String database) {
        return checks.getOrDefault(database, CandidateChecks.NONE);
    }

    @Override
    public long[] allowedUids() {
        return allowedUids.clone();
    }
}
