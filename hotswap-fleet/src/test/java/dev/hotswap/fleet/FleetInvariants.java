package dev.hotswap.fleet;

import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * The fleet's invariants, checked against what the store says was decided (the decisions are the
 * truth), for a {@link FleetModel}:
 * <ol>
 *   <li>the head never names an older commit than a decision already written, and never goes back
 *       (after every write of the head, and after every step);</li>
 *   <li>no node flips on an abort: a flip report says "flipped" only under a commit, and no node
 *       serves a file that no commit brought;</li>
 *   <li>a node that answered yes flips on the commit: no flip report of a node that answered says it
 *       could not;</li>
 *   <li>every node that is up serves the latest committed rollout once it has polled, unless an
 *       operator changed it by hand since that commit, or it serves another schema than the
 *       rollout's (it cannot catch up then, and says so).</li>
 * </ol>
 */
final class FleetInvariants {
    private final FleetModel model;
    private final ObjectStore observer;
    private final Layout layout;
    /** The schema of every push rollout, by id. */
    private final Map<String, String> schemas = new HashMap<>();
    private long headLatestSeen;
    private String reservationBroken;

    FleetInvariants(FleetModel model, ObjectStore observer) {
        this.model = model;
        this.observer = observer;
        this.layout = new Layout(observer.config().prefix());
    }

    /** The model pushed a file of {@code schema} as rollout {@code id}. */
    void pushed(String id, String schema) {
        schemas.put(id, schema);
    }

    /** What the store holds of the rollouts: manifests, decisions, flip reports, by rollout id. */
    private record Rollouts(Map<String, Manifest> manifests, Map<String, Decision> decisions,
            Map<String, Map<String, FlipReport>> flips) {

        boolean committed(String id) {
            return decisions.containsKey(id) && decisions.get(id).commit();
        }

        /** The newest committed rollout, or null. */
        String newestCommit() {
            String newest = null;
            for (String id : decisions.keySet()) {
                if (committed(id) && (newest == null || id.compareTo(newest) > 0)) {
                    newest = id;
                }
            }
            return newest;
        }

        /** The file the fleet serves by the decisions: the newest commit's content, or null. */
        String content() {
            String newest = newestCommit();
            return newest == null ? null : manifests.get(newest).content();
        }
    }

    private Rollouts read() throws FleetException {
        String base = layout.rollouts(FleetModel.DATABASE);
        Map<String, Manifest> manifests = new TreeMap<>();
        Map<String, Decision> decisions = new TreeMap<>();
        Map<String, Map<String, FlipReport>> flips = new TreeMap<>();
        for (ObjectStore.Listed listed : observer.list(base).objects()) {
            String key = listed.key();
            String[] parts = key.substring(base.length()).split("/");
            String id = parts[0];
            if (parts.length == 2 && parts[1].equals("manifest")) {
                observer.get(key).ifPresent(bytes -> manifests.put(id, parse(() -> Manifest.parse(key, bytes))));
            } else if (parts.length == 2 && parts[1].equals("decision")) {
                observer.get(key).ifPresent(bytes -> decisions.put(id, parse(() -> Decision.parse(key, bytes))));
            } else if (parts.length == 3 && parts[1].equals("flips")) {
                observer.get(key).ifPresent(bytes -> flips.computeIfAbsent(id, r -> new TreeMap<>())
                        .put(parts[2], parse(() -> FlipReport.parse(key, bytes))));
            }
        }
        return new Rollouts(manifests, decisions, flips);
    }

    @FunctionalInterface
    private interface Parse<T> {
        T parse() throws FleetException;
    }

    private static <T> T parse(Parse<T> parse) {
        try {
            return parse.parse();
        } catch (FleetException e) {
            throw new AssertionError("an object in the store does not parse: " + e.getMessage(), e);
        }
    }

    /** The committed pushes, oldest first: what {@code rollback --to} may name. */
    List<String> committedPushes() throws FleetException {
        Rollouts rollouts = read();
        return rollouts.decisions().keySet().stream().filter(rollouts::committed)
                .filter(id -> rollouts.manifests().get(id).kind() == RolloutResult.Kind.PUSH).toList();
    }

    /**
     * Whether some rollout is undecided and not abandoned yet (its deadline and the abandon time, and
     * half a second for the time since the coordinator looked, have not passed): the one reason a
     * coordinator may refuse as busy.
     */
    boolean someRolloutIsLive() throws FleetException {
        Rollouts rollouts = read();
        Instant now = Instant.now();
        return rollouts.manifests().entrySet().stream().anyMatch(rollout -> !rollouts.decisions().containsKey(
                rollout.getKey()) && now.isBefore(rollout.getValue().deadline().plus(FleetModel.ABANDON_AFTER)
                        .plusMillis(500)));
    }

    /** The sequence number of the newest commit, or 0. */
    long newestCommit() throws FleetException {
        String newest = read().newestCommit();
        return newest == null ? 0 : Long.parseLong(newest);
    }

    /** A node that answered yes let a local step through before the decision: fails after the step's other checks. */
    void reservationBroken(String what) {
        if (reservationBroken == null) {
            reservationBroken = what;
        }
    }

    /** Invariant 1, right after {@code party} wrote the head. */
    void afterHeadWrite(String party) {
        try {
            checkHead("right after " + party + " wrote it", read());
        } catch (FleetException e) {
            throw new AssertionError("reading the store: " + e.getMessage(), e);
        }
    }

    private void checkHead(String when, Rollouts rollouts) throws FleetException {
        Optional<byte[]> bytes = observer.get(layout.head(FleetModel.DATABASE));
        if (bytes.isEmpty()) {
            // Aborts without a head are fine (a rollout closed before it was announced); a commit is not.
            if (rollouts.newestCommit() != null) {
                fail("the head is missing " + when + ", with the commit of rollout " + rollouts.newestCommit());
            }
            return;
        }
        Head head = Head.parse(layout.head(FleetModel.DATABASE), bytes.get());
        long latest = Long.parseLong(head.latest());
        if (latest < headLatestSeen) {
            fail("the head went back from rollout " + headLatestSeen + " to " + head + " " + when);
        }
        headLatestSeen = latest;
        for (Map.Entry<String, Decision> decision : rollouts.decisions().entrySet()) {
            long id = Long.parseLong(decision.getKey());
            if (decision.getValue().commit() && id < latest
                    && (head.committed() == null || Long.parseLong(head.committed()) < id)) {
                fail("the head " + head + " " + when + " names an older commit than the decision of rollout "
                        + decision.getKey());
            }
        }
        Head effective = new Coordinator(observer, FleetModel.DATABASE).head().orElseThrow();
        if (!Objects.equals(effective.content(), rollouts.content())) {
            fail("the head " + head + " " + when + " serves " + effective.content() + " but the decisions say "
                    + rollouts.content());
        }
    }

    /** Every invariant, once the nodes have polled after {@code step}. */
    void afterStep(ModelStep step) throws FleetException, SQLException {
        Rollouts rollouts = read();
        checkHead("after the step", rollouts);
        Set<String> servedByCommits = new HashSet<>();
        rollouts.decisions().keySet().stream().filter(rollouts::committed)
                .forEach(id -> servedByCommits.add(rollouts.manifests().get(id).content()));
        Map<String, ModelNode> byName = new HashMap<>();
        model.nodes().forEach(n -> byName.put(n.name, n));
        Map<String, Long> newestFlip = new HashMap<>();
        rollouts.flips().forEach((id, reports) -> reports.values().stream().filter(FlipReport::flipped)
                .forEach(report -> newestFlip.merge(report.node(), Long.parseLong(id), Math::max)));
        for (Map.Entry<String, Map<String, FlipReport>> entry : rollouts.flips().entrySet()) {
            String id = entry.getKey();
            for (FlipReport report : entry.getValue().values()) {
                if (report.flipped() && !rollouts.committed(id)) {
                    fail(report.node() + " flipped on rollout " + id + ", which did not commit: "
                            + rollouts.decisions().get(id));
                }
                if (!report.flipped() && !report.caughtUp()) {
                    fail(report.node() + " answered yes to rollout " + id + " and could not flip: " + report.message());
                }
                ModelNode node = byName.get(report.node());
                // A node an operator changed by hand since that commit (a local rollback back to the
                // fleet's schema after the refusal, say) keeps what the operator chose until the next
                // commit; a refusal the node made before it flipped on a later commit is history.
                if (!report.flipped() && report.caughtUp() && node.up() && node.divergedAt < Long.parseLong(id)
                        && newestFlip.getOrDefault(report.node(), -1L) < Long.parseLong(id)
                        && Objects.equals(node.schema(), schemas.get(rollouts.manifests().get(id).content()))) {
                    fail(report.node() + " could not catch up to rollout " + id + " of its own schema: "
                            + report.message());
                }
            }
        }
        boolean undecided = model.nodes().stream().anyMatch(ModelNode::awaitsDecision);
        String content = rollouts.content();
        long newest = rollouts.newestCommit() == null ? 0 : Long.parseLong(rollouts.newestCommit());
        List<String> behind = new ArrayList<>();
        for (ModelNode node : model.nodes()) {
            if (!node.up()) {
                continue;
            }
            String current = node.currentRollout();
            if (current != null && !servedByCommits.contains(current)) {
                fail(node.name + " serves rollout " + current + ", which no commit brought (commits serve "
                        + servedByCommits + ")");
            }
            if (!undecided && content != null && node.divergedAt < newest
                    && Objects.equals(node.schema(), schemas.get(content)) && !content.equals(current)) {
                behind.add(node.name + " serves " + current);
            }
        }
        if (!behind.isEmpty()) {
            fail("the fleet committed " + rollouts.newestCommit() + " (serving " + content + "), but after polling "
                    + behind);
        }
        if (reservationBroken != null) {
            fail(reservationBroken);
        }
    }

    private void fail(String violation) {
        throw new AssertionError(violation + "\nwhat happened:\n  " + String.join("\n  ", model.trace()));
    }
}
