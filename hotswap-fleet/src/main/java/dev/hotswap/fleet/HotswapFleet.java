package dev.hotswap.fleet;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

import dev.hotswap.engine.Hotswap;
import dev.hotswap.engine.Rollouts;
import dev.hotswap.engine.StagedGeneration;

/**
 * A server's place in its fleet, bound to its hotswap engine: register it on the engine's builder and
 * the engine joins the fleet when it starts (a server that was away catches up before it serves),
 * takes the CLI's {@code --fleet} pushes and rollbacks and coordinates them from here, and leaves the
 * fleet when it closes. Every database the engine manages takes part, under its managed name.
 * <pre>{@code
 * HotswapFleet fleet = HotswapFleet.of(FleetConfig.builder("my-bucket", "web-1").build());
 * Hotswap hotswap = Hotswap.builder()
 *     .database("production", Path.of("db/production.sqlite3"))
 *     .rollouts(fleet)
 *     .build();
 * HotswapJetty.install(server, hotswap);   // or hotswap.start(): either joins the fleet
 * ...
 * fleet.health();                          // in the app's health check
 * }</pre>
 *
 * <p>The server that coordinates a push is a node like the others, with one shortcut: its engine
 * has checked the file against its own live database and staged it before the rollout had an id (so
 * that a bad file fails on the operator's own server, before anything reaches the store), and that
 * staged generation is its answer: it does not download the file again. It flips on the commit with
 * the others, on its next poll. If the rollout does not expect it ({@code --nodes} leaves it out),
 * it drops its staged file once uploaded and catches up after the commit like any node left out.
 */
public final class HotswapFleet implements Rollouts {
    private static final System.Logger LOG = System.getLogger(HotswapFleet.class.getName());

    private final FleetConfig config;
    /** Threads coordinating a rollout now: interrupted when the server leaves the fleet. */
    private final Set<Thread> coordinating = new HashSet<>();
    private Hotswap engine;
    private volatile FleetNode node;
    private volatile boolean closed;

    private HotswapFleet(FleetConfig config) {
        this.config = config;
    }

    /** A fleet membership with {@code config} ({@link FleetConfig#node()} names this server); joins on the engine's start. */
    public static HotswapFleet of(FleetConfig config) {
        return new HotswapFleet(Objects.requireNonNull(config, "config"));
    }

    /** The configuration. */
    public FleetConfig config() {
        return config;
    }

    /** Whether this server serves what the fleet committed, and if not, why: for the app's health check. */
    public FleetHealth health() {
        FleetNode joined = node;
        if (joined == null) {
            return new FleetHealth(false, Messages.error(closed ? "this server has left the fleet"
                    : "this server has not joined the fleet yet (its engine has not started)"));
        }
        return joined.health();
    }

    /**
     * Joins the fleet with every database of {@code engine}: registers this node and catches it up
     * with what the fleet committed. Called by the engine's start.
     *
     * @throws FleetException the store refuses the credentials, denies access, or has no such bucket
     *     (an unreachable store is not thrown: the node starts unhealthy and keeps trying)
     * @throws IllegalStateException if it joined before
     */
    @Override
    public void start(Hotswap engine) throws IOException {
        synchronized (this) {
            if (this.engine != null || closed) {
                throw new IllegalStateException("this fleet membership was started before; make one per engine");
            }
            this.engine = Objects.requireNonNull(engine, "engine");
        }
        List<NodeDatabase> databases = engine.status().stream()
                .map(status -> (NodeDatabase) new EngineDatabase(engine, status.name())).toList();
        node = FleetNode.start(config, databases);
    }

    /**
     * The file of the rollout the fleet serves for {@code database}, which this server lacks (a new
     * server, an empty disk): the engine writes, checks and adopts it before it opens its databases,
     * so that this server serves what the fleet serves from its first request. Empty if the fleet
     * committed no rollout of it yet. Called by the engine's start, before {@link #start}.
     *
     * @throws FleetException the store cannot be reached, refuses the credentials, denies access, or
     *     has no such bucket: the server cannot tell what to serve, and does not start
     */
    @Override
    public Optional<Copy> copyOf(String database) throws FleetException {
        Optional<Copy> copy = FleetCopy.of(config, database);
        LOG.log(Level.INFO, "fleet node {0}: {1} is missing here; {2}", config.node(), database, copy
                .map(c -> "fetching rollout " + c.rolloutId() + " (" + c.size() + " bytes) from the fleet")
                .orElse("the fleet committed no rollout of it"));
        return copy;
    }

    @Override
    public Result push(StagedGeneration staged, Nodes nodes, Consumer<String> report) {
        return push(staged, nodes, report, false);
    }

    /**
     * A dry run of {@link #push}: every node checks and stages the file, then the rollout aborts;
     * nothing flips. The result is a success when every expected node would have gone live.
     */
    @Override
    public Result check(StagedGeneration staged, Nodes nodes, Consumer<String> report) {
        return push(staged, nodes, report, true);
    }

    private Result push(StagedGeneration staged, Nodes nodes, Consumer<String> report, boolean dryRun) {
        AtomicBoolean handedOver = new AtomicBoolean();
        try {
            FleetNode joined = joined();
            RolloutReport lines = new RolloutReport(report, manifest -> {
                staged.assignRollout(manifest.id());
                if (manifest.expected().contains(config.node())) {
                    joined.adopt(staged.database(), manifest, EngineDatabase.staged(engine, staged));
                    handedOver.set(true);
                } else {
                    staged.close(); // not expected: it catches up after the commit, like any node left out
                }
            });
            Fleet fleet = new Fleet(joined.store());
            return coordinate((dryRun ? "dry run of " : "rollout of ") + staged.database(), lines, dryRun,
                    () -> dryRun ? fleet.dryRun(staged.database(), staged.file(), expected(nodes), lines)
                            : fleet.rollout(staged.database(), staged.file(), expected(nodes), lines));
        } catch (FleetException e) {
            return new Result(false, e.getMessage());
        } finally {
            if (!handedOver.get()) {
                staged.close();
            }
        }
    }

    @Override
    public Result rollback(String database, Optional<String> toRollout, Nodes nodes, Consumer<String> report) {
        try {
            FleetNode joined = joined();
            RolloutReport lines = new RolloutReport(report, manifest -> { });
            return coordinate("rollback of " + database, lines, false, () -> new Fleet(joined.store())
                    .rollback(database, toRollout, expected(nodes), lines));
        } catch (FleetException e) {
            return new Result(false, e.getMessage());
        }
    }

    /** A rollout, as {@link #coordinate} runs it. */
    @FunctionalInterface
    private interface Rollout {
        RolloutResult run() throws IOException, InterruptedException;
    }

    /** Runs {@code rollout} on this thread, interruptible by {@link #close()}, and reports its nodes. */
    private Result coordinate(String what, RolloutReport lines, boolean dryRun, Rollout rollout) throws FleetException {
        Thread thread = Thread.currentThread();
        synchronized (this) {
            if (closed) {
                throw new FleetException(FleetException.Reason.BUSY, "this server is leaving the fleet");
            }
            coordinating.add(thread);
        }
        try {
            RolloutResult result = rollout.run();
            lines.nodes(result);
            return RolloutReport.summary(result, dryRun);
        } catch (FleetException e) {
            return new Result(false, e.getMessage());
        } catch (IOException e) {
            LOG.log(Level.WARNING, "the " + what + " failed", e);
            return new Result(false, Messages.error("the " + what + " failed: " + e.getMessage()));
        } catch (InterruptedException e) {
            thread.interrupt();
            return new Result(false, Messages.error("the " + what + " was interrupted: this server is leaving the"
                    + " fleet (a rollout not yet decided was aborted; a committed one flips without it)"));
        } finally {
            synchronized (this) {
                coordinating.remove(thread);
                notifyAll();
            }
        }
    }

    private FleetNode joined() throws FleetException {
        FleetNode joined = node;
        if (joined == null || closed) {
            throw new FleetException(FleetException.Reason.BUSY, closed ? "this server is leaving the fleet"
                    : "this server has not joined the fleet yet");
        }
        return joined;
    }

    private static Expected expected(Nodes nodes) {
        return nodes.named().isEmpty() ? Expected.atLeast(nodes.atLeast()) : Expected.nodes(nodes.named());
    }

    /**
     * Leaves the fleet: rollouts coordinated here are interrupted (an undecided one writes its
     * abort) and waited for, then the node stops polling, discards anything staged and undecided,
     * and deregisters. Called by the engine's close.
     */
    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            coordinating.forEach(Thread::interrupt);
            long until = System.nanoTime() + config.requestTimeout().multipliedBy(2).toNanos();
            try {
                for (long left; !coordinating.isEmpty() && (left = until - System.nanoTime()) > 0;) {
                    wait(Math.max(1, Duration.ofNanos(left).toMillis()));
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (!coordinating.isEmpty()) {
                LOG.log(Level.WARNING, "fleet node {0} leaves while {1} rollout(s) it coordinates still run",
                        config.node(), coordinating.size());
            }
        }
        FleetNode joined = node;
        if (joined != null) {
            joined.close();
        }
    }

    @Override
    public String toString() {
        return "fleet node " + config.node() + " on s3://" + config.bucket() + "/" + config.prefix() + "/";
    }
}
