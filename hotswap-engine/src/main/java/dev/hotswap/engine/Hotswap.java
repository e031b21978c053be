package dev.hotswap.engine;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.OptionalLong;

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
 * DataSource db = hotswap.dataSource("production");  // connections of the request's generation
 * SwapGate gate = hotswap.gate();                    // adapters: enter before, leave after each request
 * ...
 * hotswap.close();
 * }</pre>
 *
 * <p><b>Generations.</b> Every pushed file becomes a generation with a file of its own, in a hidden
 * folder beside the data ({@code db/.hotswap/production.sqlite3/000042.sqlite3}); the live path is a
 * symbolic link to the current one. A swap makes the new generation durable, points the link at it,
 * and flips which generation new requests get; requests in flight finish on the one they started on,
 * and a generation closes when its last request and connection are gone. {@link #rollback} makes an
 * earlier generation current the same way. A regular file found at the live path becomes generation
 * 1 at start, by a hard link in the folder (the same file, nothing copied), and the live path a link
 * to it; an operator's link to a file elsewhere (a data volume) is served where it lies and recorded
 * as a generation on the first swap, never moved or deleted. See {@code docs/design.md}.
 * The invariant: while a file is open, it is opened under one path only, and nothing renames it.
 *
 * <p>A database whose path leads to nothing gets the fleet's copy at start if the engine's
 * {@link HotswapBuilder#rollouts rollouts} have one ({@link Rollouts#copyOf}: a new server joins
 * serving what the fleet serves); otherwise it is an error, unless
 * {@link HotswapBuilder#createIfMissing(boolean)} lets the engine create it empty (WAL, mode 0600) for
 * the application's migrations. Either is then generation 1 like any adopted file.
 *
 * <p><b>Missing knobs</b>, on purpose: no way to skip the header sanity check (a truncated file must
 * never go live), no busy timeout setting (5 s, as SQLite's own default advice), no push into a
 * database that does not exist yet (the schema check needs a live file: start the engine with
 * {@code createIfMissing}, let the migrations run, then push), no choice of the created database's
 * journal mode or permissions (WAL and 0600; change the file's after, and pushes keep them), no way
 * to make requests wait for a swap (none ever needs to).
 */
public final class Hotswap implements AutoCloseable {
    // Each public call is checked here (arguments, database, started) and handed to the part whose job
    // it is: the lifecycle, the swaps, the databases, the views of the gate.
    private final Settings settings;
    private final SwapGate gate = new SwapGate();
    private final ManagedDatabases databases;
    private final Views views;
    private final DiskBudget diskBudget;
    private final EngineLifecycle lifecycle;
    private final Swaps swaps;

    /** Made by {@link HotswapBuilder#build()}. */
    Hotswap(Settings settings) {
        this.settings = settings;
        this.diskBudget = new DiskBudget(settings.diskReserve());
        this.databases = new ManagedDatabases(settings, gate);
        this.views = new Views(gate, databases.list(), settings.pinWarning());
        this.lifecycle = new EngineLifecycle(this, settings, databases, views, diskBudget);
        this.swaps = new Swaps(this, views, new SwapListeners(settings.listeners()), diskBudget);
    }

    /** A builder with the defaults: socket {@code tmp/sockets/hotswap.sock}, keep 1 earlier generation. */
    public static HotswapBuilder builder() {
        return new HotswapBuilder();
    }

    /**
     * Makes sure no live server answers on the admin socket, fetches the fleet's copy of the databases
     * that are missing ({@link Rollouts#copyOf}) or creates those that may be
     * ({@link HotswapBuilder#createIfMissing(boolean)}), checks that every managed path
     * leads to a file, takes each database's generation folder (its lock keeps a second engine away), deletes
     * what a crash left there, opens the current generations, joins the fleet if the engine has
     * {@link HotswapBuilder#rollouts rollouts} (a server that was away catches up before this returns), and
     * binds the admin socket (unless disabled). A failure leaves nothing taken and, up to the folders'
     * lock, what the fleet flipped and a database it fetched or created, nothing touched.
     *
     * @return this
     * @throws IOException if a database path leads nowhere (missing, a dangling link), the fleet's copy
     *     of a missing one cannot be had or fails its checks, two names lead
     *     to one file, another engine manages a database, the fleet cannot be joined, or the socket
     *     cannot be bound (a live server answers on it)
     * @throws IllegalStateException if started or closed before
     */
    public Hotswap start() throws IOException {
        lifecycle.start();
        return this;
    }

    /**
     * Leaves the fleet (if the engine has {@link HotswapBuilder#rollouts rollouts}), stops the admin socket
     * (its file and the pointers to it in the generation folders are removed), closes every generation's connections and releases the generation
     * folders. Stop the web server first: requests still running lose their connections. Idempotent.
     */
    @Override
    public void close() {
        lifecycle.close();
    }

    /** The one gate for all requests of the application. */
    public SwapGate gate() {
        return gate;
    }

    /**
     * The data source of {@code database}: each connection comes from the generation the calling
     * thread's request pinned (see {@link SwapGate}), or from the current one outside any request,
     * and keeps that generation open until it is closed. Connections of the engine's own pool carry
     * a 5 s busy timeout and go back to the pool on {@code close()}, their transaction rolled back.
     * <pre>{@code
     * try (Connection c = hotswap.dataSource("production").getConnection()) { ... }
     * }</pre>
     *
     * @throws IllegalArgumentException if {@code database} is not managed
     */
    public DataSource dataSource(String database) {
        return managed(database).dataSource();
    }

    /**
     * Pushes a new file into {@code database} in-process, through the same pipeline as the socket:
     * {@code content} is read to its end into a temp file, checked, made a durable generation, and
     * made current.
     *
     * @throws SwapRefusedException if a check or the one-at-a-time rule refused; nothing changed
     * @throws IOException if reading {@code content} or a file operation failed; nothing changed unless
     *     the message says so
     * @throws IllegalArgumentException if {@code database} is not managed, or {@code options} skip a
     *     check it does not have
     * @throws IllegalStateException if not started, or closed
     */
    public SwapReport push(String database, InputStream content, PushOptions options)
            throws IOException, SwapRefusedException {
        ManagedDatabase db = target(database, content, options);
        return swaps.push(db, swaps.receiver(db, content), options, Progress.NONE);
    }

    /**
     * A dry run: receives {@code content} and runs every check a {@link #push} with {@code options}
     * would run (header, integrity, schema, the application's {@link CandidateCheck}s), then deletes
     * it. Nothing becomes a generation, nothing flips, and listeners hear nothing. Meanwhile the
     * database is claimed as by a push: the verdict is about the generation current now.
     * <pre>{@code
     * try {
     *     hotswap.check("production", Files.newInputStream(candidate), PushOptions.defaults());
     * } catch (SwapRefusedException e) {
     *     System.err.println(e.getMessage());      // ERROR: check products-not-empty refused: ...
     * }
     * }</pre>
     *
     * @return how long each check took
     * @throws SwapRefusedException if a push would have been refused (a check, or another push or
     *     rollback running); its message is the one the push would have given
     * @throws IOException if reading {@code content} or a file operation failed
     * @throws IllegalArgumentException if {@code database} is not managed, or {@code options} skip a
     *     check it does not have
     * @throws IllegalStateException if not started, or closed
     */
    public CheckReport check(String database, InputStream content, PushOptions options)
            throws IOException, SwapRefusedException {
        ManagedDatabase db = target(database, content, options);
        return swaps.check(db, swaps.receiver(db, content), options, Progress.NONE);
    }

    /** The database a {@link #push} or {@link #check} of {@code content} goes to, the call checked. */
    private ManagedDatabase target(String database, InputStream content, PushOptions options) {
        Objects.requireNonNull(content, "content");
        Objects.requireNonNull(options, "options");
        ManagedDatabase db = managed(database);
        requireStarted();
        db.settings().checksOf(db.name()).requireKnown(db.name(), options.skipChecks());
        return db;
    }

    /**
     * Receives and checks a new file of {@code database} as {@link #push} does, and makes it a durable
     * generation that is not current: {@link #activate} makes it current, closing the returned handle
     * discards it. Until then, other pushes and rollbacks of the database are refused.
     *
     * @param rolloutId a fleet rollout id recorded with the generation (letters, digits, {@code ._-}),
     *     or null
     * @throws SwapRefusedException if a check or the one-at-a-time rule refused; nothing changed
     * @throws IOException if reading {@code content} or a file operation failed; nothing changed
     * @throws IllegalArgumentException if {@code database} is not managed, {@code rolloutId} is not such an
     *     id, or {@code options} skip a check it does not have
     * @throws IllegalStateException if not started, or closed
     */
    public StagedGeneration stage(String database, InputStream content, PushOptions options, String rolloutId)
            throws IOException, SwapRefusedException {
        Objects.requireNonNull(content, "content");
        Objects.requireNonNull(options, "options");
        StagedGeneration.checkRolloutId(rolloutId);
        ManagedDatabase db = managed(database);
        requireStarted();
        db.settings().checksOf(db.name()).requireKnown(db.name(), options.skipChecks());
        return swaps.stage(db, swaps.receiver(db, content), options, rolloutId, Progress.NONE);
    }

    /**
     * Makes a staged generation current (the same swap as a push's last step) and releases its
     * database.
     *
     * @throws IllegalStateException if it was activated or discarded before, or the engine is not started
     * @throws IllegalArgumentException if another engine staged it
     * @throws SwapRefusedException if the new generation does not open; it stays staged
     * @throws IOException if the live link could not be replaced; it stays staged
     */
    public SwapReport activate(StagedGeneration staged) throws IOException, SwapRefusedException {
        Objects.requireNonNull(staged, "staged");
        if (staged.engine() != this) {
            throw new IllegalArgumentException(staged + " belongs to another engine");
        }
        requireStarted();
        return swaps.activate(staged);
    }

    /**
     * Makes an earlier generation of {@code database} current again, with the same swap as a push:
     * {@code generation}, or without one the generation that was current most recently before the
     * current one.
     *
     * @throws SwapRefusedException if there is no such generation, it is current, its file is damaged,
     *     or a push or rollback of the database runs; nothing changed
     * @throws IOException if a file operation failed; nothing changed unless the message says so
     * @throws IllegalArgumentException if {@code database} is not managed
     * @throws IllegalStateException if not started, or closed
     */
    public SwapReport rollback(String database, OptionalLong generation) throws IOException, SwapRefusedException {
        Objects.requireNonNull(generation, "generation");
        ManagedDatabase db = managed(database);
        requireStarted();
        return swaps.rollback(db, generation, Progress.NONE);
    }

    /**
     * Writes a consistent snapshot of {@code database}'s current generation to {@code out}. In WAL
     * mode writers are never blocked, and their commits stay in the log until this returns (the file
     * itself is streamed under a read transaction); in rollback-journal mode they wait for one 64 MiB
     * chunk of a temp copy at most (see {@code docs/RELIABILITY.md}). {@code out} is not closed.
     *
     * @throws IllegalArgumentException if {@code database} is not managed
     * @throws IllegalStateException if not started, or closed
     */
    public void pull(String database, OutputStream out) throws IOException {
        Objects.requireNonNull(out, "out");
        ManagedDatabase db = managed(database);
        requireStarted();
        try (Snapshot snapshot = Snapshot.open(db, diskBudget())) {
            snapshot.send(out);
        }
    }

    /**
     * Every managed database now: its current generation, the kept ones, requests and connections on
     * each, the last swap.
     *
     * @throws IllegalStateException if not started, or closed
     */
    public List<DatabaseStatus> status() {
        requireStarted();
        List<DatabaseStatus> statuses = new ArrayList<>();
        for (ManagedDatabase db : databases.list()) {
            statuses.add(db.status(views::requests));
        }
        return statuses;
    }

    /** The admin socket's path, absolute (also when the socket is disabled). */
    public Path socketPath() {
        return settings.socket();
    }

    /**
     * Claims {@code database} as a push does from its first step to its swap: until the returned claim
     * is closed, other pushes and rollbacks of it are refused, so the generations it keeps stay kept
     * and its current one stays current. A fleet node holds one from its "yes" to a fleet rollback
     * until the decision, and rolls back through it.
     *
     * @throws SwapRefusedException ({@code BUSY}) if a push or rollback holds the database now
     * @throws IllegalArgumentException if {@code database} is not managed
     * @throws IllegalStateException if not started, or closed
     */
    public RollbackClaim claimForRollback(String database) throws SwapRefusedException {
        ManagedDatabase db = managed(database);
        requireStarted();
        Push.claim(db);
        return new RollbackClaim(this, db);
    }

    /** {@link #rollback} to {@code generation} under a claim its caller holds, told to the listeners. */
    SwapReport rollbackClaimed(ManagedDatabase db, long generation) throws IOException, SwapRefusedException {
        requireStarted();
        return swaps.rollbackClaimed(db, generation);
    }

    /**
     * Tests only: waits up to {@code timeout} for the retirements, prunes and hash passes queued so far.
     *
     * @return false if they are still running
     */
    boolean settle(Duration timeout) throws InterruptedException {
        return views.awaitQueued(timeout);
    }

    /** Pushes, dry runs, stagings and rollbacks asked for on the admin socket. */
    Swaps swaps() {
        return swaps;
    }

    ManagedDatabase managed(String database) {
        return databases.named(database);
    }

    List<ManagedDatabase> databases() {
        return databases.list();
    }

    /** The managed databases for messages: {@code production /abs/a, staging /abs/b}. */
    String describe() {
        return databases.describe();
    }

    DiskBudget diskBudget() {
        return diskBudget;
    }

    /** Where {@code --fleet} requests go, or null when this server is in no fleet. */
    Rollouts rollouts() {
        return settings.rollouts();
    }

    long minUploadRate() {
        return settings.minUploadRate();
    }

    /** Admin conversations running now (0 without a socket). */
    int adminConversations() {
        return lifecycle.adminConversations();
    }

    private void requireStarted() {
        lifecycle.requireStarted();
    }
}
