package dev.hotswap.fleet;

import java.io.IOException;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.function.Consumer;

import dev.hotswap.engine.Rollouts;

/**
 * What the operator of {@code hotswap cp --fleet} and {@code hotswap rollback --fleet} reads while a
 * rollout runs on the server they talk to: a line when the rollout has its id, when the nodes see
 * it, when it is decided, then one line per node, and a one-line summary that is the command's
 * {@code OK} or its error. The lines are pinned by the end-to-end tests: they are the CLI's
 * interface.
 */
final class RolloutReport implements Coordinator.Listener {

    /** What a push does once its file is in the store: hand the server's own staged file to its node. */
    @FunctionalInterface
    interface Uploaded {
        void handle(Manifest manifest) throws IOException;
    }

    private final Consumer<String> out;
    private final Uploaded uploaded;

    RolloutReport(Consumer<String> out, Uploaded uploaded) {
        this.out = out;
        this.uploaded = uploaded;
    }

    @Override
    public void claimed(Manifest manifest) {
        out.accept(manifest.kind() == RolloutResult.Kind.PUSH
                ? "rollout " + manifest.id() + " of " + manifest.database() + ": uploading " + manifest.size()
                        + " bytes to the fleet's store"
                : "rollout " + manifest.id() + " of " + manifest.database() + ": back to rollout " + manifest.target());
    }

    @Override
    public void uploaded(Manifest manifest) throws IOException {
        uploaded.handle(manifest);
    }

    @Override
    public void announced(Manifest manifest) {
        out.accept("rollout " + manifest.id() + ": waiting for " + manifest.expected().size() + " node(s) to "
                + (manifest.kind() == RolloutResult.Kind.PUSH ? "check and stage the file" : "confirm they keep it")
                + " (" + String.join(", ", manifest.expected()) + "), until "
                + manifest.deadline().truncatedTo(ChronoUnit.SECONDS));
    }

    @Override
    public void decided(Manifest manifest, Decision decision) {
        out.accept(decision.commit()
                ? "rollout " + manifest.id() + " committed: every node is ready and flips on its next poll"
                : "rollout " + manifest.id() + " aborted: " + Messages.bare(decision.reason()).lines().findFirst()
                        .orElse(""));
    }

    /** One line per expected node: flipped with its pause, or why not (a refusal may span lines). */
    void nodes(RolloutResult result) {
        result.nodes().forEach(node -> out.accept(node.line()));
    }

    /**
     * The rollout's end for the engine: {@code OK} only when every expected node flipped; for a dry
     * run, only when it aborted because every node would have gone live.
     */
    static Rollouts.Result summary(RolloutResult result, boolean dryRun) {
        String rollout = "rollout " + result.rolloutId() + " of " + result.database();
        int expected = result.nodes().size();
        if (dryRun && !result.committed() && Coordinator.DRY_RUN_PASSED.equals(Messages.bare(result.reason()))) {
            return new Rollouts.Result(true, "dry run: " + rollout + ": every node (" + expected + " of " + expected
                    + ") would go live; none flipped, each discarded the file");
        }
        if (result.everyNodeFlipped()) {
            return new Rollouts.Result(true, rollout + " committed: " + expected + " of " + expected + " nodes flipped");
        }
        if (result.committed()) {
            List<String> behind = result.nodes().stream().filter(n -> n.state() != RolloutResult.State.FLIPPED)
                    .map(RolloutResult.NodeOutcome::node).toList();
            return new Rollouts.Result(false, Messages.error(rollout + " committed, but " + behind.size() + " of "
                    + expected + " nodes did not flip: " + String.join(", ", behind)));
        }
        List<String> refused = result.nodes().stream().filter(n -> n.state() == RolloutResult.State.REFUSED)
                .map(RolloutResult.NodeOutcome::node).toList();
        String why = refused.isEmpty() ? Messages.bare(result.reason()).lines().findFirst().orElse("")
                : (refused.size() == 1 ? "node " : "nodes ") + String.join(", ", refused) + " refused";
        return new Rollouts.Result(false, Messages.error(rollout + " aborted: " + why + "; no node flipped"));
    }
}
