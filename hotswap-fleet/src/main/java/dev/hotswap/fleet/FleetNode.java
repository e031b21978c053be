package dev.hotswap.fleet;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * One server's membership in the fleet: registers the node (and renews it every heartbeat), catches
 * its databases up with what the fleet committed, then polls for rollouts on one background thread,
 * answering, flipping and discarding as {@code docs/fleet.md} describes.
 *
 * <pre>{@code
 * try (FleetNode node = FleetNode.start(config, List.of(database))) {
 *     // serve; report node.health() in the app's health check
 * }
 * }</pre>
 *
 * <p>{@link #start} returns after the first round: a node that is behind has flipped to the fleet's
 * current rollout (or says in {@link #health()} why it could not). Closing deregisters the node and
 * discards anything staged and undecided.
 */
final class FleetNode implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(FleetNode.class.getName());

    private final FleetConfig config;
    private final ObjectStore store;
    private final List<Follower> followers;
    private final ScheduledExecutorService poller;
    private final Instant started = Instant.now();
    private final Layout layout;
    private Instant lastHeartbeat = Instant.EPOCH;
    private FleetHealth lastRegistered;
    private volatile boolean synced;
    private volatile String storeProblem;
    private String lastLogged;

    private FleetNode(FleetConfig config, ObjectStore store, List<Follower> followers) {
        this.config = config;
        this.store = store;
        this.followers = followers;
        this.layout = new Layout(config.prefix());
        ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1, runnable -> {
            Thread thread = new Thread(runnable, "hotswap-fleet-" + config.node());
            thread.setDaemon(true);
            return thread;
        });
        // Closing drops the next round rather than waiting up to a poll interval for it.
        executor.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        this.poller = executor;
    }

    /**
     * Joins the fleet: checks the store, registers, catches every database up, and starts polling.
     *
     * @param databases this node's databases, by distinct {@link NodeDatabase#name() names}
     * @throws FleetException the store refuses the credentials, denies access, or has no such bucket
     *     (an unreachable store is not thrown: the node starts unhealthy and keeps trying)
     */
    public static FleetNode start(FleetConfig config, List<? extends NodeDatabase> databases) throws FleetException {
        Objects.requireNonNull(config, "config");
        if (databases.isEmpty()) {
            throw new IllegalArgumentException("a fleet node needs at least one database");
        }
        if (databases.stream().map(NodeDatabase::name).distinct().count() != databases.size()) {
            throw new IllegalArgumentException("database names must be distinct: "
                    + databases.stream().map(NodeDatabase::name).toList());
        }
        ObjectStore store = new ObjectStore(config);
        List<Follower> followers = new ArrayList<>();
        try {
            for (NodeDatabase database : databases) {
                followers.add(new Follower(database, store));
            }
            store.check();
        } catch (FleetException e) {
            if (e.reason() != FleetException.Reason.UNREACHABLE) {
                store.close();
                throw e;
            }
        } catch (RuntimeException e) {
            store.close();
            throw e;
        }
        FleetNode node = new FleetNode(config, store, List.copyOf(followers));
        node.round();
        node.scheduleNextRound();
        LOG.log(Level.INFO, "fleet node {0} started on s3://{1}/{2}/ at {3}: {4}", config.node(), config.bucket(),
                config.prefix(), config.storeName(), node.health().detail());
        return node;
    }

    /** Whether this node serves what the fleet committed, and if not, why. */
    public FleetHealth health() {
        if (!synced) {
            String why = storeProblem != null ? storeProblem : Messages.error("not caught up with the fleet yet");
            return new FleetHealth(false, why);
        }
        for (Follower follower : followers) {
            String problem = follower.problem();
            if (problem != null) {
                return new FleetHealth(false, problem);
            }
        }
        return new FleetHealth(true, storeProblem != null ? "in sync; store unreachable since: " + storeProblem
                : "in sync");
    }

    /** This node's name. */
    public String name() {
        return config.node();
    }

    /** The node's connection to the store, which a coordinator on this server shares. */
    ObjectStore store() {
        return store;
    }

    /**
     * Hands {@code staged}, which this server checked and staged for rollout {@code manifest} of
     * {@code database}, to its own node: it answers ok, and flips or discards on the decision
     * ({@link Follower#adopt}). Runs on the poll thread, between two rounds.
     *
     * @throws FleetException if the node cannot take it (still busy with another rollout, closed)
     */
    void adopt(String database, Manifest manifest, StagedFile staged) throws FleetException {
        Follower follower = followers.stream().filter(f -> f.name().equals(database)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("this node serves no database " + database));
        java.util.concurrent.Future<Void> adopted;
        try {
            adopted = poller.submit(() -> {
                follower.adopt(manifest, staged);
                return null;
            });
        } catch (RejectedExecutionException e) {
            throw new FleetException(FleetException.Reason.BUSY, "fleet node " + config.node() + " is closing");
        }
        try {
            adopted.get();
        } catch (java.util.concurrent.CancellationException e) {
            throw new FleetException(FleetException.Reason.BUSY, "fleet node " + config.node() + " is closing");
        } catch (java.util.concurrent.ExecutionException e) {
            if (e.getCause() instanceof FleetException fleet) {
                throw fleet;
            }
            throw new FleetException(FleetException.Reason.STORE, "fleet node " + config.node()
                    + " could not take the staged file: " + e.getCause(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new FleetException(FleetException.Reason.BUSY, "interrupted while handing the staged file to"
                    + " fleet node " + config.node(), e);
        }
    }

    /**
     * Schedules the next round: after a poll interval, or sooner while a database awaits the
     * decision of a rollout it answered, so that the nodes flip close together after a commit.
     */
    private void scheduleNextRound() {
        Duration delay = followers.stream().anyMatch(Follower::awaitsDecision) ? config.rolloutPollInterval()
                : config.pollInterval();
        try {
            poller.schedule(() -> {
                round();
                scheduleNextRound();
            }, delay.toNanos(), TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            // closing: no next round
        }
    }

    /** One poll round; never throws, so that the schedule goes on. */
    private void round() {
        String failure = null;
        for (Follower follower : followers) {
            try {
                follower.poll();
            } catch (FleetException e) {
                failure = failure != null ? failure : e.getMessage(); // it names the database's key
            } catch (IOException | RuntimeException e) {
                failure = failure != null ? failure : follower.name() + ": " + e;
            }
        }
        try {
            heartbeatIfDue(failure);
        } catch (IOException | RuntimeException e) {
            failure = failure != null ? failure : e.getMessage();
        }
        if (failure == null) {
            synced = true;
            storeProblem = null;
            lastLogged = null;
            return;
        }
        storeProblem = Messages.error(failure);
        // Once per distinct failure: a store that is down for an hour must not write a line per poll.
        if (!storeProblem.equals(lastLogged)) {
            LOG.log(Level.WARNING, "fleet node {0}: {1}", config.node(), storeProblem);
            lastLogged = storeProblem;
        }
    }

    private void heartbeatIfDue(String failure) throws IOException {
        if (failure != null && !synced) {
            return; // nothing to say yet, and the store just failed
        }
        Instant now = Instant.now();
        FleetHealth health = health();
        // Also at once when health changed, so that the registry shows a failed flip without delay.
        if (now.isBefore(lastHeartbeat.plus(config.heartbeatInterval())) && health.equals(lastRegistered)) {
            return;
        }
        Map<String, String> rollouts = new LinkedHashMap<>();
        for (Follower follower : followers) {
            rollouts.put(follower.name(), follower.currentRollout());
        }
        store.put(layout.node(config.node()),
                NodeInfo.registration(config.node(), started, health.healthy(), health.detail(), rollouts));
        lastHeartbeat = now;
        lastRegistered = health;
    }

    /** Stops polling, discards anything staged and undecided, and deregisters this node. */
    @Override
    public void close() {
        poller.shutdown();
        try {
            if (!poller.awaitTermination(config.requestTimeout().toMillis() * 2, TimeUnit.MILLISECONDS)) {
                poller.shutdownNow();
            }
        } catch (InterruptedException e) {
            poller.shutdownNow();
            Thread.currentThread().interrupt();
        }
        followers.forEach(Follower::close);
        try {
            store.delete(layout.node(config.node()));
        } catch (FleetException e) {
            LOG.log(Level.WARNING, "fleet node {0} could not deregister: {1}", config.node(), e.getMessage());
        }
        store.close();
    }
}
