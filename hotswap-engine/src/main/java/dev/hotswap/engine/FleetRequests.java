package dev.hotswap.engine;

import java.io.IOException;
import java.util.Optional;
import java.util.function.Consumer;

import dev.hotswap.protocol.CpOptions;
import dev.hotswap.protocol.Exit;
import dev.hotswap.protocol.FleetOptions;
import dev.hotswap.protocol.Protocol;
import dev.hotswap.protocol.Request;

/**
 * The admin socket's side of {@code --fleet} ({@code docs/protocol.md}, "Fleet rollouts"): the fleet
 * options of a {@code cp} or {@code rollback} request checked, and a rollout handed to the engine's
 * {@link Rollouts}, its lines relayed to the client as they come, its end made the conversation's
 * {@code EXIT}. The client leaving does not stop a rollout: other servers may be about to flip.
 */
final class FleetRequests {
    private static final System.Logger LOG = System.getLogger(FleetRequests.class.getName());
    /** The phase a conversation is in while its rollout runs. */
    static final String PHASE = "rollout";

    private FleetRequests() {
    }

    /**
     * The nodes a fleet request expects, or empty for a request to this server alone.
     *
     * @param rollouts the engine's rollouts, or null if it is in no fleet
     * @throws RequestMisuse for a bad or misplaced fleet option, or a fleet request to a server in no fleet
     */
    static Optional<Rollouts.Nodes> nodes(Request request, Rollouts rollouts) throws RequestMisuse {
        String fleet = request.options().get(FleetOptions.FLEET);
        String named = request.options().get(FleetOptions.NODES);
        String atLeast = request.options().get(FleetOptions.MIN_NODES);
        if (fleet == null) {
            if (named != null || atLeast != null) {
                throw new RequestMisuse("option " + (named != null ? FleetOptions.NODES : FleetOptions.MIN_NODES)
                        + " applies to fleet rollouts only (option " + FleetOptions.FLEET + ")");
            }
            return Optional.empty();
        }
        if (!fleet.equals("true")) {
            throw new RequestMisuse("option " + FleetOptions.FLEET + " takes the value true, not '" + fleet + "'");
        }
        if (named != null && atLeast != null) {
            throw new RequestMisuse("options " + FleetOptions.NODES + " and " + FleetOptions.MIN_NODES
                    + " exclude each other: name the nodes, or ask for a number of alive ones");
        }
        for (String skip : new String[] {CpOptions.SKIP_INTEGRITY_CHECK, CpOptions.SKIP_SCHEMA_CHECK, CpOptions.SKIP_CHECK}) {
            if (request.options().containsKey(skip)) {
                throw new RequestMisuse(skip + " does not apply to fleet rollouts: every node runs every check");
            }
        }
        if (rollouts == null) {
            throw new RequestMisuse("this server is in no fleet (its engine has no rollouts configured); run the command"
                    + " without --fleet, or on a server of the fleet");
        }
        try {
            if (named != null) {
                return Optional.of(Rollouts.Nodes.named(FleetOptions.parseNodes(named)));
            }
            return Optional.of(atLeast != null ? Rollouts.Nodes.atLeast(FleetOptions.parseMinNodes(atLeast))
                    : Rollouts.Nodes.alive());
        } catch (IllegalArgumentException e) {
            throw new RequestMisuse(e.getMessage());
        }
    }

    /**
     * Rolls {@code staged}, checked here, out to the fleet, or with {@code dryRun} has every node check
     * it and none flip; {@code staged} belongs to {@code rollouts} now.
     */
    static Exit push(Rollouts rollouts, StagedGeneration staged, Rollouts.Nodes nodes, boolean dryRun,
            Progress progress) {
        if (dryRun) {
            return run("dry run of " + staged.database(), progress, report -> rollouts.check(staged, nodes, report));
        }
        return run("rollout of " + staged.database(), progress, report -> rollouts.push(staged, nodes, report));
    }

    /** Rolls every node of the fleet back to {@code toRollout}, or to the rollout served before the current one. */
    static Exit rollback(Rollouts rollouts, String database, Optional<String> toRollout, Rollouts.Nodes nodes,
            Progress progress) {
        return run("rollback of " + database, progress, report -> rollouts.rollback(database, toRollout, nodes, report));
    }

    /** One rollout, as {@link #run} runs it. */
    @FunctionalInterface
    private interface Rollout {
        Rollouts.Result run(Consumer<String> report) throws IOException;
    }

    private static Exit run(String what, Progress progress, Rollout rollout) {
        Consumer<String> report = line -> {
            try {
                progress.status(line);
            } catch (IOException e) {
                LOG.log(System.Logger.Level.DEBUG, "the client of the " + what + " left; the rollout goes on", e);
            }
        };
        try {
            progress.phase(PHASE);
        } catch (IOException e) {
            LOG.log(System.Logger.Level.DEBUG, "the client of the " + what + " left; the rollout goes on", e);
        }
        try {
            Rollouts.Result result = rollout.run(report);
            if (!result.everyNodeFlipped()) {
                return new Exit(Protocol.EXIT_FAILED, result.summary());
            }
            report.accept(result.summary());
            return new Exit(Protocol.EXIT_OK, "OK");
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "the " + what + " failed", e);
            return new Exit(Protocol.EXIT_FAILED, "ERROR: the " + what + " failed: " + e.getMessage());
        }
    }
}
