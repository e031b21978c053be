package dev.hotswap.cli;

import dev.hotswap.protocol.FleetOptions;
import java.util.Map;
import java.util.TreeMap;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/**
 * {@code --fleet}, {@code --nodes} and {@code --min-nodes}, shared by {@code cp} (pushes) and
 * {@code rollback}: the server the CLI talks to coordinates the rollout to every server of its
 * fleet. Checked here with the protocol's own parsers, so that a bad list is a usage error before
 * anything is sent.
 */
final class FleetMixin {
    @Option(names = "--fleet", description = {"Roll out to every server of the app's fleet, all or none: the server",
        "this command talks to checks the file, then coordinates (docs/fleet.md)."})
    boolean fleet;

    @Option(names = "--nodes", paramLabel = "NODE,...",
            description = "With --fleet: the servers that must take part, by node name (default: those alive).")
    String nodes;

    @Option(names = "--min-nodes", paramLabel = "N",
            description = "With --fleet: fail at once unless at least N servers are alive.")
    String minNodes;

    /** Whether the command goes to the fleet. */
    boolean enabled() {
        return fleet;
    }

    /**
     * The request options for these flags: none without {@code --fleet}.
     *
     * @throws ParameterException for {@code --nodes} or {@code --min-nodes} without {@code --fleet},
     *     both at once, or a bad value
     */
    Map<String, String> options(CommandSpec spec) {
        Map<String, String> options = new TreeMap<>();
        if (!fleet) {
            if (nodes != null || minNodes != null) {
                throw new ParameterException(spec.commandLine(), (nodes != null ? "--nodes" : "--min-nodes")
                        + " needs --fleet");
            }
            return options;
        }
        if (nodes != null && minNodes != null) {
            throw new ParameterException(spec.commandLine(),
                    "--nodes and --min-nodes exclude each other: name the servers, or ask for a number of alive ones");
        }
        options.put(FleetOptions.FLEET, "true");
        try {
            if (nodes != null) {
                FleetOptions.parseNodes(nodes);
                options.put(FleetOptions.NODES, nodes);
            }
            if (minNodes != null) {
                FleetOptions.parseMinNodes(minNodes);
                options.put(FleetOptions.MIN_NODES, minNodes);
            }
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        return options;
    }
}
