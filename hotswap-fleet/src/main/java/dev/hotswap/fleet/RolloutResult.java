package dev.hotswap.fleet;

import java.util.List;
import java.util.Objects;

/**
 * How a rollout ended, node by node: the data behind the CLI's one line per node.
 *
 * @param database the database
 * @param rolloutId the rollout's id
 * @param kind push or rollback
 * @param committed whether the commit was written (every expected node answered ok in time)
 * @param reason why it aborted, starting with {@code "ERROR: "}; null when committed
 * @param nodes one outcome per expected node, in the manifest's order
 */
public record RolloutResult(String database, String rolloutId, Kind kind, boolean committed, String reason,
        List<NodeOutcome> nodes) {

    /** Rejects nulls; copies {@code nodes}. */
    public RolloutResult {
        Objects.requireNonNull(database, "database");
        Objects.requireNonNull(rolloutId, "rolloutId");
        Objects.requireNonNull(kind, "kind");
        nodes = List.copyOf(nodes);
    }

    /** Whether every expected node flipped: the rollout's only full success (the CLI's exit 0). */
    public boolean everyNodeFlipped() {
        return committed && nodes.stream().allMatch(n -> n.state() == State.FLIPPED);
    }

    /** The outcome for {@code node}. */
    public NodeOutcome node(String node) {
        return nodes.stream().filter(n -> n.node().equals(node)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("node " + node + " was not expected by rollout "
                        + rolloutId + "; expected: " + nodes.stream().map(NodeOutcome::node).toList()));
    }

    /** A push of a new file, or a rollback to a kept generation. */
    public enum Kind {
        /** A new file for every node. */
        PUSH,
        /** Every node back to the generation an earlier rollout brought. */
        ROLLBACK
    }

    /** Where one node ended. */
    public enum State {
        /** The rollout's generation is current on the node. */
        FLIPPED,
        /** The node refused: its check failed (the message says which, with the schema diff). */
        REFUSED,
        /** The node did not answer by the deadline. */
        NO_ANSWER,
        /** The node staged the file and was ready, but the rollout aborted: staged file discarded. */
        DISCARDED,
        /** The rollout committed but the node's flip failed: it still serves the previous generation. */
        FLIP_FAILED,
        /** The rollout committed but the node sent no flip report within the flip timeout. */
        FLIP_UNREPORTED
    }

    /**
     * One node's outcome.
     *
     * @param node the node
     * @param state where it ended
     * @param pauseMicros the flip's pause in microseconds when {@link State#FLIPPED}, else 0
     * @param message the refusal or failure, starting with {@code "ERROR: "}; null when flipped or discarded
     */
    public record NodeOutcome(String node, State state, long pauseMicros, String message) {

        /** Rejects nulls. */
        public NodeOutcome {
            Objects.requireNonNull(node, "node");
            Objects.requireNonNull(state, "state");
        }

        /**
         * The line the CLI prints: {@code web-1: flipped, pause 812 µs}, {@code web-2: staged, discarded
         * (rollout aborted)}, or {@code web-3: ERROR: ...} (a refusal may continue on further lines).
         */
        public String line() {
            return switch (state) {
                case FLIPPED -> node + ": flipped, pause " + pauseMicros + " µs";
                case DISCARDED -> node + ": staged, discarded (rollout aborted)";
                default -> node + ": " + message;
            };
        }
    }
}
