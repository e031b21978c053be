package dev.hotswap.fleet;

import static dev.hotswap.fleet.TestDatabases.ITEMS;
import static dev.hotswap.fleet.TestDatabases.ITEMS_WITH_PRICE;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

import dev.hotswap.engine.PushOptions;
import dev.hotswap.engine.SwapRefusedException;

import software.amazon.awssdk.services.s3.S3Client;

/**
 * A fleet driven one step at a time for the model-based test: real hotswap engines, one per node,
 * each with its own SQLite database, whose {@link Follower}s poll on the model's thread; a
 * coordinator ({@link Fleet}) on the same thread; every party's store requests through a
 * {@link FaultyS3} on one backend. While the coordinator waits (it lists the answers or the flips),
 * every node that is up takes one poll round: the interleaving is the model's, not a scheduler's.
 *
 * <p>After every step the nodes poll a few rounds without faults, and {@link FleetInvariants}
 * checks the fleet against the decisions in the store; the head is also checked after every write
 * of it.
 */
final class FleetModel implements FaultyS3.Hooks, AutoCloseable {
    static final String DATABASE = "production";
    static final String COORDINATOR = "ci";
    /**
     * Every node answers within the first listing unless a fault delays it; the deadline only ends
     * silent rollouts. Short, so that the generated sequences can wait past it; a loaded machine can
     * miss it, which changes a sequence's path but never what must hold.
     */
    static final Duration ANSWER_DEADLINE = Duration.ofMillis(1000);
    static final Duration ABANDON_AFTER = Duration.ofMillis(200);
    private static final int SETTLE_ROUNDS = 3;

    static String nodeName(int node) {
        return "web-" + (node + 1);
    }

    private final Path dir;
    private final S3Client backend;
    private final String bucket;
    private final String prefix;
    private final int keep;
    private final Duration answerDeadline;
    private final FaultyS3.Plan plan;
    private final List<ModelNode> nodes = new ArrayList<>();
    private final FleetInvariants invariants;
    private final List<String> trace = new ArrayList<>();
    private boolean polling;
    /** The local step the running rollout's step asks for once its node has answered; null when done or none. */
    private ModelStep.Meanwhile meanwhile;
    private int files;

    /**
     * A fleet of {@code nodeCount} nodes whose rollouts wait {@code answerDeadline} for answers (and
     * 2/5 of it for flips): {@link #ANSWER_DEADLINE} to explore, longer to replay a sequence whose
     * path must not depend on the machine's load.
     */
    FleetModel(Path dir, S3Client backend, String bucket, String prefix, int nodeCount, int keep,
            Duration answerDeadline) throws IOException {
        this.dir = dir;
        this.answerDeadline = answerDeadline;
        this.plan = new FaultyS3.Plan(pastDeadlines());
        this.backend = backend;
        this.bucket = bucket;
        this.prefix = prefix;
        this.keep = keep;
        this.invariants = new FleetInvariants(this, new ObjectStore(config("observer"), backend));
        for (int i = 0; i < nodeCount; i++) {
            String name = nodeName(i);
            ModelNode node = new ModelNode(name, TestDatabases.create(dir.resolve(name).resolve("db")
                    .resolve(DATABASE + ".sqlite3"), ITEMS, "v0"));
            nodes.add(node);
            start(node);
        }
    }

    /** Long enough for any rollout's answers to be late and its claims abandoned. */
    private Duration pastDeadlines() {
        return answerDeadline.plus(ABANDON_AFTER).plusMillis(100);
    }

    FleetConfig config(String party) {
        return FleetConfig.builder(bucket, party).prefix(prefix)
                .pollInterval(Duration.ofMillis(20))
                .heartbeatInterval(Duration.ofSeconds(1))
                .answerDeadline(answerDeadline)
                .flipTimeout(answerDeadline.multipliedBy(2).dividedBy(5))
                .requestTimeout(Duration.ofSeconds(10))
                .abandonFloor(ABANDON_AFTER)
                .build();
    }

    private ObjectStore store(String party) {
        return new ObjectStore(config(party), new FaultyS3(backend, party, plan, this));
    }

    List<ModelNode> nodes() {
        return nodes;
    }

    List<String> trace() {
        return trace;
    }

    /** Runs {@code step}, lets the nodes settle without faults, and checks every invariant. */
    void run(int number, ModelStep step) throws Exception {
        int line = trace.size();
        trace.add(number + ". " + step + " -> (running)");
        plan.start(step.faults());
        long start = System.nanoTime();
        String outcome;
        try {
            outcome = apply(step);
        } finally {
            plan.start(List.of());
            if (meanwhile != null) {
                trace.add("   (" + meanwhile + ": it never held the rollout)");
                meanwhile = null;
            }
        }
        trace.set(line, number + ". " + step + " -> " + outcome + " (" + (System.nanoTime() - start) / 1_000_000
                + " ms)");
        for (int i = 0; i < SETTLE_ROUNDS; i++) {
            pollAll();
        }
        invariants.afterStep(step);
    }

    private String apply(ModelStep step) throws Exception {
        if (step instanceof ModelStep.Push push) {
            return push(push);
        } else if (step instanceof ModelStep.Rollback rollback) {
            return rollback(rollback);
        } else if (step instanceof ModelStep.Local local) {
            return local(node(local.node()), local.act());
        } else if (step instanceof ModelStep.Kill kill) {
            ModelNode node = node(kill.node());
            if (!node.up()) {
                return "already down";
            }
            node.kill();
            return "killed";
        } else if (step instanceof ModelStep.Restart) {
            List<String> started = new ArrayList<>();
            for (ModelNode node : nodes) {
                if (!node.up()) {
                    start(node);
                    started.add(node.name + (node.up() ? " serving " + node.currentRollout() : " died again"));
                }
            }
            return started.isEmpty() ? "none was down" : String.join(", ", started);
        } else if (step instanceof ModelStep.WaitPastDeadlines) {
            Thread.sleep(pastDeadlines().toMillis());
            return "waited";
        }
        throw new IllegalArgumentException("unknown step " + step);
    }

    private ModelNode node(int index) {
        return nodes.get(index % nodes.size());
    }

    private List<String> upNodes() {
        return nodes.stream().filter(ModelNode::up).map(n -> n.name).toList();
    }

    private String push(ModelStep.Push push) throws Exception {
        List<String> up = upNodes();
        if (up.isEmpty()) {
            return "skipped: no node is up";
        }
        String schema = push.otherSchema() ? ITEMS_WITH_PRICE : ITEMS;
        int number = ++files;
        Path file = TestDatabases.create(dir.resolve("push-" + number + ".sqlite3"), schema, "p" + number);
        meanwhile = push.meanwhile();
        Coordinator.Listener listener = new Coordinator.Listener() {
            @Override
            public void claimed(Manifest manifest) {
                invariants.pushed(manifest.id(), schema);
            }
        };
        return coordinate(push, () -> new Fleet(store(COORDINATOR)).rollout(DATABASE, file, Expected.nodes(up),
                listener));
    }

    private String rollback(ModelStep.Rollback rollback) throws Exception {
        List<String> up = upNodes();
        if (up.isEmpty()) {
            return "skipped: no node is up";
        }
        List<String> pushes = invariants.committedPushes();
        meanwhile = rollback.meanwhile();
        Optional<String> to = rollback.to() < 0 || pushes.isEmpty() ? Optional.empty()
                : Optional.of(pushes.get(rollback.to() % pushes.size()));
        return coordinate(rollback, () -> new Fleet(store(COORDINATOR)).rollback(DATABASE, to, Expected.nodes(up),
                Coordinator.Listener.NONE)) + to.map(t -> " (to " + t + ")").orElse("");
    }

    @FunctionalInterface
    private interface Rollout {
        RolloutResult run() throws IOException, InterruptedException;
    }

    /** Runs a coordinator; its refusals and its death are outcomes, checked against the faults of the step. */
    private String coordinate(ModelStep step, Rollout rollout) throws Exception {
        try {
            RolloutResult result = rollout.run();
            return "rollout " + result.rolloutId() + (result.committed() ? " committed: " : " aborted: ")
                    + result.nodes().stream().map(n -> n.node() + " " + n.state()).toList();
        } catch (FleetException e) {
            boolean expected = switch (e.reason()) {
                case BUSY -> invariants.someRolloutIsLive(); // an earlier rollout is undecided, not abandoned yet
                case NOT_FOUND -> true; // nothing to roll back to
                case STORE, UNREACHABLE -> !step.faults().isEmpty();
                default -> false;
            };
            if (!expected) {
                throw new AssertionError("the coordinator failed with " + e.reason() + " and no fault explains it: "
                        + e.getMessage(), e);
            }
            return e.reason() + ": " + Messages.bare(e.getMessage());
        } catch (FaultyS3.Crash e) {
            return "the coordinator died: " + e.getMessage();
        }
    }

    /**
     * A local push or rollback; refused only while the node holds a rollout, when there is nothing to
     * roll back to, or for a push of another schema than the node serves (without the operator's
     * skip of the schema check).
     */
    private String local(ModelNode node, ModelStep.LocalAct act) throws Exception {
        if (!node.up()) {
            return "skipped: down";
        }
        boolean holding = node.awaitsDecision();
        // A plain local push of our schema onto a node that serves another one is refused, as it should be.
        boolean schemaDiffers = act == ModelStep.LocalAct.PUSH && !ITEMS.equals(node.schema());
        try {
            if (act == ModelStep.LocalAct.ROLLBACK) {
                node.engine().rollback(DATABASE, OptionalLong.empty());
            } else {
                boolean otherSchema = act == ModelStep.LocalAct.PUSH_OTHER_SCHEMA;
                int number = ++files;
                Path file = TestDatabases.create(dir.resolve("local-" + number + ".sqlite3"),
                        otherSchema ? ITEMS_WITH_PRICE : ITEMS, "l" + number);
                try (InputStream in = Files.newInputStream(file)) {
                    node.engine().push(DATABASE, in, new PushOptions(false, otherSchema));
                }
            }
        } catch (SwapRefusedException e) {
            boolean expected = switch (e.reason()) {
                case BUSY -> holding;
                case NO_SUCH_GENERATION -> act == ModelStep.LocalAct.ROLLBACK;
                case SCHEMA -> schemaDiffers;
                default -> false;
            };
            if (!expected) {
                throw new AssertionError(node.name + " refused a " + act + ": " + e.getMessage()
                        + (holding ? "" : " (it holds no rollout)"), e);
            }
            return "refused: " + e.getMessage();
        }
        node.divergedAt = invariants.newestCommit();
        if (holding) {
            // Checked after the step, so that what it breaks (a node that answered yes cannot flip) shows first.
            invariants.reservationBroken(node.name + " took a " + act + " while it held an undecided rollout");
        }
        return "done, serving " + node.currentRollout();
    }

    /** Starts the node's engine on its disk and its first poll round (it catches up there). */
    private void start(ModelNode node) throws IOException {
        node.start(keep, store(node.name));
        poll(node);
    }

    private void poll(ModelNode node) {
        String died = node.poll();
        if (died != null) {
            trace.add("   " + node.name + " died: " + died);
        }
    }

    /** One poll round of every node that is up; not re-entered (a node's requests do not list). */
    private void pollAll() {
        if (polling) {
            return;
        }
        polling = true;
        try {
            for (ModelNode node : nodes) {
                if (node.up()) {
                    poll(node);
                }
            }
        } finally {
            polling = false;
        }
    }

    @Override
    public void listing(String party, String prefix) {
        if (party.equals(COORDINATOR)) {
            pollAll();
            ModelStep.Meanwhile act = meanwhile;
            if (act != null && node(act.node()).awaitsDecision()) {
                meanwhile = null;
                String outcome;
                try {
                    outcome = local(node(act.node()), act.act());
                } catch (Exception e) {
                    throw new AssertionError(act + " failed: " + e, e);
                }
                trace.add("   " + act + " -> " + outcome);
            }
        }
    }

    @Override
    public void wrote(String party, String key) {
        if (key.equals(new Layout(prefix).head(DATABASE))) {
            invariants.afterHeadWrite(party);
        }
    }

    @Override
    public void close() {
        for (ModelNode node : nodes) {
            if (node.up()) {
                node.kill();
            }
        }
    }

    @Override
    public String toString() {
        return "fleet model on s3://" + bucket + "/" + prefix + "/ in " + dir + ", nodes " + nodes.stream()
                .map(n -> n.name + (n.up() ? "" : " (down)")).toList() + ", keep " + keep;
    }
}
