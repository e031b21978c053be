package dev.hotswap.engine;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.locks.ReentrantLock;

import javax.sql.DataSource;

/**
 * The engine embedded in an application: it owns the managed databases, the {@link SwapGate gate}
 * every request passes, and the admin socket the {@code hotswap} CLI talks to.
 *
 * <pre>{@code
 * Hotswap hotswap = Hotswap.builder()
 *     .database("production", Path.of("db/production.sqlite3"))
 *     .build()
 *     .start();                                      // binds tmp/sockets/hotswap.sock
 * DataSource db = hotswap.dataSource("production");  // the app's connections: closed at swap time
 * SwapGate gate = hotswap.gate();                    // adapters: enter before, leave after each request
 * ...
 * hotswap.close();
 * }</pre>
 *
 * <p>The application must not hold connections to a managed file across a swap. Connections from
 * {@link #dataSource(String)} are closed by the engine when it swaps; an application with its own
 * pool closes that pool's connections in a {@link SwapListener}. A connection left open elsewhere
 * keeps the old file's write-ahead log alive; the engine then refuses the swap rather than let those
 * frames reach the new file.
 *
 * <p>A database whose write-ahead log persists after its last connection closes (SQLite's
 * {@code SQLITE_FCNTL_PERSIST_WAL}) cannot be told apart from one still open elsewhere, so its
 * swaps are refused. At {@link #start()} the engine deletes its temp files next to every managed
 * file: two engines must not manage the same file.
 *
 * <p><b>Symbolic links.</b> If a managed path is a symbolic link, the swap replaces the file the link
 * points to, in that file's directory (where the temp file is written too); the link itself is never
 * changed, so deployments that switch links (releases/42/db.sqlite3) keep working.
 *
 * <p><b>Missing knobs</b>, on purpose: no way to skip the header sanity check (a truncated file must
 * never go live), no busy timeout setting (5 s, as SQLite's own default advice), no swap without
 * draining, no push into a database that does not exist yet (the schema check needs a live file).
 */
public final class Hotswap implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(Hotswap.class.getName());
    static final Duration BUSY_TIMEOUT = Duration.ofSeconds(5);

    private enum State { NEW, STARTED, CLOSED }

    private final Map<String, ManagedDatabase> databases;
    private final Path socketPath;
    private final Duration drainTimeout;
    private final long[] allowedUids;
    private final List<SwapListener> listeners;
    private final int maxConnections;
    private final boolean socketEnabled;
    private final Duration idleTimeout;
    private final SwapGate gate = new SwapGate();
    private final ReentrantLock swapLock = new ReentrantLock();
    private State state = State.NEW;
    private AdminServer server;

    private Hotswap(Builder builder) {
        Map<String, ManagedDatabase> byName = new LinkedHashMap<>();
        builder.databases.forEach((name, path) ->
                byName.put(name, new ManagedDatabase(name, path, builder.poolSize, BUSY_TIMEOUT)));
        this.databases = byName;
        this.socketPath = builder.socket;
        this.drainTimeout = builder.drainTimeout;
        this.allowedUids = builder.allowedUids.clone();
        this.listeners = List.copyOf(builder.listeners);
        this.maxConnections = builder.maxConnections;
        this.socketEnabled = builder.socketEnabled;
        this.idleTimeout = builder.idleTimeout;
    }

    /** A builder with the defaults: socket {@code tmp/sockets/hotswap.sock}, drain timeout 5 s. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Checks that every managed file exists, deletes temp files a crash left next to them, and binds
     * the admin socket (unless disabled).
     *
     * @return this
     * @throws IOException if a database file is missing, or the socket cannot be bound (for instance
     *     because a live server answers on it)
     * @throws IllegalStateException if started or closed before
     */
    public synchronized Hotswap start() throws IOException {
        if (state != State.NEW) {
            throw new IllegalStateException("hotswap is " + state.name().toLowerCase(java.util.Locale.ROOT)
                    + "; start() works once, on a new instance");
        }
        for (ManagedDatabase db : databases.values()) {
            db.requireFile();
            TempFiles.deleteOrphans(db.path());
            Path real = db.realPath();
            if (!real.getParent().equals(db.path().getParent()) || !real.getFileName().equals(db.path().getFileName())) {
                TempFiles.deleteOrphans(real);
            }
        }
        if (socketEnabled) {
            server = AdminServer.start(this, socketPath, allowedUids, maxConnections, idleTimeout);
        }
        state = State.STARTED;
        LOG.log(System.Logger.Level.INFO, "hotswap started: {0}{1}", databases.values(),
                socketEnabled ? ", socket " + socketPath : ", no socket");
        return this;
    }

    /** Stops the admin socket (its file is removed) and closes the engine's connections. Idempotent. */
    @Override
    public void close() {
        AdminServer stopping;
        synchronized (this) {
            if (state == State.CLOSED) {
                return;
            }
            state = State.CLOSED;
            stopping = server;
            server = null;
        }
        if (stopping != null) {
            stopping.close();
        }
        databases.values().forEach(db -> db.pool().close());
        LOG.log(System.Logger.Level.INFO, "hotswap closed");
    }

    /** The one gate for all requests of the application. */
    public SwapGate gate() {
        return gate;
    }

    /**
     * The engine-owned connection pool of {@code database}: a {@code DataSource} whose connections
     * return to the pool on {@code close()}, and are closed by the engine when it swaps the file (the
     * gate is drained then, so only connections used outside the gate notice). Connections carry a
     * 5 s busy timeout. Use it inside the gate:
     * <pre>{@code
     * try (Connection c = hotswap.dataSource("production").getConnection()) { ... }
     * }</pre>
     *
     * @throws IllegalArgumentException if {@code database} is not managed
     */
    public DataSource dataSource(String database) {
        return managed(database).pool();
    }

    /**
     * Pushes a new file into {@code database} in-process, through the same pipeline as the socket:
     * {@code content} is read to its end into a temp file, checked, and swapped in.
     *
     * @throws SwapRefusedException if a check, the drain or the concurrency rule refused; the live
     *     file is untouched
     * @throws IOException if reading {@code content} or writing the temp file failed (untouched too)
     * @throws IllegalArgumentException if {@code database} is not managed
     * @throws IllegalStateException if not started, or closed
     */
    public SwapReport push(String database, InputStream content, PushOptions options)
            throws IOException, SwapRefusedException {
        Objects.requireNonNull(content, "content");
        Objects.requireNonNull(options, "options");
        ManagedDatabase db = managed(database);
        requireStarted();
        try (Push push = Push.begin(this, db)) {
            return push.run(new StreamReceiver(content), options, Progress.NONE);
        }
    }

    /**
     * Writes a consistent snapshot of {@code database} to {@code out}, made with SQLite's backup API
     * (writers are not blocked in WAL mode). {@code out} is not closed.
     *
     * @throws IllegalArgumentException if {@code database} is not managed
     * @throws IllegalStateException if not started, or closed
     */
    public void pull(String database, OutputStream out) throws IOException {
        Objects.requireNonNull(out, "out");
        ManagedDatabase db = managed(database);
        requireStarted();
        Path snapshot = Snapshot.take(db);
        try {
            Snapshot.send(snapshot, out);
        } finally {
            TempFiles.delete(snapshot);
        }
    }

    /** The admin socket's path, absolute (also when the socket is disabled). */
    public Path socketPath() {
        return socketPath;
    }

    ManagedDatabase managed(String database) {
        ManagedDatabase db = databases.get(Objects.requireNonNull(database, "database"));
        if (db == null) {
            throw new IllegalArgumentException("unknown database " + database + " (managed: " + describe() + ")");
        }
        return db;
    }

    Collection<ManagedDatabase> databases() {
        return databases.values();
    }

    /** The managed databases for messages: {@code production /abs/a, staging /abs/b}. */
    String describe() {
        List<String> parts = new ArrayList<>();
        databases.values().forEach(db -> parts.add(db.toString()));
        return String.join(", ", parts);
    }

    /** The {@code ls} text: per database name, path, size, page size, journal mode, last swap, pause. */
    String listing() {
        StringBuilder out = new StringBuilder();
        for (ManagedDatabase db : databases.values()) {
            String size = "-";
            String pageSize = "-";
            String journal = "-";
            try {
                DatabaseHeader header = DatabaseHeader.read(db.path());
                size = Long.toString(Files.size(db.path()));
                if (header != null) {
                    pageSize = Integer.toString(header.pageSize());
                    journal = header.wal() ? "wal" : "delete";
                }
            } catch (IOException e) {
                LOG.log(System.Logger.Level.WARNING, "ls: cannot read " + db.path(), e);
            }
            out.append(db.name()).append('\t').append(db.path()).append('\t').append(size).append('\t')
                    .append(pageSize).append('\t').append(journal).append('\t')
                    .append(db.lastSwap() == null ? "-" : db.lastSwap().toString()).append('\t')
                    .append(db.lastPauseMicros() < 0 ? "-" : Long.toString(db.lastPauseMicros())).append('\n');
        }
        return out.toString();
    }

    static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    ReentrantLock swapLock() {
        return swapLock;
    }

    Duration drainTimeout() {
        return drainTimeout;
    }

    List<SwapListener> listeners() {
        return listeners;
    }

    /** Admin conversations running now (0 without a socket). */
    synchronized int adminConversations() {
        return server == null ? 0 : server.conversations();
    }

    synchronized boolean isStarted() {
        return state == State.STARTED;
    }

    private void requireStarted() {
        if (!isStarted()) {
            throw new IllegalStateException("hotswap is not started (or closed)");
        }
    }

    /**
     * Configures a {@link Hotswap}. Required: at least one {@link #database}. A builder whose product
     * was started refuses further changes with {@link IllegalStateException}.
     */
    public static final class Builder {
        /** Unix socket paths hold at most 107 bytes plus the terminating NUL. */
        private static final int MAX_SOCKET_PATH = 107;

        private final Map<String, Path> databases = new LinkedHashMap<>();
        private Path socket;
        private Duration drainTimeout = Duration.ofSeconds(5);
        private long[] allowedUids = new long[0];
        private final List<SwapListener> listeners = new ArrayList<>();
        private int maxConnections = 4;
        private int poolSize = 8;
        private boolean socketEnabled = true;
        private Duration idleTimeout = Duration.ofSeconds(30);
        private final List<Hotswap> built = new ArrayList<>();

        private Builder() {
        }

        /**
         * Manages the SQLite file at {@code path} under {@code name}; the CLI names it by either. The
         * file must exist at {@link Hotswap#start()}.
         *
         * @throws IllegalArgumentException for an empty name, one with whitespace or {@code /}, {@code -},
         *     a name or path given twice, or a path containing {@code ?}
         */
        public Builder database(String name, Path path) {
            checkNotStarted();
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
        public Builder socket(Path path) {
            checkNotStarted();
            this.socket = Objects.requireNonNull(path, "path").toAbsolutePath().normalize();
            return this;
        }

        /**
         * How long a swap waits for in-flight requests (default 5 s); on timeout the swap is abandoned,
         * the gate reopens and the push fails.
         *
         * @throws IllegalArgumentException unless between 1 ms and 1 hour
         */
        public Builder drainTimeout(Duration timeout) {
            checkNotStarted();
            Objects.requireNonNull(timeout, "timeout");
            if (timeout.toMillis() < 1 || timeout.compareTo(Duration.ofHours(1)) > 0) {
                throw new IllegalArgumentException("drain timeout " + timeout + " is outside 1 ms..1 h");
            }
            this.drainTimeout = timeout;
            return this;
        }

        /**
         * Peer uids allowed on the admin socket besides the server's own (default: only its own).
         *
         * @throws IllegalArgumentException for a negative uid
         */
        public Builder allowedUids(long... uids) {
            checkNotStarted();
            for (long uid : uids) {
                if (uid < 0) {
                    throw new IllegalArgumentException("uid " + uid + " is negative");
                }
            }
            this.allowedUids = uids.clone();
            return this;
        }

        /** Adds a listener told before and after every swap. */
        public Builder listener(SwapListener listener) {
            checkNotStarted();
            listeners.add(Objects.requireNonNull(listener, "listener"));
            return this;
        }

        /**
         * Admin connections served at once (default 4); more are answered "busy" and closed.
         *
         * @throws IllegalArgumentException unless between 1 and 64
         */
        public Builder maxConnections(int n) {
            checkNotStarted();
            if (n < 1 || n > 64) {
                throw new IllegalArgumentException("max connections " + n + " is outside 1..64");
            }
            this.maxConnections = n;
            return this;
        }

        /**
         * Physical connections per engine-owned data source (default 8).
         *
         * @throws IllegalArgumentException unless between 1 and 256
         */
        public Builder poolSize(int n) {
            checkNotStarted();
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
        public Builder idleTimeout(Duration timeout) {
            checkNotStarted();
            Objects.requireNonNull(timeout, "timeout");
            if (timeout.toMillis() < 10 || timeout.compareTo(Duration.ofHours(1)) > 0) {
                throw new IllegalArgumentException("idle timeout " + timeout + " is outside 10 ms..1 h");
            }
            this.idleTimeout = timeout;
            return this;
        }

        /** Whether to serve the admin socket (default true); false leaves only the in-process API. */
        public Builder socketEnabled(boolean enabled) {
            checkNotStarted();
            this.socketEnabled = enabled;
            return this;
        }

        /**
         * A new, unstarted {@link Hotswap} of this configuration.
         *
         * @throws IllegalStateException if no database is configured, the socket path is too long for
         *     a Unix socket, or a product of this builder was started
         */
        public Hotswap build() {
            checkNotStarted();
            if (databases.isEmpty()) {
                throw new IllegalStateException("no database configured: call database(name, path)");
            }
            Path socketPath = socket != null ? socket
                    : Path.of("tmp", "sockets", "hotswap.sock").toAbsolutePath().normalize();
            int length = socketPath.toString().getBytes(StandardCharsets.UTF_8).length;
            if (socketEnabled && length > MAX_SOCKET_PATH) {
                throw new IllegalStateException("socket path " + socketPath + " is " + length
                        + " bytes, more than the " + MAX_SOCKET_PATH + " a Unix socket allows");
            }
            Path saved = socket;
            socket = socketPath;
            try {
                Hotswap hotswap = new Hotswap(this);
                built.add(hotswap);
                return hotswap;
            } finally {
                socket = saved;
            }
        }

        private void checkNotStarted() {
            for (Hotswap hotswap : built) {
                synchronized (hotswap) {
                    if (hotswap.state != State.NEW) {
                        throw new IllegalStateException("a hotswap built here was started; build a new builder to reconfigure");
                    }
                }
            }
        }
    }
}
