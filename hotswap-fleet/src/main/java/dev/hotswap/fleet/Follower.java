package dev.hotswap.fleet;

import java.io.IOException;
import java.io.InputStream;
import java.lang.System.Logger.Level;
import java.time.Instant;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * One node's side of the protocol for one database, driven by {@link FleetNode}'s poll thread: it
 * reads the head (a conditional GET), answers rollouts that expect this node, flips on commit, drops
 * what it staged on abort, and catches up to what the fleet serves when it fell behind. Only the poll
 * thread calls {@link #poll()}; {@link #problem()} may be read from any thread.
 */
final class Follower {
    private static final System.Logger LOG = System.getLogger(Follower.class.getName());

    private final NodeDatabase database;
    private final ObjectStore store;
    private final FleetConfig config;
    private final Layout layout;
    private final String name;

    private String headEtag;
    private Head head;
    /** The latest rollout id this node has looked at (answered, or skipped as not for it). */
    private String seen;
    private Pending pending;
    /** The head's latest rollout whose decision this node knows (or that was abandoned undecided). */
    private String settledLatest;
    /** The manifest of the head's latest rollout while it is undecided: its deadline bounds the reading. */
    private Manifest unsettled;
    /**
     * The newest committed rollout this node has dealt with: flipped for, found itself already at,
     * or tried to catch up to and was refused. Catching up only ever looks at a newer one, so a head
     * read before the coordinator rewrote it (it decides first, then rewrites the head) never
     * takes a node back to what it served before the rollout it just flipped for.
     */
    private long applied;
    private volatile String problem;

    private record Pending(Manifest manifest, long generation, Flip flip, boolean answered) {
        Pending answeredNow() {
            return new Pending(manifest, generation, flip, true);
        }
    }

    Follower(NodeDatabase database, ObjectStore store) {
        this.database = database;
        this.store = store;
        this.config = store.config();
        this.layout = new Layout(config.prefix());
        this.name = FleetConfig.requireName("database name", database.name());
    }

    String name() {
        return name;
    }

    /** Whether this database answered a rollout that is not decided yet: it then looks more often. Poll thread only. */
    boolean awaitsDecision() {
        return pending != null;
    }

    /** Names this node and database in log lines: {@code web-1/production}. */
    private String who() {
        return config.node() + "/" + name;
    }

    /** Why this database does not serve what the fleet committed, or null. */
    String problem() {
        return problem;
    }

    /** The rollout id of the current generation, {@code -} if it came from no rollout. */
    String currentRollout() throws IOException {
        return database.status().current().rolloutId().orElse("-");
    }

    /** One round: read the head, settle a pending rollout, answer a new one, catch up. */
    void poll() throws IOException {
        Optional<ObjectStore.Fetched> fetched = store.getIfChanged(layout.head(name), headEtag);
        if (fetched.isEmpty()) {
            head = null;
            headEtag = null;
        } else if (fetched.get().changed()) {
            head = Head.parse(layout.head(name), fetched.get().bytes());
            headEtag = fetched.get().etag();
        }
        if (pending != null) {
            settle();
        }
        if (head == null) {
            return;
        }
        if (pending == null && !head.latest().equals(seen)) {
            consider(head.latest());
        }
        if (pending == null) {
            countMissedCommit();
            catchUp();
        }
    }

    /**
     * Counts a commit of the head's latest rollout that the head does not show: its coordinator
     * writes the decision, then the head, and may stop between the two. Without this, a node that
     * restarts (or was not expected) would take the head's older {@code content} for what the fleet
     * serves and catch up backwards. The decision of an undecided latest rollout is read each round
     * until it is decided or abandoned; once known, it is not read again.
     */
    private void countMissedCommit() throws FleetException {
        String latest = head.latest();
        if (head.showsLatestCommitted() || latest.equals(settledLatest)) {
            return;
        }
        String key = layout.decision(name, latest);
        Optional<byte[]> bytes = store.get(key);
        if (bytes.isEmpty()) {
            if (unsettled == null || !unsettled.id().equals(latest)) {
                unsettled = manifestOf(latest);
            }
            if (Instant.now().isAfter(unsettled.deadline().plus(config.abandonAfter()))) {
                settledLatest = latest; // abandoned: the next rollout writes its abort and a new head
            }
            return;
        }
        settledLatest = latest;
        if (Decision.parse(key, bytes.get()).commit()) {
            head = head.withLatestCommitted(manifestOf(latest));
        }
    }

    /** Acts on the decision of the rollout this node answered, if there is one yet. */
    private void settle() throws IOException {
        Manifest manifest = pending.manifest();
        if (!pending.answered()) {
            writeAnswer(manifest.id(), Answer.ok(config.node(), pending.generation()));
            pending = pending.answeredNow();
        }
        String key = layout.decision(name, manifest.id());
        Optional<byte[]> bytes = store.get(key);
        if (bytes.isEmpty()) {
            if (Instant.now().isAfter(manifest.deadline().plus(config.abandonAfter()))) {
                LOG.log(Level.WARNING, "{0}: rollout {1} has no decision {2} s past its deadline; its coordinator {3}"
                        + " is gone: discarding the staged file", who(), manifest.id(),
                        config.abandonAfter().toSeconds(), manifest.coordinator());
                discard();
            }
            return;
        }
        Decision decision = Decision.parse(key, bytes.get());
        if (!decision.commit()) {
            LOG.log(Level.INFO, "{0}: rollout {1} aborted; discarding the staged file ({2})", who(), manifest.id(),
                    decision.reason());
            discard();
            return;
        }
        Pending committed = pending;
        pending = null;
        flip(manifest, committed.flip(), committed.generation(), false);
    }

    private void discard() {
        Pending dropped = pending;
        pending = null;
        try {
            dropped.flip().discard();
        } catch (IOException e) {
            LOG.log(Level.WARNING, "{0}: discarding the staged file of rollout {1} failed: {2}", who(),
                    dropped.manifest().id(), e.getMessage());
        }
    }

    /**
     * Takes {@code staged} as this node's answer to rollout {@code manifest}, which this node
     * coordinates: its engine checked the pushed file against the live database and staged it before
     * the rollout had an id, so it answers ok without fetching the file, and flips or discards it on
     * the decision like any other node. Called before the rollout is announced.
     *
     * @throws FleetException ({@code BUSY}) if this node still holds another rollout of the database;
     *     it did not take {@code staged} then
     */
    void adopt(Manifest manifest, StagedFile staged) throws FleetException {
        if (pending != null) {
            throw new FleetException(FleetException.Reason.BUSY, "this node has not settled rollout "
                    + pending.manifest().id() + " of " + name + " yet; try again in a moment");
        }
        seen = manifest.id();
        pending = new Pending(manifest, staged.generation(), Flip.activating(staged), false);
        LOG.log(Level.INFO, "{0}: rollout {1}: staged here by the coordinator, generation {2}", who(), manifest.id(),
                staged.generation());
        try {
            writeAnswer(manifest.id(), Answer.ok(config.node(), staged.generation()));
            pending = pending.answeredNow();
        } catch (FleetException e) {
            LOG.log(Level.WARNING, "{0}: rollout {1}: answering failed, next round tries again: {2}", who(),
                    manifest.id(), e.getMessage());
        }
    }

    /** Looks at a rollout seen for the first time: answers it if it expects this node and is still open. */
    private void consider(String rollout) throws IOException {
        // "seen" is set only once this round has dealt with the rollout: a store failure midway
        // leaves it unseen, so the next round tries again instead of never answering.
        Optional<byte[]> bytes = store.get(layout.manifest(name, rollout));
        if (bytes.isEmpty()) {
            seen = rollout;
            return;
        }
        Manifest manifest = Manifest.parse(layout.manifest(name, rollout), bytes.get());
        if (!manifest.expected().contains(config.node()) || !Instant.now().isBefore(manifest.deadline())
                || store.get(layout.decision(name, rollout)).isPresent()) {
            seen = rollout;
            return; // not for this node, or over: catching up follows a commit
        }
        LOG.log(Level.INFO, "{0}: rollout {1} ({2} by {3}): checking and staging", who(), rollout, manifest.kind(),
                manifest.coordinator());
        Pending prepared;
        try {
            prepared = manifest.kind() == RolloutResult.Kind.PUSH ? stage(manifest) : prepareRollback(manifest);
        } catch (StageRefusedException e) {
            LOG.log(Level.WARNING, "{0}: refusing rollout {1}: {2}", who(), rollout, e.getMessage());
            writeAnswer(rollout, Answer.refused(config.node(), e.getMessage()));
            seen = rollout;
            return;
        } catch (IOException e) {
            LOG.log(Level.WARNING, "{0}: could not stage rollout {1}: {2}", who(), rollout, e.getMessage());
            writeAnswer(rollout, Answer.refused(config.node(), "could not stage the file: "
                    + Messages.bare(e.getMessage())));
            seen = rollout;
            return;
        }
        // Pending before the answer is written: if writing fails, settle() writes it again next round.
        seen = rollout;
        pending = prepared;
        writeAnswer(rollout, Answer.ok(config.node(), prepared.generation()));
        pending = pending.answeredNow();
    }

    private Pending stage(Manifest manifest) throws StageRefusedException, IOException {
        StagedFile staged = download(manifest);
        return new Pending(manifest, staged.generation(), Flip.activating(staged), false);
    }

    private StagedFile download(Manifest manifest) throws StageRefusedException, IOException {
        String key = layout.file(name, manifest.id());
        try (InputStream in = new VerifyingInputStream(store.open(key), key, manifest.size(), manifest.sha256())) {
            return database.stage(in, manifest.id());
        }
    }

    /**
     * Says yes to a rollback only holding the database's claim: until the decision, a local push or
     * rollback is refused, so the generation promised is still there, and still not current (or
     * still current), when the commit comes.
     */
    private Pending prepareRollback(Manifest manifest) throws StageRefusedException, IOException {
        String target = manifest.target();
        NodeDatabase.RollbackClaim claim = database.claimForRollback();
        try {
            DatabaseStatus status = database.status();
            if (status.current().rolloutId().filter(target::equals).isPresent()) {
                return new Pending(manifest, status.current().id(), Flip.claimed(claim, status.current().id(), true),
                        false);
            }
            DatabaseStatus.Generation kept = status.keptFrom(target).orElseThrow(() -> new StageRefusedException(
                    "no kept generation of rollout " + target + " here (current: " + describe(status.current())
                            + "; kept: " + (status.kept().isEmpty() ? "none" : status.kept().stream()
                                    .map(Follower::describe).collect(Collectors.joining(", "))) + ")"));
            return new Pending(manifest, kept.id(), Flip.claimed(claim, kept.id(), false), false);
        } catch (StageRefusedException | IOException | RuntimeException e) {
            claim.close();
            throw e;
        }
    }

    private static String describe(DatabaseStatus.Generation generation) {
        return "generation " + generation.id() + generation.rolloutId().map(r -> " of rollout " + r).orElse(" (local)");
    }

    private void writeAnswer(String rollout, Answer answer) throws FleetException {
        store.put(layout.answer(name, rollout, config.node()), answer.toBytes());
    }

    /**
     * Brings this database to the fleet's content if it serves something else: at start, and after a
     * commit this node took no part in (it was not expected, or was away). A refusal is reported
     * loudly and not retried before a newer commit.
     */
    private void catchUp() throws IOException {
        String committed = head.committed();
        if (committed == null || sequence(committed) <= applied) {
            return;
        }
        String content = head.content();
        DatabaseStatus status = database.status();
        if (status.current().rolloutId().filter(content::equals).isPresent()) {
            applied = sequence(committed);
            problem = null;
            return;
        }
        LOG.log(Level.INFO, "{0}: the fleet serves rollout {1}, this node {2}: catching up", who(), content,
                describe(status.current()));
        Optional<DatabaseStatus.Generation> kept = status.keptFrom(content);
        // Read before staging: a staged file holds the database's claim until it flips or is
        // discarded, so a store failure between the two would leave every later catch-up "busy".
        Manifest decided = manifestOf(committed);
        Flip flip;
        long generation;
        try {
            if (kept.isPresent()) {
                flip = Flip.rollback(database, kept.get().id());
                generation = kept.get().id();
            } else {
                StagedFile staged = download(manifestOf(content));
                flip = Flip.activating(staged);
                generation = staged.generation();
            }
        } catch (StageRefusedException e) {
            applied = sequence(committed);
            problem = Messages.error("cannot catch up to rollout " + content + " of " + name + ": "
                    + Messages.bare(e.getMessage()));
            LOG.log(Level.ERROR, "{0}: {1}", who(), problem);
            store.put(layout.flip(name, committed, config.node()),
                    FlipReport.failed(config.node(), problem, true).toBytes());
            return;
        }
        flip(decided, flip, generation, true);
    }

    /** The sequence number of a rollout id ({@code 000042} is 42); ids are compared by it. */
    private static long sequence(String rollout) throws FleetException {
        try {
            return Long.parseLong(rollout);
        } catch (NumberFormatException e) {
            throw new FleetException(FleetException.Reason.INVALID, "\"" + rollout + "\" is not a rollout id", e);
        }
    }

    private Manifest manifestOf(String rollout) throws FleetException {
        String key = layout.manifest(name, rollout);
        return Manifest.parse(key, store.get(key).orElseThrow(() -> new FleetException(FleetException.Reason.INVALID,
                "rollout " + rollout + " of " + name + " has no manifest (s3://" + config.bucket() + "/" + key + ")")));
    }

    /** Flips for the committed rollout {@code manifest}; a failure is reported, not retried before a newer commit. */
    private void flip(Manifest manifest, Flip flip, long generation, boolean caughtUp) throws FleetException {
        applied = Math.max(applied, sequence(manifest.id()));
        FlipReport report;
        try {
            long pause = flip.flip();
            problem = null;
            report = FlipReport.flipped(config.node(), pause, generation, caughtUp);
            LOG.log(Level.INFO, "{0}: flipped to rollout {1} (generation {2}), pause {3} µs{4}", who(),
                    manifest.content(), generation, pause, caughtUp ? ", caught up" : "");
        } catch (StageRefusedException | IOException e) {
            problem = Messages.error("rollout " + manifest.id() + " of " + name + " committed but this node could not"
                    + " flip: " + Messages.bare(e.getMessage()));
            report = FlipReport.failed(config.node(), problem, caughtUp);
            LOG.log(Level.ERROR, "{0}: {1}", who(), problem);
            try {
                flip.discard();
            } catch (IOException discard) {
                LOG.log(Level.WARNING, "{0}: discarding after the failed flip: {1}", who(), discard.getMessage());
            }
        }
        store.put(layout.flip(name, manifest.id(), config.node()), report.toBytes());
    }

    /** Discards a staged, undecided rollout (the node is closing); the coordinator will abort it. */
    void close() {
        if (pending != null) {
            discard();
        }
    }
}
