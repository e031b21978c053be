package dev.hotswap.engine;

import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import dev.hotswap.protocol.CpOptions;
import dev.hotswap.protocol.FleetOptions;
import dev.hotswap.protocol.Request;

/**
 * A {@code cp} request checked against the engine: a push into {@code destination} or a pull of
 * {@code source} (exactly one is set), with what the client asked for.
 *
 * @param size the upload size the client declared, or -1
 * @param deltaPageSize the page size of the client's file when it offers a delta, or 0
 * @param fleet the nodes of a fleet rollout (pushes only), or empty
 * @param dryRun whether to check the push and discard it (pushes only)
 * @param catchUp whether a pull may end with catch-up passes: protocol 3, and the destination is a
 *     file the client can patch, not {@code -}
 * @param compress whether the data streams both ways may carry compressed frames: protocol 4, and
 *     the client asked ({@link CpOptions#COMPRESS}: its link to us is a slow one)
 */
record CopyRequest(ManagedDatabase source, ManagedDatabase destination, PushOptions options, long size,
        int deltaPageSize, Optional<Rollouts.Nodes> fleet, boolean dryRun, boolean catchUp, boolean compress) {
    /** The options that apply to pushes only. */
    private static final Set<String> FLAGS = Set.of(CpOptions.SKIP_INTEGRITY_CHECK, CpOptions.SKIP_SCHEMA_CHECK,
            CpOptions.DRY_RUN, CpOptions.SKIP_CHECK);

    /** The last line of a dry run on this server alone that passed. */
    String dryRunPassed() {
        return "dry run: " + destination.name() + " would go live; the file is deleted, nothing changed";
    }

    /** True for a push, false for a pull. */
    boolean isPush() {
        return destination != null;
    }

    /**
     * Checks {@code request} as a client speaking protocol {@code version} sent it.
     *
     * @throws RequestMisuse saying what is wrong, for the client's {@code EXIT 2}
     */
    static CopyRequest check(Request request, int version, Hotswap engine) throws RequestMisuse {
        if (request.args().size() != 2) {
            throw new RequestMisuse("cp takes 2 arguments (source and destination), got " + request.args().size());
        }
        long size = -1;
        int deltaPageSize = 0;
        boolean compress = false;
        for (Map.Entry<String, String> option : request.options().entrySet()) {
            String name = option.getKey();
            String value = option.getValue();
            if (name.equals(CpOptions.SIZE)) {
                size = CpOptions.parseSize(value);
                if (size < 0) {
                    throw new RequestMisuse("option size takes a byte count, not '" + value + "'");
                }
            } else if (name.equals(CpOptions.DELTA) && version >= 2) {
                deltaPageSize = pageSize(value);
                if (deltaPageSize == 0) {
                    throw new RequestMisuse("option delta takes a page size (a power of two, 512 to 65536), not '"
                            + value + "'");
                }
            } else if (name.equals(CpOptions.COMPRESS) && version >= 4) {
                if (!"true".equals(value)) {
                    throw new RequestMisuse("option " + name + " takes the value true, not '" + value + "'");
                }
                compress = true;
            } else if (FleetOptions.names().contains(name)) {
                continue; // checked by FleetRequests
            } else if (name.equals(CpOptions.SKIP_CHECK)) {
                continue; // checked against the destination's checks below
            } else if (!FLAGS.contains(name)) {
                throw new RequestMisuse("unknown option '" + name + "' for cp (options: "
                        + CpOptions.SKIP_INTEGRITY_CHECK + ", " + CpOptions.SKIP_SCHEMA_CHECK + ", " + CpOptions.SKIP_CHECK
                        + ", " + CpOptions.DRY_RUN + ", " + CpOptions.SIZE
                        + ", " + FleetOptions.FLEET + ", " + FleetOptions.NODES + ", " + FleetOptions.MIN_NODES + ")");
            } else if (!"true".equals(value)) {
                throw new RequestMisuse("option " + name + " takes the value true, not '" + value + "'");
            }
        }
        Optional<Rollouts.Nodes> fleet = FleetRequests.nodes(request, engine.rollouts());
        ManagedDatabase source = DatabaseArgument.match(engine.databases(), request.args().get(0));
        ManagedDatabase destination = DatabaseArgument.match(engine.databases(), request.args().get(1));
        if (source == null && destination == null) {
            throw new RequestMisuse("neither path is a managed database (managed: " + engine.describe() + ")");
        }
        if (source != null && destination != null) {
            throw new RequestMisuse("both paths are managed databases; one side must be a file or -"
                    + " (managed: " + engine.describe() + ")");
        }
        if (source != null && fleet.isPresent()) {
            throw new RequestMisuse(FleetOptions.FLEET + " applies to pushes and rollbacks, not to a"
                    + " pull (the source is the managed database " + source.name() + ")");
        }
        if (source != null && request.options().keySet().stream().anyMatch(FLAGS::contains)) {
            throw new RequestMisuse(String.join(", ", request.options().keySet().stream()
                    .filter(FLAGS::contains).toList()) + " applies to pushes only");
        }
        PushOptions options = new PushOptions(request.flag(CpOptions.SKIP_INTEGRITY_CHECK),
                request.flag(CpOptions.SKIP_SCHEMA_CHECK), skippedChecks(request, destination));
        return new CopyRequest(source, destination, options, size, deltaPageSize, fleet,
                request.flag(CpOptions.DRY_RUN), version >= 3 && !request.args().get(1).equals("-"), compress);
    }

    /** The checks option {@code skip-check} names, each one that {@code destination} has. */
    private static Set<String> skippedChecks(Request request, ManagedDatabase destination) throws RequestMisuse {
        String value = request.options().get(CpOptions.SKIP_CHECK);
        if (value == null || destination == null) {
            return Set.of();
        }
        Set<String> names = new LinkedHashSet<>();
        for (String name : value.split(",", -1)) {
            if (name.isEmpty() || !names.add(name)) {
                throw new RequestMisuse("option " + CpOptions.SKIP_CHECK + " takes check names, comma-separated,"
                        + " each once, not '" + value + "'");
            }
        }
        try {
            destination.settings().checksOf(destination.name()).requireKnown(destination.name(), names);
        } catch (IllegalArgumentException e) {
            throw new RequestMisuse(e.getMessage());
        }
        return names;
    }

    /** A page size given as an option value, or 0 if it is none. */
    private static int pageSize(String value) {
        try {
            int size = Integer.parseInt(value);
            return size >= 512 && size <= 65536 && Integer.bitCount(size) == 1 ? size : 0;
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
