package dev.hotswap.fleet;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Where rollouts start: pushes a file to every node of the fleet, or rolls every node back, all or
 * none, and reports node by node. The calls block until the rollout is decided and the flips are
 * reported (or the flip timeout passed); one rollout per database at a time, fleet-wide.
 *
 * <pre>{@code
 * try (Fleet fleet = Fleet.connect(config)) {
 *     RolloutResult result = fleet.rollout("production", Path.of("new.sqlite3"), Expected.aliveNodes());
 *     result.nodes().forEach(node -> System.err.println(node.line()));
 *     System.exit(result.everyNodeFlipped() ? 0 : 1);
 * }
 * }</pre>
 */
public final class Fleet implements AutoCloseable {
    private final ObjectStore store;

    /** A coordinator on {@code store}, which stays its caller's to close (a node's own store, say). */
    Fleet(ObjectStore store) {
        this.store = store;
    }

    /**
     * Connects to the fleet's store and checks that the bucket is there and the credentials work.
     *
     * @throws FleetException the store is unreachable, refuses the credentials, or has no such bucket
     */
    public static Fleet connect(FleetConfig config) throws FleetException {
        ObjectStore store = new ObjectStore(Objects.requireNonNull(config, "config"));
        try {
            store.check();
        } catch (FleetException e) {
            store.close();
            throw e;
        }
        return new Fleet(store);
    }

    /**
     * Rolls {@code file} out to every expected node: the nodes check it against their own live
     * database and stage it; only if all of them are ready do they flip.
     *
     * @return how it ended, per node; {@link RolloutResult#everyNodeFlipped()} is the full success
     * @throws FleetException the file is not SQLite ({@code INVALID}), another rollout of the
     *     database is in progress ({@code BUSY}), too few nodes are alive ({@code NOT_FOUND}), or the
     *     store failed; nothing flipped
     * @throws IOException reading the file failed
     * @throws InterruptedException interrupted while waiting for the nodes; the nodes abandon the
     *     rollout after its deadline
     */
    public RolloutResult rollout(String database, Path file, Expected expected) throws IOException, InterruptedException {
        return rollout(database, file, expected, Coordinator.Listener.NONE);
    }

    RolloutResult rollout(String database, Path file, Expected expected, Coordinator.Listener listener)
            throws IOException, InterruptedException {
        Objects.requireNonNull(expected, "expected");
        LocalFile local = LocalFile.inspect(Objects.requireNonNull(file, "file"));
        Coordinator coordinator = new Coordinator(store, database);
        return coordinator.run(new Coordinator.Request(RolloutResult.Kind.PUSH, local, null, expected),
                coordinator.head(), listener);
    }

    /**
     * A dry run of {@link #rollout}: every expected node downloads, checks and stages the file as for
     * a rollout, then the rollout aborts instead of committing; nothing flips anywhere. It takes a
     * rollout id (aborted, with {@link Coordinator#DRY_RUN_PASSED} as its reason when every node
     * would have gone live) and one generation id on each node.
     */
    RolloutResult dryRun(String database, Path file, Expected expected, Coordinator.Listener listener)
            throws IOException, InterruptedException {
        Objects.requireNonNull(expected, "expected");
        LocalFile local = LocalFile.inspect(Objects.requireNonNull(file, "file"));
        Coordinator coordinator = new Coordinator(store, database);
        return coordinator.run(new Coordinator.Request(RolloutResult.Kind.PUSH, local, null, expected),
                coordinator.head(), listener, true);
    }

    /**
     * Rolls every expected node back to the generation rollout {@code to} brought (by default the one
     * the fleet served before the current one), with the same two phases: each node first checks that
     * it keeps that generation.
     *
     * @throws FleetException nothing to roll back to, or no such committed rollout ({@code NOT_FOUND}),
     *     or as for {@link #rollout}
     */
    public RolloutResult rollback(String database, Optional<String> to, Expected expected)
            throws IOException, InterruptedException {
        return rollback(database, to, expected, Coordinator.Listener.NONE);
    }

    RolloutResult rollback(String database, Optional<String> to, Expected expected, Coordinator.Listener listener)
            throws IOException, InterruptedException {
        Objects.requireNonNull(expected, "expected");
        Coordinator coordinator = new Coordinator(store, database);
        Optional<Head> head = coordinator.head();
        String content = head.map(Head::content).orElseThrow(() -> new FleetException(FleetException.Reason.NOT_FOUND,
                "nothing to roll back: no rollout of " + database + " ever committed"));
        String target;
        if (to.isPresent()) {
            Manifest named = coordinator.manifest(to.get()).orElseThrow(() -> new FleetException(
                    FleetException.Reason.NOT_FOUND, "no rollout " + to.get() + " of " + database));
            if (coordinator.decision(named.id()).filter(Decision::commit).isEmpty()) {
                throw new FleetException(FleetException.Reason.NOT_FOUND, "rollout " + named.id() + " of " + database
                        + " never committed; roll back to a committed one");
            }
            target = named.content();
        } else {
            Manifest current = coordinator.manifest(content).orElseThrow(() -> new FleetException(
                    FleetException.Reason.INVALID, "the fleet serves rollout " + content + " of " + database
                    + ", which has no manifest"));
            target = Optional.ofNullable(current.previous()).orElseThrow(() -> new FleetException(
                    FleetException.Reason.NOT_FOUND, "nothing to roll back to: rollout " + content + " is the first"
                    + " the fleet served of " + database));
        }
        if (target.equals(content)) {
            throw new FleetException(FleetException.Reason.NOT_FOUND, "the fleet already serves rollout " + target
                    + " of " + database);
        }
        return coordinator.run(new Coordinator.Request(RolloutResult.Kind.ROLLBACK, null, target, expected), head,
                listener);
    }

    /** The registered nodes, sorted by name. */
    public List<NodeInfo> nodes() throws FleetException {
        return Registry.nodes(store);
    }

    /** The rollout whose file the fleet serves for {@code database}, if any committed. */
    public Optional<String> servedRollout(String database) throws FleetException {
        return new Coordinator(store, database).head().map(Head::content);
    }

    @Override
    public void close() {
        store.close();
    }
}
