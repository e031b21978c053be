package dev.hotswap.engine;

import java.util.Optional;
import java.util.OptionalLong;

import dev.hotswap.protocol.FleetOptions;
import dev.hotswap.protocol.Protocol;
import dev.hotswap.protocol.Request;

/**
 * A {@code rollback NAME|PATH [to=...]} request checked against the engine. On one server the target
 * is a generation number; across a fleet, whose servers number their generations each their own
 * way, it is a rollout id.
 *
 * @param to the generation to go back to, or empty for the previous one (one server)
 * @param rollout the rollout to go back to, or empty for the previous one (a fleet)
 * @param fleet the nodes of a fleet rollback, or empty
 */
record RollbackRequest(ManagedDatabase db, OptionalLong to, Optional<String> rollout,
        Optional<Rollouts.Nodes> fleet) {
    private static final String TO = Protocol.OPTION_TO;

    /**
     * Checks {@code request}.
     *
     * @throws RequestMisuse saying what is wrong, for the client's {@code EXIT 2}
     */
    static RollbackRequest check(Request request, Hotswap engine) throws RequestMisuse {
        if (request.args().size() != 1) {
            throw new RequestMisuse("rollback takes 1 argument (the database), got " + request.args().size());
        }
        for (String option : request.options().keySet()) {
            if (!option.equals(TO) && !FleetOptions.names().contains(option)) {
                throw new RequestMisuse("unknown option '" + option + "' for rollback (options: " + TO
                        + ", " + FleetOptions.FLEET + ", " + FleetOptions.NODES + ", " + FleetOptions.MIN_NODES + ")");
            }
        }
        Optional<Rollouts.Nodes> fleet = FleetRequests.nodes(request, engine.rollouts());
        ManagedDatabase db = DatabaseArgument.match(engine.databases(), request.args().get(0));
        if (db == null) {
            throw new RequestMisuse(request.args().get(0) + " is not a managed database (managed: "
                    + engine.describe() + ")");
        }
        String value = request.options().get(TO);
        if (fleet.isPresent()) {
            if (value != null && !value.matches("[A-Za-z0-9._-]{1,128}")) {
                throw new RequestMisuse("option " + TO + " of a fleet rollback takes a rollout id, not '" + value + "'");
            }
            return new RollbackRequest(db, OptionalLong.empty(), Optional.ofNullable(value), fleet);
        }
        OptionalLong to = OptionalLong.empty();
        if (value != null) {
            try {
                to = OptionalLong.of(Long.parseLong(value));
            } catch (NumberFormatException e) {
                throw new RequestMisuse("option " + TO + " takes a generation number, not '" + value + "'");
            }
        }
        return new RollbackRequest(db, to, Optional.empty(), fleet);
    }
}
