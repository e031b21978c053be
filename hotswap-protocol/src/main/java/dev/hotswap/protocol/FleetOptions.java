package dev.hotswap.protocol;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The options that send a push ({@code cp}) or a {@code rollback} to the server's whole fleet
 * instead of the server alone: the server that receives the request checks a push itself first,
 * then coordinates the rollout ({@code docs/protocol.md}, "Fleet rollouts"). Both peers check the
 * values with the parsers here, so that a bad one is a usage error on either side.
 */
public final class FleetOptions {
    /** Flag ({@code "true"}): roll the push or rollback out to every node of the server's fleet. */
    public static final String FLEET = "fleet";
    /**
     * The nodes the rollout expects, by name, comma-separated ({@code web-1,web-2}), instead of the
     * nodes alive when it starts. Only with {@link #FLEET}.
     */
    public static final String NODES = "nodes";
    /**
     * The fewest nodes that must be alive when the rollout starts, in decimal; fewer fail it at once.
     * Only with {@link #FLEET}, and not with {@link #NODES}.
     */
    public static final String MIN_NODES = "min-nodes";
    /** The most nodes a rollout can name or require. */
    public static final int MAX_NODES = 1000;

    /** A fleet node's name: the fleet makes it part of object keys. */
    private static final Pattern NODE_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,62}");

    private FleetOptions() {
    }

    /** The option names above, for a server checking which options a request may carry. */
    public static Set<String> names() {
        return Set.of(FLEET, NODES, MIN_NODES);
    }

    /**
     * The node names of a {@link #NODES} value.
     *
     * @throws IllegalArgumentException saying what is wrong: an empty list or name, a name that is not
     *     1 to 63 letters, digits, {@code .}, {@code _} or {@code -} starting with a letter or digit, a
     *     name given twice, more than {@link #MAX_NODES} names
     */
    public static List<String> parseNodes(String value) {
        if (value.isEmpty()) {
            throw new IllegalArgumentException("nodes takes node names separated by commas, not an empty list");
        }
        List<String> nodes = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (String node : value.split(",", -1)) {
            if (!NODE_NAME.matcher(node).matches()) {
                throw new IllegalArgumentException("node name '" + node + "' in '" + value + "' must be 1 to 63"
                        + " letters, digits, '.', '_' or '-', starting with a letter or digit");
            }
            if (!seen.add(node)) {
                throw new IllegalArgumentException("node " + node + " is named twice in '" + value + "'");
            }
            nodes.add(node);
        }
        if (nodes.size() > MAX_NODES) {
            throw new IllegalArgumentException(nodes.size() + " nodes named, more than " + MAX_NODES);
        }
        return List.copyOf(nodes);
    }

    /**
     * The count of a {@link #MIN_NODES} value.
     *
     * @throws IllegalArgumentException unless it is a decimal number from 1 to {@link #MAX_NODES}
     */
    public static int parseMinNodes(String value) {
        if (value.isEmpty() || value.length() > 4 || !value.chars().allMatch(c -> c >= '0' && c <= '9')
                || Integer.parseInt(value) < 1 || Integer.parseInt(value) > MAX_NODES) {
            throw new IllegalArgumentException("min-nodes takes a number of nodes from 1 to " + MAX_NODES + ", not '"
                    + value + "'");
        }
        return Integer.parseInt(value);
    }
}
