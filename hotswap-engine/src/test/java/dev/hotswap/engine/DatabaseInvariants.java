package dev.hotswap.engine;

import java.nio.file.Files;
import java.util.List;
import java.util.Objects;

/**
 * What must hold between the engine and the {@link DatabaseModel} after every step of a generated
 * sequence. Each check is named; a failure says which one, with both sides. docs/RELIABILITY.md
 * lists them under "Generated sequences".
 */
final class DatabaseInvariants {
    /** The live path resolves to the file of the generation the model says is current. */
    static final String LIVE_LEADS_TO_CURRENT = "liveLeadsToTheCurrentGeneration";
    /** New connections read the current generation's version; {@code ls} names it current. */
    static final String SERVES_CURRENT = "servesTheCurrentGeneration";
    /** After a restart the engine serves what the last swap reported (live, or untouched). */
    static final String RESTART_SERVES_REPORTED = "restartServesWhatTheLastSwapReported";
    /** After a crash mid-swap, a restart serves the old generation or the new one, nothing else. */
    static final String CRASH_SERVES_OLD_OR_NEW = "crashMidSwapServesTheOldOrTheNewGeneration";
    /** {@code rollback} goes to the generation current just before; {@code --to} to the one named. */
    static final String ROLLBACK_TARGET = "rollbackGoesToTheGenerationCurrentJustBefore";
    /** A refused push, a refused rollback or a failed one changes nothing. */
    static final String REFUSAL_CHANGES_NOTHING = "refusedOrFailedSwapChangesNothing";
    /** A job's connection and a request's pin keep their generation open and its file on disk. */
    static final String HELD_STAYS_OPEN = "heldGenerationsStayOpenAndOnDisk";
    /** Kept generations are the {@code keep} most recently current; beyond keep only held ones stay. */
    static final String KEPT_MOST_RECENT = "keptAreTheKeepMostRecentlyCurrent";
    /** Every row written to a generation is in its file. */
    static final String ROWS_IN_FILE = "everyRowWrittenIsInItsFile";
    /** A new generation's id is above every id reported before, across rollbacks, prunes and restarts. */
    static final String IDS_NEVER_REUSED = "generationIdsAreNeverReused";

    private DatabaseInvariants() {
    }

    /** Checks everything that holds between steps. */
    static void checkAll(EngineUnderTest engine, DatabaseModel model) throws Exception {
        liveLeadsToCurrent(engine, model);
        servesCurrent(engine, model);
        heldStayOpen(engine, model);
        keptMostRecent(engine, model);
        rowsInFile(engine, model);
    }

    static void liveLeadsToCurrent(EngineUnderTest engine, DatabaseModel model) throws Exception {
        check(LIVE_LEADS_TO_CURRENT, Files.exists(engine.live()), "the live path leads to a file", "it leads nowhere: "
                + (Files.isSymbolicLink(engine.live()) ? Files.readSymbolicLink(engine.live()) : "no link"));
        equal(LIVE_LEADS_TO_CURRENT, engine.generation(model.current()).toRealPath(), engine.live().toRealPath());
    }

    static void servesCurrent(EngineUnderTest engine, DatabaseModel model) throws Exception {
        DatabaseStatus status = engine.engine().status().get(0);
        equal(SERVES_CURRENT, model.current(), status.current().id());
        equal(SERVES_CURRENT, model.version(model.current()), engine.servedVersion());
    }

    static void heldStayOpen(EngineUnderTest engine, DatabaseModel model) throws Exception {
        for (int i = 0; i < model.jobs(); i++) {
            equal(HELD_STAYS_OPEN + " (job #" + i + ")", model.version(model.job(i)),
                    EngineUnderTest.version(engine.job(i)));
        }
        for (int i = 0; i < model.requests(); i++) {
            equal(HELD_STAYS_OPEN + " (request #" + i + ")", model.version(model.request(i)),
                    engine.inRequest(i, EngineUnderTest::version));
        }
        for (long id : model.held()) {
            check(HELD_STAYS_OPEN, Files.exists(engine.generation(id)), "generation " + id + " is on disk",
                    "its file is gone");
        }
    }

    static void keptMostRecent(EngineUnderTest engine, DatabaseModel model) throws Exception {
        DatabaseStatus status = engine.engine().status().get(0);
        equal(KEPT_MOST_RECENT + " (kept, most recent first)", model.kept(), ids(status.kept()));
        equal(KEPT_MOST_RECENT + " (held beyond keep)", model.retiring(), ids(status.retiring()));
        List<Long> onDisk = engine.generationsOnDisk();
        if (engine.deleteFailed()) {
            // an unlink that failed leaves a file the engine forgot; the next start deletes it
            check(KEPT_MOST_RECENT, onDisk.containsAll(model.onDisk()), "files on disk include " + model.onDisk(),
                    "on disk: " + onDisk);
        } else {
            equal(KEPT_MOST_RECENT + " (files on disk)", model.onDisk(), onDisk);
        }
    }

    static void rowsInFile(EngineUnderTest engine, DatabaseModel model) throws Exception {
        for (long id : model.onDisk()) {
            equal(ROWS_IN_FILE + " (generation " + id + ")", model.rows(id), engine.rowsInFile(id));
        }
    }

    private static List<Long> ids(List<GenerationStatus> generations) {
        return generations.stream().map(GenerationStatus::id).toList();
    }

    static void equal(String invariant, Object expected, Object actual) {
        if (!Objects.equals(expected, actual)) {
            throw new AssertionError(invariant + ": the model says " + expected + ", the engine " + actual);
        }
    }

    static void check(String invariant, boolean holds, String expected, String actual) {
        if (!holds) {
            throw new AssertionError(invariant + ": expected " + expected + "; " + actual);
        }
    }
}
