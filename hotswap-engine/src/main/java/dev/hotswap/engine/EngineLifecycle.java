package dev.hotswap.engine;

import java.io.IOException;
import java.util.Locale;

/**
 * The engine's life, which moves one way: new, started (once), closed. Starting opens the databases,
 * joins the fleet and binds the admin socket; closing leaves the fleet, stops the socket and closes
 * the databases, in that order (see {@link Hotswap#start()} and {@link Hotswap#close()}).
 */
final class EngineLifecycle {
    // The engine's own logger name: what operators filter on stays where it was.
    private static final System.Logger LOG = System.getLogger(Hotswap.class.getName());

    private enum State { NEW, STARTED, CLOSED }

    private final Hotswap engine;
    private final Settings settings;
    private final ManagedDatabases databases;
    private final Views views;
    private final DiskBudget diskBudget;
    /** Written under this object's lock; read without it, so that checks never wait for a start or close. */
    private volatile State state = State.NEW;
    private AdminServer server;
    private boolean rolloutsJoined;
    private boolean rolloutsLeft;

    EngineLifecycle(Hotswap engine, Settings settings, ManagedDatabases databases, Views views, DiskBudget diskBudget) {
        this.engine = engine;
        this.settings = settings;
        this.databases = databases;
        this.views = views;
        this.diskBudget = diskBudget;
    }

    /** {@link Hotswap#start()}. */
    synchronized void start() throws IOException {
        if (state != State.NEW) {
            throw new IllegalStateException("hotswap is " + state.name().toLowerCase(Locale.ROOT)
                    + "; start() works once, on a new instance");
        }
        try {
            open();
        } catch (IOException | RuntimeException e) {
            state = State.CLOSED;
            databases.close();
            views.abandon();
            throw e;
        }
        state = State.STARTED;
        try {
            // Started first, so that the fleet's catch-up can flip; the socket only once caught up.
            if (settings.rollouts() != null) {
                rolloutsJoined = true;
                settings.rollouts().start(engine);
            }
            if (settings.socketEnabled()) {
                server = AdminServer.start(engine, settings.socket(), settings.allowedUids(), settings.maxConnections(),
                        settings.idleTimeout());
            }
            for (ManagedDatabase db : databases.list()) {
                if (server != null) {
                    SocketPointer.write(db.folder().path(), settings.socket());
                } else {
                    SocketPointer.remove(db.folder().path()); // one a crash left would lead nowhere
                }
            }
        } catch (IOException | RuntimeException e) {
            close();
            throw e;
        }
        LOG.log(System.Logger.Level.INFO, "hotswap started: {0}{1}", databases.describe(),
                settings.socketEnabled() ? ", socket " + settings.socket() : ", no socket");
    }

    private void open() throws IOException {
        if (settings.socketEnabled()) {
            // First: a second server on a live socket creates, takes and touches no database.
            AdminServer.refuseIfLive(settings.socket());
        }
        views.open(databases.open(diskBudget, views::retire));
    }

    /** {@link Hotswap#close()}. */
    void close() {
        leaveFleet();
        AdminServer stopping;
        synchronized (this) {
            if (state == State.CLOSED) {
                return;
            }
            boolean started = state == State.STARTED;
            state = State.CLOSED;
            stopping = server;
            server = null;
            if (!started) {
                views.abandon();
                return;
            }
        }
        if (stopping != null) {
            // First: a CLI that reads a pointer from now on finds no server rather than a closing one.
            databases.list().forEach(db -> SocketPointer.remove(db.folder().path()));
            stopping.close();
        }
        views.close(); // retirements already queued finish; whatever is still open closes here
        databases.close();
        LOG.log(System.Logger.Level.INFO, "hotswap closed");
    }

    /**
     * Closes the rollouts once, while the engine still takes calls: a flip the fleet makes right now
     * lands, and a rollout this server coordinates aborts before its admin conversation is cut off.
     */
    private void leaveFleet() {
        Rollouts rollouts = settings.rollouts();
        synchronized (this) {
            if (rollouts == null || !rolloutsJoined || rolloutsLeft) {
                return;
            }
            rolloutsLeft = true;
        }
        try {
            rollouts.close();
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.ERROR, "leaving the fleet failed", e);
        }
    }

    /** Admin conversations running now (0 without a socket). */
    synchronized int adminConversations() {
        return server == null ? 0 : server.conversations();
    }

    boolean isStarted() {
        return state == State.STARTED;
    }

    /** Throws {@link IllegalStateException} unless started and not closed. */
    void requireStarted() {
        if (!isStarted()) {
            throw new IllegalStateException("hotswap is not started (or closed)");
        }
    }
}
