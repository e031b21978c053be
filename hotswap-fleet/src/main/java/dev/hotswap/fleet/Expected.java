package dev.hotswap.fleet;

import java.util.List;
import java.util.Objects;

/**
 * Which nodes a rollout waits for. Every one of them must answer ok before the commit; the
 * manifest lists them, so a node that registers later catches up after the commit instead.
 *
 * @param nodes the nodes by name, or empty for "the nodes alive when the rollout starts"
 * @param atLeast with {@code nodes} empty, the rollout fails at once if fewer nodes are alive
 */
public record Expected(List<String> nodes, int atLeast) {

    /** Copies {@code nodes}; checks names and counts. */
    public Expected {
        nodes = List.copyOf(nodes);
        nodes.forEach(node -> FleetConfig.requireName("node name", node));
        if (nodes.size() != nodes.stream().distinct().count()) {
            throw new IllegalArgumentException("expected nodes " + nodes + " name a node twice");
        }
        if (atLeast < 1) {
            throw new IllegalArgumentException("atLeast " + atLeast + " must be at least 1");
        }
    }

    /** The nodes alive (registered within the node timeout) when the rollout starts; at least one. */
    public static Expected aliveNodes() {
        return new Expected(List.of(), 1);
    }

    /** The nodes alive when the rollout starts, and at least {@code count} of them. */
    public static Expected atLeast(int count) {
        return new Expected(List.of(), count);
    }

    /** Exactly these nodes, alive or not ({@code --nodes a,b,c}). */
    public static Expected nodes(List<String> nodes) {
        Objects.requireNonNull(nodes, "nodes");
        if (nodes.isEmpty()) {
            throw new IllegalArgumentException("expected nodes must not be empty");
        }
        return new Expected(nodes, nodes.size());
    }
}
