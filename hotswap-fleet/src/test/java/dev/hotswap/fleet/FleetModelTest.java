package dev.hotswap.fleet;

import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

import dev.hotswap.testkit.LocalS3;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.quicktheories.WithQuickTheories;
import org.quicktheories.api.Pair;
import org.quicktheories.core.Gen;
import org.quicktheories.dsl.TheoryBuilder;
import org.quicktheories.generators.Generate;

import software.amazon.awssdk.services.s3.S3Client;

/**
 * The fleet against a model, over generated sequences of rollouts, aborts (a file of another
 * schema, a node whose operator pushed another schema), rollbacks, local pushes and rollbacks, node
 * kills and restarts, with store faults injected per request (fails, lost replies, delays) and a
 * crash point after every store write of the coordinator and of each node. {@link FleetModel} runs
 * them on real engines; {@link FleetInvariants} lists what must hold after every step. Sequences
 * are generated lists; a failing one is cut at the step that broke the fleet, shrunk by replays
 * ({@link SequenceFailure#minimize}), and printed step by step with what each step did, with the
 * seed ({@code -Dhotswap.fleet.model.seed=N} runs the same sequences again).
 *
 * <p>First on an in-memory store, many sequences ({@code -Dhotswap.soak.minutes=N} runs it for N
 * minutes instead, and prints how many sequences and steps it explored); then the first few of the
 * same sequences on S3Proxy.
 */
class FleetModelTest implements WithQuickTheories {
    private static final long SEED = Long.getLong("hotswap.fleet.model.seed", System.nanoTime());
    private static final long SOAK_MINUTES = Long.getLong("hotswap.soak.minutes", 0);
    private static final int MEMORY_SEQUENCES = Integer.getInteger("hotswap.fleet.model.sequences", 25);
    private static final int S3PROXY_SEQUENCES = Integer.getInteger("hotswap.fleet.model.s3proxy.sequences", 3);
    /** {@code -Dhotswap.fleet.model.verbose=true} prints what every sequence did, step by step. */
    /** Answers and flips of a replayed sequence never miss this, however loaded the machine. */
    private static final Duration REPLAY_DEADLINE = Duration.ofSeconds(10);
    private static final boolean VERBOSE = Boolean.getBoolean("hotswap.fleet.model.verbose");
    private static final int MAX_STEPS = 12;
    /** Replays a failing sequence may take to shrink (QuickTheories' own shrinking is off: see {@link SequenceFailure}). */
    private static final int MINIMIZE_REPLAYS = 30;
    private static final AtomicInteger PREFIXES = new AtomicInteger();

    @Test
    void inMemoryStoreKeepsEveryInvariant() {
        Duration limit = Duration.ofMinutes(SOAK_MINUTES + 10);
        assertTimeoutPreemptively(limit, () -> explore("in-memory store", SOAK_MINUTES > 0 ? Integer.MAX_VALUE
                : MEMORY_SEQUENCES, scenario -> {
                    try (MemoryS3 store = new MemoryS3()) {
                        return run(store, "bucket", scenario, FleetModel.ANSWER_DEADLINE);
                    }
                }), "the fleet model exceeded its time");
    }

    /**
     * Found by a 10-minute soak (seed 28256316986281): a node restarted after missing a commit
     * downloads and stages the rollout to catch up, and a store request after the staging fails; the
     * staged file must not keep the database claimed, or every later catch-up is refused as busy.
     */
    @Test
    @Timeout(120)
    void aCatchUpWhoseStoreRequestFailsAfterStagingCatchesUpNextRound() throws Exception {
        replay(new ModelStep.Scenario(2, 1, List.of(new ModelStep.Kill(1),
                new ModelStep.Push(false, new ModelStep.Meanwhile(1, ModelStep.LocalAct.PUSH), List.of()),
                new ModelStep.Restart(List.of(new Fault(FleetModel.nodeName(1), 4, Fault.Kind.FAIL))))));
    }

    /**
     * A false alarm of the model that a soak found (seed 29241611962845): a node refused to catch up
     * (another schema, pushed by hand), then its operator rolled it back by hand to the fleet's
     * schema; its refusal of that commit stands until the next one, as for any change by hand.
     */
    @Test
    @Timeout(120)
    void aNodeRolledBackByHandAfterItCouldNotCatchUpWaitsForTheNextCommit() throws Exception {
        replay(new ModelStep.Scenario(3, 1, List.of(
                new ModelStep.Local(2, ModelStep.LocalAct.PUSH_OTHER_SCHEMA), new ModelStep.Kill(2),
                new ModelStep.Push(false, null, List.of()), new ModelStep.Restart(List.of()),
                new ModelStep.Local(2, ModelStep.LocalAct.ROLLBACK))));
    }

    /**
     * A false alarm of the model that a soak found (seed 33209196739928): a node pushed another
     * schema by hand refused to catch up to a commit while it was down; a later {@code rollback
     * --fleet} flipped it back to the fleet's schema. Its old refusal was right when it was made, and
     * the later flip supersedes it.
     */
    @Test
    @Timeout(120)
    void aRefusalToCatchUpIsSupersededByTheNodesFlipOnALaterCommit() throws Exception {
        ModelStep.Meanwhile rollbackOnWeb2 = new ModelStep.Meanwhile(1, ModelStep.LocalAct.ROLLBACK);
        replay(new ModelStep.Scenario(2, 3, List.of(
                new ModelStep.Push(false, rollbackOnWeb2, List.of()),
                new ModelStep.Local(1, ModelStep.LocalAct.PUSH_OTHER_SCHEMA), new ModelStep.Kill(1),
                new ModelStep.Push(false, rollbackOnWeb2, List.of()), new ModelStep.Restart(List.of()),
                new ModelStep.Rollback(0, null, List.of()))));
    }

    @Test
    @Timeout(300)
    void s3ProxyKeepsEveryInvariant() throws Exception {
        LocalS3 s3 = LocalS3.shared();
        String bucket = "fleet-model";
        s3.createBucket(bucket);
        try (S3Client client = S3Clients.create(TestFleet.config(s3, bucket, "model").build())) {
            explore("S3Proxy", S3PROXY_SEQUENCES, scenario -> run(client, bucket, scenario, FleetModel.ANSWER_DEADLINE));
        }
    }

    /**
     * Runs one scenario on {@code backend} in a temp folder; returns the steps it ran, or throws the
     * failure of the step that broke an invariant.
     */
    /**
     * Replays a pinned sequence on an in-memory store with deadlines a loaded machine cannot miss, so
     * that it takes the path the soak found whatever the load.
     */
    private static void replay(ModelStep.Scenario scenario) throws SequenceFailure {
        try (MemoryS3 store = new MemoryS3()) {
            run(store, "bucket", scenario, REPLAY_DEADLINE);
        }
    }

    private static int run(S3Client backend, String bucket, ModelStep.Scenario scenario, Duration answerDeadline)
            throws SequenceFailure {
        List<ModelStep> steps = scenario.steps();
        int step = 0;
        try {
            Path dir = Files.createTempDirectory("hotswap-fleet-model");
            try (FleetModel model = new FleetModel(dir, backend, bucket, "model-" + PREFIXES.incrementAndGet(),
                    scenario.nodes(), scenario.keep(), answerDeadline)) {
                for (; step < steps.size(); step++) {
                    model.run(step + 1, steps.get(step));
                }
                if (VERBOSE) {
                    System.err.println(scenario.nodes() + " nodes, keep " + scenario.keep() + ":\n  "
                            + String.join("\n  ", model.trace()));
                }
                return steps.size();
            } finally {
                delete(dir);
            }
        } catch (Exception | AssertionError e) {
            throw new SequenceFailure(new ModelStep.Scenario(scenario.nodes(), scenario.keep(),
                    steps.subList(0, Math.min(step + 1, steps.size()))), e);
        }
    }

    private void explore(String store, int sequences, SequenceFailure.Runner runner) {
        AtomicLong tried = new AtomicLong();
        AtomicLong steps = new AtomicLong();
        long start = System.nanoTime();
        System.err.printf("fleet model on the %s: seed %d (-Dhotswap.fleet.model.seed=%d runs these sequences"
                + " again)%n", store, SEED, SEED);
        boolean passed = false;
        try {
            TheoryBuilder<ModelStep.Scenario> theory = (SOAK_MINUTES > 0 && sequences == Integer.MAX_VALUE
                    ? qt().withUnlimitedExamples().withTestingTime(SOAK_MINUTES, TimeUnit.MINUTES)
                    : qt().withExamples(sequences))
                    .withFixedSeed(SEED).withShrinkCycles(0).forAll(scenarios());
            theory.checkAssert(scenario -> {
                try {
                    steps.addAndGet(runner.run(scenario));
                    tried.incrementAndGet();
                } catch (SequenceFailure failure) {
                    tried.incrementAndGet();
                    SequenceFailure smallest = failure.minimize(runner, MINIMIZE_REPLAYS);
                    throw new AssertionError("seed " + SEED + ": a sequence of " + scenario.steps().size()
                            + " steps broke the fleet; the smallest replay that still does:\n" + smallest.failing()
                            + "\n" + smallest.getCause().getMessage(), smallest.getCause());
                }
            });
            passed = true;
        } finally {
            System.err.printf("fleet model on the %s: %d sequences, %d steps explored in %d s, %s (seed %d)%n", store,
                    tried.get(), steps.get(), TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start),
                    passed ? "every invariant held" : "FAILED", SEED);
        }
    }

    private Gen<ModelStep.Scenario> scenarios() {
        return integers().between(2, 3).flatMap(nodes -> integers().between(1, 3).zip(
                lists().of(steps(nodes)).ofSizeBetween(2, MAX_STEPS), (keep, steps) -> new ModelStep.Scenario(nodes,
                        keep, steps)));
    }

    /** The steps on a fleet of {@code nodes}, by weight; a shrink goes towards the first (a push without faults). */
    private Gen<ModelStep> steps(int nodes) {
        Gen<Integer> node = integers().between(0, nodes - 1);
        // Half the steps without faults, so that enough rollouts commit for the others to matter.
        Gen<List<Fault>> faults = lists().of(fault(nodes)).ofSizes(weighted(List.of(Pair.of(3, Generate.constant(0)),
                Pair.of(2, Generate.constant(1)), Pair.of(1, Generate.constant(2)))));
        Gen<ModelStep.LocalAct> act = Generate.enumValues(ModelStep.LocalAct.class);
        Gen<ModelStep.Meanwhile> meanwhile = weighted(List.of(
                Pair.of(2, Generate.constant((ModelStep.Meanwhile) null)),
                Pair.of(1, node.zip(act, ModelStep.Meanwhile::new))));
        return weighted(List.of(
                Pair.of(8, meanwhile.zip(faults, (m, f) -> new ModelStep.Push(false, m, f))),
                Pair.of(1, faults.map(f -> new ModelStep.Push(true, null, f))),
                Pair.of(4, meanwhile.zip(faults, (m, f) -> new ModelStep.Rollback(-1, m, f))),
                Pair.of(2, integers().between(0, 4).zip(faults, (to, f) -> new ModelStep.Rollback(to, null, f))),
                Pair.of(2, node.zip(act, ModelStep.Local::new)),
                Pair.of(3, node.map(ModelStep.Kill::new)),
                Pair.of(3, faults.map(ModelStep.Restart::new)),
                Pair.of(1, Generate.constant(new ModelStep.WaitPastDeadlines()))));
    }

    /** One of {@code choices}, each as often as its weight says. */
    private static <T> Gen<T> weighted(List<Pair<Integer, Gen<? extends T>>> choices) {
        int total = choices.stream().mapToInt(choice -> choice._1).sum();
        return Generate.range(0, total - 1).flatMap(roll -> {
            int left = roll;
            for (Pair<Integer, Gen<? extends T>> choice : choices) {
                if (left < choice._1) {
                    return choice._2;
                }
                left -= choice._1;
            }
            throw new IllegalStateException("roll " + roll + " beyond " + total);
        });
    }

    /**
     * A fault: the coordinator, with the most writes, twice as often as each node; a crash after
     * one of the party's first six writes (every write a coordinator makes in a rollout), any other
     * fault at one of its first 13 requests.
     */
    private Gen<Fault> fault(int nodes) {
        Gen<String> party = integers().between(-2, nodes - 1).map(n -> n < 0 ? FleetModel.COORDINATOR
                : FleetModel.nodeName(n));
        Gen<Fault.Kind> kind = weighted(List.of(Pair.of(3, Generate.constant(Fault.Kind.FAIL)),
                Pair.of(2, Generate.constant(Fault.Kind.LOST_REPLY)), Pair.of(1, Generate.constant(Fault.Kind.DELAY)),
                Pair.of(3, Generate.constant(Fault.Kind.CRASH)), Pair.of(1, Generate.constant(Fault.Kind.STALL))));
        return party.zip(kind, (p, k) -> new Object[] {p, k}).flatMap(pk -> integers()
                .between(0, pk[1] == Fault.Kind.CRASH ? 5 : 12)
                .map(index -> new Fault((String) pk[0], index, (Fault.Kind) pk[1])));
    }

    private static void delete(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(file);
            }
        }
    }
}
