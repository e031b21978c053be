package dev.hotswap.fleet;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Runs one rollout of one database through both phases, as its single coordinator: claims the next
 * rollout id, uploads the file, announces it in the head, collects the answers until every expected
 * node said ok (commit) or one refused or the deadline passed (abort), writes the decision and the
 * head, and collects the flip reports.
 */
final class Coordinator {
    private static final System.Logger LOG = System.getLogger(Coordinator.class.getName());
    /** A rollout id is a sequence number per database, zero-padded so that ids sort as text. */
    private static final String ID_FORMAT = "%06d";

    private final ObjectStore store;
    private final FleetConfig config;
    private final Layout layout;
    private final String database;

    /** Why a dry run's rollout aborts when every node would have gone live. */
    static final String DRY_RUN_PASSED = "dry run: every node checked and staged the file; none flips";

    Coordinator(ObjectStore store, String database) {
        this.store = store;
        this.config = store.config();
        this.layout = new Layout(config.prefix());
        this.database = FleetConfig.requireName("database name", database);
    }

    /** What the caller asks for: a push of {@code file}, or a rollback to {@code target}. */
    record Request(RolloutResult.Kind kind, LocalFile file, String target, Expected expected) {
    }

    /**
     * What the caller hears as the rollout goes: lines for the operator, and, on a server whose
     * engine checked and staged the pushed file itself, the moment to hand that file to its own node.
     * Called on the coordinating thread.
     */
    interface Listener {
        /** Hears nothing. */
        Listener NONE = new Listener() {
        };

        /** The rollout has its id and its manifest; a push's file is uploaded next. */
        default void claimed(Manifest manifest) {
        }

        /**
         * A push's file is in the store (a rollback has none); the rollout is announced next. A
         * failure here aborts the rollout before any node sees it.
         */
        default void uploaded(Manifest manifest) throws IOException {
        }

        /** Nodes see the rollout from now on. */
        default void announced(Manifest manifest) {
        }

        /** The decision is written; on a commit, the nodes flip next. */
        default void decided(Manifest manifest, Decision decision) {
        }
    }

    /**
     * The head, with its latest rollout counted as committed if its commit decision is written but
     * the head does not show it (its coordinator stopped between the two writes): a rollout started
     * from here carries that commit on, and a rollback's default target is the one before it.
     */
    Optional<Head> head() throws FleetException {
        String key = layout.head(database);
        Optional<byte[]> bytes = store.get(key);
        if (bytes.isEmpty()) {
            return Optional.empty();
        }
        Head head = Head.parse(key, bytes.get());
        if (!head.showsLatestCommitted() && decision(head.latest()).filter(Decision::commit).isPresent()) {
            Manifest latest = manifest(head.latest()).orElseThrow(() -> new FleetException(
                    FleetException.Reason.INVALID, "rollout " + head.latest() + " of " + database
                    + " committed but has no manifest"));
            LOG.log(Level.WARNING, "the head of {0} misses the commit of rollout {1} (its coordinator {2} stopped"
                    + " before rewriting it); counting the commit", database, latest.id(), latest.coordinator());
            return Optional.of(head.withLatestCommitted(latest));
        }
        return Optional.of(head);
    }

    Optional<Manifest> manifest(String rollout) throws FleetException {
        String key = layout.manifest(database, rollout);
        Optional<byte[]> bytes = store.get(key);
        return bytes.isEmpty() ? Optional.empty() : Optional.of(Manifest.parse(key, bytes.get()));
    }

    Optional<Decision> decision(String rollout) throws FleetException {
        String key = layout.decision(database, rollout);
        Optional<byte[]> bytes = store.get(key);
        return bytes.isEmpty() ? Optional.empty() : Optional.of(Decision.parse(key, bytes.get()));
    }

    RolloutResult run(Request request, Optional<Head> head, Listener listener) throws IOException, InterruptedException {
        return run(request, head, listener, false);
    }

    /**
     * {@link #run(Request, Optional, Listener)}; a {@code dryRun} aborts where it would commit, with
     * {@link #DRY_RUN_PASSED} as its reason: every node checked and staged the file, none flips.
     */
    RolloutResult run(Request request, Optional<Head> head, Listener listener, boolean dryRun)
            throws IOException, InterruptedException {
        if (head.isPresent()) {
            closeOrRefuse(head.get().latest());
        }
        List<String> expected = expectedNodes(request.expected());
        Manifest manifest = claim(request, head, expected);
        LOG.log(Level.INFO, "rollout {0} of {1} ({2}) started, expecting {3}", manifest.id(), database,
                manifest.kind(), expected);
        listener.claimed(manifest);
        String committed = head.map(Head::committed).orElse(null);
        String content = head.map(Head::content).orElse(null);
        try {
            if (request.file() != null) {
                store.upload(layout.file(database, manifest.id()), request.file().path(), request.file().sha256());
            }
            listener.uploaded(manifest);
            store.put(layout.head(database), new Head(manifest.id(), committed, content).toBytes());
        } catch (IOException | RuntimeException e) {
            // Nodes never saw this rollout, or saw it without a file: close it, so that the next one
            // need not wait for the deadline and whatever was staged for it is dropped.
            String why = request.file() != null ? "upload failed: " : "could not announce the rollout: ";
            boolean interrupted = Thread.interrupted(); // a closing server still writes the abort
            try {
                decide(manifest, Decision.abort(config.node(), why + Messages.bare(e.getMessage())));
                store.put(layout.head(database), new Head(manifest.id(), committed, content).toBytes());
            } catch (FleetException closing) {
                e.addSuppressed(closing);
            } finally {
                if (interrupted) {
                    Thread.currentThread().interrupt();
                }
            }
            throw e;
        }
        listener.announced(manifest);

        Map<String, Answer> answers;
        try {
            answers = awaitAnswers(manifest);
        } catch (InterruptedException e) {
            // Close the rollout rather than leave it blocking the next one until its deadline.
            decide(manifest, Decision.abort(config.node(), "the coordinator was interrupted"));
            store.put(layout.head(database), new Head(manifest.id(), committed, content).toBytes());
            throw e;
        }
        Decision verdict = verdict(manifest, answers);
        if (dryRun && verdict.commit()) {
            verdict = Decision.abort(config.node(), DRY_RUN_PASSED);
        }
        Decision decision = decide(manifest, verdict);
        if (decision.commit()) {
            committed = manifest.id();
            content = manifest.content();
        }
        LOG.log(Level.INFO, "rollout {0} of {1} {2}", manifest.id(), database,
                decision.commit() ? "committed" : "aborted: " + decision.reason());
        listener.decided(manifest, decision);
        try {
            store.put(layout.head(database), new Head(manifest.id(), committed, content).toBytes());
        } catch (FleetException e) {
            // The decision stands and the nodes that answered act on it (they read the decision, not
            // the head); only nodes catching up see it later, when another rollout rewrites the head.
            LOG.log(Level.WARNING, "rollout {0} of {1} is decided, but the head could not be updated: {2}",
                    manifest.id(), database, e.getMessage());
        }
        Map<String, FlipReport> flips = decision.commit() ? awaitFlips(manifest) : Map.of();
        return result(manifest, decision, answers, flips);
    }

    /** Refuses while the latest rollout is undecided, unless it was abandoned: then aborts it. */
    private void closeOrRefuse(String latest) throws FleetException {
        if (decision(latest).isPresent()) {
            return;
        }
        Manifest manifest = manifest(latest).orElseThrow(() -> new FleetException(FleetException.Reason.INVALID,
                "the head of " + database + " names rollout " + latest + ", which has no manifest"));
        Instant abandoned = manifest.deadline().plus(config.abandonAfter());
        if (Instant.now().isBefore(abandoned)) {
            throw busy(manifest, "is in progress");
        }
        closeAbandoned(manifest);
    }

    private void closeAbandoned(Manifest manifest) throws FleetException {
        Decision abort = Decision.abort(config.node(), "abandoned: coordinator " + manifest.coordinator()
                + " decided nothing by the deadline " + manifest.deadline());
        if (store.putIfAbsent(layout.decision(database, manifest.id()), abort.toBytes())) {
            LOG.log(Level.WARNING, "rollout {0} of {1} was abandoned by {2}; wrote its abort", manifest.id(), database,
                    manifest.coordinator());
        }
    }

    private FleetException busy(Manifest other, String state) {
        return new FleetException(FleetException.Reason.BUSY, "another rollout of " + database + " " + state
                + ": rollout " + other.id() + " (" + other.kind().name().toLowerCase() + " by " + other.coordinator()
                + ", started " + other.created() + ", deadline " + other.deadline() + "); try again when it has ended");
    }

    private List<String> expectedNodes(Expected expected) throws FleetException {
        if (!expected.nodes().isEmpty()) {
            return expected.nodes();
        }
        List<NodeInfo> nodes = Registry.nodes(store);
        List<String> alive = nodes.stream().filter(NodeInfo::alive).map(NodeInfo::node).toList();
        if (alive.size() < expected.atLeast()) {
            throw new FleetException(FleetException.Reason.NOT_FOUND, alive.size() + " node(s) alive under s3://"
                    + config.bucket() + "/" + config.prefix() + "/nodes/ " + alive + ", at least " + expected.atLeast()
                    + " expected" + (nodes.size() > alive.size() ? "; silent for longer than "
                    + config.nodeTimeout().toSeconds() + " s: " + nodes.stream().filter(n -> !n.alive())
                            .map(NodeInfo::node).toList() : ""));
        }
        return alive;
    }

    /**
     * Creates the next rollout's manifest, once: with a conditional write, of two coordinators that
     * read the same head exactly one gets the id and the other fails here at once. Ids beyond the
     * head taken by rollouts that were never announced (their coordinators died after claiming) are
     * skipped, however many: each is decided, or closed here as abandoned, or live (then this one is
     * refused as busy). A fixed number of attempts would refuse every rollout for good once that many
     * had piled up.
     */
    private Manifest claim(Request request, Optional<Head> head, List<String> expected) throws FleetException {
        long next;
        try {
            next = head.map(h -> Long.parseLong(h.latest()) + 1).orElse(1L);
        } catch (NumberFormatException e) {
            throw new FleetException(FleetException.Reason.INVALID, "the head of " + database + " names rollout \""
                    + head.get().latest() + "\", which is not a rollout id", e);
        }
        Instant created = Instant.now();
        for (;; next++) {
            String id = String.format(ID_FORMAT, next);
            LocalFile file = request.file();
            Manifest manifest = new Manifest(id, database, request.kind(), config.node(), UUID.randomUUID().toString(),
                    created, created.plus(config.answerDeadline()), expected, head.map(Head::content).orElse(null),
                    file != null ? file.size() : 0, file != null ? file.sha256() : null,
                    file != null ? file.pageSize() : 0, request.target());
            if (store.putIfAbsent(layout.manifest(database, id), manifest.toBytes())) {
                return manifest;
            }
            Manifest other = manifest(id).orElseThrow(() -> new FleetException(FleetException.Reason.BUSY,
                    "rollout " + id + " of " + database + " was claimed and removed meanwhile; try again"));
            if (decision(id).isEmpty()) {
                if (Instant.now().isBefore(other.deadline().plus(config.abandonAfter()))) {
                    throw busy(other, "started meanwhile");
                }
                closeAbandoned(other);
            }
        }
    }

    private Map<String, Answer> awaitAnswers(Manifest manifest) throws InterruptedException {
        Map<String, Answer> answers = new LinkedHashMap<>();
        while (true) {
            collect(manifest, layout.answers(database, manifest.id()), "answers", Answer::parse, answers);
            boolean refused = answers.values().stream().anyMatch(a -> !a.ok());
            if (refused || answers.size() == manifest.expected().size()
                    || !Instant.now().isBefore(manifest.deadline())) {
                return answers;
            }
            sleepUntilNextPoll(manifest.deadline());
        }
    }

    private Decision verdict(Manifest manifest, Map<String, Answer> answers) {
        List<String> refusals = new ArrayList<>();
        for (Answer answer : answers.values()) {
            if (!answer.ok()) {
                refusals.add("node " + answer.node() + " refused: " + Messages.bare(answer.message()));
            }
        }
        if (!refusals.isEmpty()) {
            return Decision.abort(config.node(), String.join("\n", refusals));
        }
        List<String> silent = manifest.expected().stream().filter(n -> !answers.containsKey(n)).toList();
        if (!silent.isEmpty()) {
            return Decision.abort(config.node(), "no answer by the deadline " + manifest.deadline() + " from "
                    + String.join(", ", silent));
        }
        return Decision.commit(config.node());
    }

    /** Writes the decision once; if another coordinator already wrote one (it closed ours as abandoned), that one stands. */
    private Decision decide(Manifest manifest, Decision decision) throws FleetException {
        String key = layout.decision(database, manifest.id());
        if (store.putIfAbsent(key, decision.toBytes())) {
            return decision;
        }
        return Decision.parse(key, store.get(key).orElseThrow(() -> new FleetException(FleetException.Reason.STORE,
                "the decision of rollout " + manifest.id() + " vanished")));
    }

    private Map<String, FlipReport> awaitFlips(Manifest manifest) throws InterruptedException {
        Map<String, FlipReport> flips = new LinkedHashMap<>();
        Instant until = Instant.now().plus(config.flipTimeout());
        while (true) {
            collect(manifest, layout.flips(database, manifest.id()), "flips", FlipReport::parse, flips);
            if (flips.size() == manifest.expected().size() || !Instant.now().isBefore(until)) {
                return flips;
            }
            sleepUntilNextPoll(until);
        }
    }

    /** How a node's object under a rollout is read. */
    private interface Parser<T> {
        T parse(String key, byte[] bytes) throws FleetException;
    }

    /**
     * Adds to {@code found} the objects under {@code prefix} of expected nodes not read yet (one
     * listing, then one GET per new object). A failing store is logged and retried next poll.
     */
    private <T> void collect(Manifest manifest, String prefix, String what, Parser<T> parser, Map<String, T> found) {
        try {
            for (ObjectStore.Listed listed : store.list(prefix).objects()) {
                String node = Layout.lastSegment(listed.key());
                if (manifest.expected().contains(node) && !found.containsKey(node)) {
                    Optional<byte[]> bytes = store.get(listed.key());
                    if (bytes.isPresent()) {
                        found.put(node, parser.parse(listed.key(), bytes.get()));
                    }
                }
            }
        } catch (FleetException e) {
            LOG.log(Level.WARNING, "reading the {0} of rollout {1} of {2}: {3}", what, manifest.id(), database,
                    e.getMessage());
        }
    }

    private void sleepUntilNextPoll(Instant limit) throws InterruptedException {
        Duration left = Duration.between(Instant.now(), limit);
        Duration poll = config.rolloutPollInterval();
        Thread.sleep(Math.max(1, Math.min(poll.toMillis(), left.toMillis())));
    }

    private RolloutResult result(Manifest manifest, Decision decision, Map<String, Answer> answers,
            Map<String, FlipReport> flips) {
        List<RolloutResult.NodeOutcome> outcomes = new ArrayList<>();
        for (String node : manifest.expected()) {
            Answer answer = answers.get(node);
            FlipReport flip = flips.get(node);
            RolloutResult.NodeOutcome outcome;
            if (answer == null) {
                outcome = new RolloutResult.NodeOutcome(node, RolloutResult.State.NO_ANSWER, 0, Messages.error(
                        decision.at().isBefore(manifest.deadline()) ? "had not answered when the rollout aborted"
                                : "no answer by the deadline " + manifest.deadline()));
            } else if (!answer.ok()) {
                outcome = new RolloutResult.NodeOutcome(node, RolloutResult.State.REFUSED, 0, answer.message());
            } else if (!decision.commit()) {
                outcome = new RolloutResult.NodeOutcome(node, RolloutResult.State.DISCARDED, 0, null);
            } else if (flip == null) {
                outcome = new RolloutResult.NodeOutcome(node, RolloutResult.State.FLIP_UNREPORTED, 0,
                        Messages.error("committed, but no flip report within " + config.flipTimeout().toMillis()
                                + " ms"));
            } else if (!flip.flipped()) {
                outcome = new RolloutResult.NodeOutcome(node, RolloutResult.State.FLIP_FAILED, 0, flip.message());
            } else {
                outcome = new RolloutResult.NodeOutcome(node, RolloutResult.State.FLIPPED, flip.pauseMicros(), null);
            }
            outcomes.add(outcome);
        }
        return new RolloutResult(database, manifest.id(), manifest.kind(), decision.commit(), decision.reason(),
                outcomes);
    }
}
