package dev.hotswap.engine;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

import dev.hotswap.protocol.Protocol;

/**
 * Configures a {@link Hotswap}. Required: at least one {@link #database}. Each call validates its
 * value; {@link #build()} makes an immutable configuration, so a builder can be reused.
 */
public final class HotswapBuilder {
    private final Map<String, Path> databases = new LinkedHashMap<>();
    private Path socket;
    private long[] allowedUids = new long[0];
    private final List<SwapListener> listeners = new ArrayList<>();
    private int maxConnections = 4;
    private int poolSize = 8;
    private int keep = 1;
    private PoolFactory poolFactory;
    private Duration pinWarning = Duration.ofSeconds(60);
    private boolean socketEnabled = true;
    private Duration idleTimeout = Duration.ofSeconds(30);
    private long diskReserve = DiskBudget.DEFAULT_RESERVE;
    private long minUploadRate = 16 << 10;
    private Rollouts rollouts;
    private Clock clock = Clock.systemUTC();
    private Disk disk = Disk.REAL;
    private boolean createIfMissing;
    /** Per-database choices of {@link #createIfMissing(String, boolean)}, over {@link #createIfMissing}. */
    private final Map<String, Boolean> createIfMissingOf = new HashMap<>();
    private final List<CandidateChecks.Named> checks = new ArrayList<>();
    private final Map<String, List<CandidateChecks.Named>> checksOf = new HashMap<>();
    private final Map<String, List<String>> warmUp = new HashMap<>();
    private Duration warmUpTimeout = Duration.ofSeconds(60);

    /** Made by {@link Hotswap#builder()}. */
    HotswapBuilder() {
    }

    /**
     * Manages the SQLite file at {@code path} under {@code name}; the CLI names it by either. The
     * path must lead to a file at {@link Hotswap#start()}: a regular file, or a symbolic link; unless
     * {@link #createIfMissing(boolean)} lets the engine create it.
     *
     * @throws IllegalArgumentException for an empty name, one with whitespace or {@code /}, {@code -},
     *     a name or path given twice, or a path containing {@code ?}
     */
    public HotswapBuilder database(String name, Path path) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(path, "path");
        if (name.isEmpty() || name.equals("-") || name.chars().anyMatch(c -> Character.isWhitespace(c) || c == '/')) {
            throw new IllegalArgumentException("database name '" + name
                    + "' must be non-empty, not '-', without whitespace or '/'");
        }
        Path absolute = path.toAbsolutePath().normalize();
        if (absolute.toString().indexOf('?') >= 0) {
            throw new IllegalArgumentException("database path " + absolute + " contains '?', which sqlite-jdbc reads as options");
        }
        if (databases.containsKey(name)) {
            throw new IllegalArgumentException("database " + name + " is already managed");
        }
        if (databases.containsValue(absolute)) {
            throw new IllegalArgumentException("database path " + absolute + " is already managed");
        }
        databases.put(name, absolute);
        return this;
    }

    /** The admin socket's path (default {@code tmp/sockets/hotswap.sock} in the working directory). */
    public HotswapBuilder socket(Path path) {
        this.socket = Objects.requireNonNull(path, "path").toAbsolutePath().normalize();
        return this;
    }

    /**
     * How many earlier generations of each database to keep for {@link Hotswap#rollback} (default 1);
     * older ones are deleted once no request holds them. 0 keeps none.
     *
     * @throws IllegalArgumentException unless between 0 and 1000
     */
    public HotswapBuilder keep(int generations) {
        if (generations < 0 || generations > 1000) {
            throw new IllegalArgumentException("keep " + generations + " is outside 0..1000");
        }
        this.keep = generations;
        return this;
    }

    /**
     * The application's own pool per generation instead of the engine's (see {@link PoolFactory}).
     * {@link #poolSize} then does not apply.
     */
    public HotswapBuilder pool(PoolFactory factory) {
        this.poolFactory = Objects.requireNonNull(factory, "factory");
        return this;
    }

    /**
     * How long a superseded generation may stay held by requests or connections before a warning
     * names it, with their count, in the log (default 60 s). It is never closed under them.
     *
     * @throws IllegalArgumentException unless between 100 ms and 1 day
     */
    public HotswapBuilder pinWarning(Duration after) {
        Objects.requireNonNull(after, "after");
        if (after.toMillis() < 100 || after.compareTo(Duration.ofDays(1)) > 0) {
            throw new IllegalArgumentException("pin warning " + after + " is outside 100 ms..1 day");
        }
        this.pinWarning = after;
        return this;
    }

    /**
     * Peer uids allowed on the admin socket besides the server's own (default: only its own).
     *
     * @throws IllegalArgumentException for a negative uid
     */
    public HotswapBuilder allowedUids(long... uids) {
        for (long uid : uids) {
            if (uid < 0) {
                throw new IllegalArgumentException("uid " + uid + " is negative");
            }
        }
        this.allowedUids = uids.clone();
        return this;
    }

    /** Adds a listener told after every push and rollback. */
    public HotswapBuilder listener(SwapListener listener) {
        listeners.add(Objects.requireNonNull(listener, "listener"));
        return this;
    }

    /**
     * Admin connections served at once (default 4); more are answered "busy" and closed.
     *
     * @throws IllegalArgumentException unless between 1 and 64
     */
    public HotswapBuilder maxConnections(int n) {
        if (n < 1 || n > 64) {
            throw new IllegalArgumentException("max connections " + n + " is outside 1..64");
        }
        this.maxConnections = n;
        return this;
    }

    /**
     * Connections per generation of the engine's own pool (default 8).
     *
     * @throws IllegalArgumentException unless between 1 and 256
     */
    public HotswapBuilder poolSize(int n) {
        if (n < 1 || n > 256) {
            throw new IllegalArgumentException("pool size " + n + " is outside 1..256");
        }
        this.poolSize = n;
        return this;
    }

    /**
     * How long an admin connection may stay silent, or stall our writes, before it is closed
     * (default 30 s).
     *
     * @throws IllegalArgumentException unless between 10 ms and 1 hour
     */
    public HotswapBuilder idleTimeout(Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.toMillis() < 10 || timeout.compareTo(Duration.ofHours(1)) > 0) {
            throw new IllegalArgumentException("idle timeout " + timeout + " is outside 10 ms..1 h");
        }
        this.idleTimeout = timeout;
        return this;
    }

    /**
     * Free space a push leaves on the database's volume for the app's own writes (default
     * 64 MiB): a push whose declared size does not fit with it is refused before any byte is
     * received, and an upload of unknown size is stopped (its temp file deleted) once free space
     * falls below it. 0 lets a push use the volume up.
     *
     * @throws IllegalArgumentException for a negative reserve
     */
    public HotswapBuilder diskReserve(long bytes) {
        if (bytes < 0) {
            throw new IllegalArgumentException("disk reserve " + bytes + " is negative");
        }
        this.diskReserve = bytes;
        return this;
    }

    /**
     * The slowest upload the admin socket accepts, in bytes per second averaged over each idle
     * timeout (default 16 KiB/s): a client that sends less is cut off with exit 1, so that a
     * trickle cannot hold a connection slot and the database's one push for ever.
     *
     * @throws IllegalArgumentException unless between 1 byte/s and 1 GiB/s
     */
    public HotswapBuilder minUploadRate(long bytesPerSecond) {
        if (bytesPerSecond < 1 || bytesPerSecond > 1L << 30) {
            throw new IllegalArgumentException("min upload rate " + bytesPerSecond + " bytes/s is outside 1..1073741824");
        }
        this.minUploadRate = bytesPerSecond;
        return this;
    }

    /**
     * Makes this server part of a fleet (the {@code hotswap-fleet} module's {@code HotswapFleet}):
     * it joins when the engine starts, takes the CLI's {@code --fleet} pushes and rollbacks, and
     * leaves when the engine closes (see {@link Rollouts}). Default: none, and {@code --fleet}
     * requests are refused.
     */
    public HotswapBuilder rollouts(Rollouts rollouts) {
        this.rollouts = Objects.requireNonNull(rollouts, "rollouts");
        return this;
    }

    /** Tests only: the wall clock of the instants shown for generations (default: the system's, UTC). */
    HotswapBuilder clock(Clock clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
        return this;
    }

    /** Tests only: where the disk steps of generations go, to fail or crash them (default: {@link Disk#REAL}). */
    HotswapBuilder disk(Disk disk) {
        this.disk = Objects.requireNonNull(disk, "disk");
        return this;
    }

    /**
     * Whether the engine creates an empty database where a database's path leads to nothing at
     * {@link Hotswap#start()} (default false): a WAL database with mode 0600, and its parent folders,
     * made under a temp name and then linked into place, so that a crash never leaves a half-made file
     * at the live path. The start then adopts it as generation 1, and the application's migrations
     * make its schema. A symbolic link that leads nowhere stays an error. Off by default so that a
     * mistyped path in production fails at start instead of quietly serving an empty database.
     */
    public HotswapBuilder createIfMissing(boolean create) {
        this.createIfMissing = create;
        return this;
    }

    /**
     * {@link #createIfMissing(boolean)} for one database, over the choice for all.
     *
     * @throws IllegalArgumentException if no database of that name is configured (call
     *     {@link #database} first)
     */
    public HotswapBuilder createIfMissing(String database, boolean create) {
        Objects.requireNonNull(database, "database");
        if (!databases.containsKey(database)) {
            throw new IllegalArgumentException("database " + database + " is not managed: call database(" + database
                    + ", path) first");
        }
        createIfMissingOf.put(database, create);
        return this;
    }

    /**
     * Adds the application's check {@code name} to every database: each push, dry run and fleet
     * rollout runs it after the integrity and schema checks, in the order added (see
     * {@link CandidateCheck}); {@code hotswap cp --skip-check NAME} skips it once.
     *
     * @throws IllegalArgumentException for a name that is not 1 to 64 letters, digits, {@code ._-},
     *     or that a database has already
     */
    public HotswapBuilder check(String name, CandidateCheck check) {
        CandidateChecks.checkName(name);
        Objects.requireNonNull(check, "check");
        if (checks.stream().anyMatch(named -> named.name().equals(name))
                || checksOf.values().stream().flatMap(List::stream).anyMatch(named -> named.name().equals(name))) {
            throw new IllegalArgumentException("check " + name + " is already added");
        }
        checks.add(new CandidateChecks.Named(name, check));
        return this;
    }

    /**
     * Adds the application's check {@code name} to {@code database} only, after the checks for all.
     *
     * @throws IllegalArgumentException if no database of that name is configured (call {@link #database}
     *     first), or for a name that is malformed or that the database has already
     */
    public HotswapBuilder check(String database, String name, CandidateCheck check) {
        Objects.requireNonNull(database, "database");
        CandidateChecks.checkName(name);
        Objects.requireNonNull(check, "check");
        if (!databases.containsKey(database)) {
            throw new IllegalArgumentException("database " + database + " is not managed: call database(" + database
                    + ", path) first");
        }
        List<CandidateChecks.Named> own = checksOf.computeIfAbsent(database, key -> new ArrayList<>());
        if (checks.stream().anyMatch(named -> named.name().equals(name))
                || own.stream().anyMatch(named -> named.name().equals(name))) {
            throw new IllegalArgumentException("check " + name + " is already added to " + database);
        }
        own.add(new CandidateChecks.Named(name, check));
        return this;
    }

    /**
     * Statements run, in order and each to its last row, on a new generation of {@code database}
     * before it goes live: on every push (whole, delta, a fleet rollout's, a fleet catch-up's) and
     * rollback, so that the first requests after a swap find the pages they read in the page cache,
     * as fast as the ones before it:
     * <pre>{@code
     * .warmUp("production", "SELECT count(*) FROM products", "SELECT * FROM categories")
     * }</pre>
     * They run on one of the new generation's connections with {@code PRAGMA query_only} on, and each
     * is timed in a {@code warm-up} status line. One that fails refuses the push with its error, the
     * live database untouched: at staging when it does not compile on the new file (before a fleet's
     * servers answer), else just before the flip; on a rollback it is a warning and the rollback goes on. Replaces the
     * statements given before; none (the default) warms only the connections.
     *
     * @throws IllegalArgumentException if no database of that name is configured, or a statement is blank
     */
    public HotswapBuilder warmUp(String database, String... statements) {
        Objects.requireNonNull(database, "database");
        if (!databases.containsKey(database)) {
            throw new IllegalArgumentException("database " + database + " is not managed: call database(" + database
                    + ", path) first");
        }
        for (String sql : statements) {
            if (Objects.requireNonNull(sql, "statement").isBlank()) {
                throw new IllegalArgumentException("a warm-up statement of " + database + " is blank");
            }
        }
        warmUp.put(database, List.of(statements));
        return this;
    }

    /**
     * The longest the warm-up statements of one swap may run together (default 60 s). Past it the
     * running statement is interrupted: a push is refused, the live database untouched; a rollback
     * goes on with a warning, so that no statement can hold up an emergency.
     *
     * @throws IllegalArgumentException if {@code timeout} is not positive
     */
    public HotswapBuilder warmUpTimeout(Duration timeout) {
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("warm-up timeout must be positive: " + timeout);
        }
        this.warmUpTimeout = timeout;
        return this;
    }

    /** Whether to serve the admin socket (default true); false leaves only the in-process API. */
    public HotswapBuilder socketEnabled(boolean enabled) {
        this.socketEnabled = enabled;
        return this;
    }

    /**
     * A new, unstarted {@link Hotswap} of this configuration.
     *
     * @throws IllegalStateException if no database is configured, or the socket path is too long
     *     for a Unix socket
     */
    public Hotswap build() {
        if (databases.isEmpty()) {
            throw new IllegalStateException("no database configured: call database(name, path)");
        }
        Path socketPath = socket != null ? socket
                : Path.of(Protocol.DEFAULT_SOCKET).toAbsolutePath().normalize();
        int length = socketPath.toString().getBytes(StandardCharsets.UTF_8).length;
        if (socketEnabled && length > Protocol.MAX_SOCKET_PATH) {
            throw new IllegalStateException("socket path " + socketPath + " is " + length
                    + " bytes, more than the " + Protocol.MAX_SOCKET_PATH + " a Unix socket allows");
        }
        Set<String> create = new HashSet<>();
        for (String name : databases.keySet()) {
            if (createIfMissingOf.getOrDefault(name, createIfMissing)) {
                create.add(name);
            }
        }
        return new Hotswap(new Settings(databases, socketPath, socketEnabled, allowedUids, maxConnections,
                idleTimeout, poolSize, keep, poolFactory, pinWarning, listeners, diskReserve, minUploadRate,
                rollouts, clock, disk, create, CandidateChecks.of(databases.keySet(), checks, checksOf), warmUp,
                warmUpTimeout));
    }
}
