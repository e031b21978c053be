package dev.hotswap.engine;

import static dev.hotswap.engine.DatabaseInvariants.CRASH_SERVES_OLD_OR_NEW;
import static dev.hotswap.engine.DatabaseInvariants.IDS_NEVER_REUSED;
import static dev.hotswap.engine.DatabaseInvariants.REFUSAL_CHANGES_NOTHING;
import static dev.hotswap.engine.DatabaseInvariants.RESTART_SERVES_REPORTED;
import static dev.hotswap.engine.DatabaseInvariants.ROLLBACK_TARGET;
import static dev.hotswap.engine.DatabaseInvariants.check;
import static dev.hotswap.engine.DatabaseInvariants.equal;

import java.io.IOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * One generated sequence, run against a fresh engine and the model side by side: each step is
 * applied to both, then {@link DatabaseInvariants#checkAll} compares them; at the end a clean restart
 * must serve what the last swap reported. A failure names the step, the invariant and the model.
 */
final class SequenceRun {
    /** At most this many jobs and requests hold connections at once: the pool has 4. */
    private static final int MAX_HOLDERS = 3;
    /** How long a racing release may take. */
    private static final Duration RACE_WAIT = Duration.ofSeconds(10);

    private final EngineUnderTest engine;
    private final DatabaseModel model;
    private int nextVersion = 2;
    private int nextRow;
    /** A Fail or Crash armed for the step that runs now. */
    private boolean faulted;
    private int crashes;

    private SequenceRun(DatabaseOp.Sequence sequence) throws Exception {
        this.engine = new EngineUnderTest(sequence.keep(), sequence.wal());
        this.model = new DatabaseModel(sequence.keep(), engine.engine().status().get(0).current().id(), 1);
    }

    /**
     * Runs {@code sequence}.
     *
     * @return how many crashes it made the engine go through
     * @throws AssertionError naming the step and the invariant that broke
     */
    static int run(DatabaseOp.Sequence sequence) throws Exception {
        SequenceRun run = new SequenceRun(sequence);
        try (run.engine) {
            List<DatabaseOp> steps = sequence.steps();
            for (int i = 0; i < steps.size(); i++) {
                try {
                    run.step(steps.get(i));
                } catch (AssertionError | Exception e) {
                    throw new AssertionError("step " + (i + 1) + " (" + steps.get(i) + "): " + e.getMessage()
                            + "\n  model: " + run.model, e);
                }
            }
            try {
                run.engine.restart();
                run.model.crashed();
                run.checkRestart();
                DatabaseInvariants.checkAll(run.engine, run.model); // the order and the rows, as read back
            } catch (AssertionError | Exception e) {
                throw new AssertionError("the restart after the last step: " + e.getMessage() + "\n  model: "
                        + run.model, e);
            }
            return run.crashes;
        }
    }

    private void step(DatabaseOp op) throws Exception {
        boolean arming = op instanceof DatabaseOp.Fail || op instanceof DatabaseOp.Crash;
        Expectation expected = expectation(op);
        try {
            apply(op, expected);
        } catch (FaultyDisk.Crash e) {
            // the engine died on this thread; handled below, as a crash on its background thread is
        }
        engine.settle();
        if (!arming) {
            engine.noFaults();
            faulted = false;
        }
        if (engine.crashed()) {
            crashes++;
            FaultyDisk.Call at = engine.crashedAt();
            Throwable startFailure = engine.restart();
            reconcileCrash(expected, at, startFailure); // first: the swap's target may be one only a hold kept
            model.crashed();
        }
        DatabaseInvariants.checkAll(engine, model);
    }

    /**
     * What a swap step goes for, decided from the model before it runs: a push's version, a
     * rollback's argument and the generation it must reach (none: it must be refused).
     */
    private record Expectation(int pushVersion, OptionalLong rollbackTo, OptionalLong rollbackTarget) {
        boolean isPush() {
            return pushVersion > 0;
        }
    }

    private Expectation expectation(DatabaseOp op) {
        OptionalLong none = OptionalLong.empty();
        if (op instanceof DatabaseOp.Push) {
            return new Expectation(nextVersion++, none, none);
        }
        if (op instanceof DatabaseOp.Rollback) {
            return new Expectation(-1, none, model.rollbackTarget());
        }
        if (op instanceof DatabaseOp.RollbackRacingRelease race && model.jobs() > 0) {
            long id = model.job(race.which() % model.jobs());
            return id == model.current() ? new Expectation(-1, none, none)
                    : new Expectation(-1, OptionalLong.of(id), OptionalLong.of(id));
        }
        if (op instanceof DatabaseOp.RollbackTo to) {
            List<Long> earlier = model.earlier();
            int choice = to.choice() % (earlier.size() + 2);
            if (choice < earlier.size()) {
                return new Expectation(-1, OptionalLong.of(earlier.get(choice)), OptionalLong.of(earlier.get(choice)));
            }
            long id = choice == earlier.size() ? model.current() : model.highestId() + 100;
            return new Expectation(-1, OptionalLong.of(id), none);
        }
        return new Expectation(-1, none, none);
    }

    private void apply(DatabaseOp op, Expectation expected) throws Exception {
        if (op instanceof DatabaseOp.Push) {
            push(expected.pushVersion());
        } else if (op instanceof DatabaseOp.PushRefused refused) {
            pushRefused(refused.refusal());
        } else if (op instanceof DatabaseOp.Rollback || op instanceof DatabaseOp.RollbackTo) {
            rollback(expected.rollbackTo(), expected.rollbackTarget());
        } else if (op instanceof DatabaseOp.JobTake) {
            if (model.jobs() + model.requests() < MAX_HOLDERS) {
                String row = row();
                engine.jobTake(row);
                model.jobTook();
                model.wrote(model.current(), row);
            }
        } else if (op instanceof DatabaseOp.JobWrite write) {
            if (model.jobs() > 0) {
                int i = write.which() % model.jobs();
                String row = row();
                EngineUnderTest.insert(engine.job(i), row);
                model.wrote(model.job(i), row);
            }
        } else if (op instanceof DatabaseOp.JobRelease release) {
            if (model.jobs() > 0) {
                int i = release.which() % model.jobs();
                engine.jobRelease(i);
                model.jobReleased(i);
            }
        } else if (op instanceof DatabaseOp.RollbackRacingRelease race) {
            if (model.jobs() > 0) {
                raceRollbackAndRelease(race.which() % model.jobs(), expected.rollbackTarget());
            }
        } else if (op instanceof DatabaseOp.RequestEnter) {
            if (model.jobs() + model.requests() < MAX_HOLDERS) {
                engine.requestEnter();
                model.requestEntered();
            }
        } else if (op instanceof DatabaseOp.RequestWrite write) {
            if (model.requests() > 0) {
                int i = write.which() % model.requests();
                String row = row();
                engine.inRequest(i, connection -> {
                    EngineUnderTest.insert(connection, row);
                    return null;
                });
                model.wrote(model.request(i), row);
            }
        } else if (op instanceof DatabaseOp.RequestLeave leave) {
            if (model.requests() > 0) {
                int i = leave.which() % model.requests();
                engine.requestLeave(i);
                model.requestLeft(i);
            }
        } else if (op instanceof DatabaseOp.Write) {
            String row = row();
            engine.write(row);
            model.wrote(model.current(), row);
        } else if (op instanceof DatabaseOp.ClockStep step) {
            engine.stepClock(step.hours());
        } else if (op instanceof DatabaseOp.Fail fail) {
            engine.failAt(fail.errno(), fail.call());
            faulted = true;
        } else if (op instanceof DatabaseOp.Crash crash) {
            engine.crashAt(crash.call());
            faulted = true;
        } else if (op instanceof DatabaseOp.Restart) {
            Throwable startFailure = engine.restart();
            model.crashed();
            check(RESTART_SERVES_REPORTED, startFailure == null || faulted, "the restart starts",
                    "it failed with no fault injected: " + startFailure);
            checkRestart();
        } else {
            throw new IllegalArgumentException("unknown step " + op);
        }
    }

    /**
     * Job {@code index} closes its connection on another thread while a rollback to its generation
     * runs here. The rollback may find the generation, or find it deleted by the keep policy (then
     * it is refused); it never goes live on a file that a retirement deletes.
     */
    private void raceRollbackAndRelease(int index, OptionalLong target) throws Exception {
        if (target.isEmpty()) { // its generation is current: nothing to race
            engine.jobRelease(index);
            model.jobReleased(index);
            return;
        }
        boolean mayVanish = model.prunedIfReleased(index);
        Connection job = engine.jobTakenAway(index);
        CountDownLatch go = new CountDownLatch(1);
        CompletableFuture<Void> release = CompletableFuture.runAsync(() -> {
            try {
                go.await();
                job.close();
            } catch (SQLException | InterruptedException e) {
                throw new IllegalStateException("closing job #" + index + "'s connection failed", e);
            }
        });
        long before = model.current();
        SwapReport report = null;
        Exception refused = null;
        go.countDown();
        try {
            report = engine.rollback(target);
        } catch (SwapRefusedException | IOException e) {
            refused = e;
        }
        try {
            release.get(RACE_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof FaultyDisk.Crash)) {
                throw e;
            }
        }
        if (report == null) {
            check(ROLLBACK_TARGET, mayVanish || faulted, "a rollback to " + target.getAsLong() + ", which stays",
                    "it was refused: " + refused.getMessage());
            model.jobReleased(index);
            return;
        }
        equal(ROLLBACK_TARGET + " (from)", before, report.fromGeneration());
        equal(ROLLBACK_TARGET, target.getAsLong(), report.toGeneration());
        model.rolledBack(target.getAsLong());
        model.jobReleased(index);
    }

    private void pushRefused(DatabaseOp.Refusal refusal) throws Exception {
        long before = model.current();
        try {
            engine.pushRefused(refusal);
        } catch (SwapRefusedException | IOException e) {
            equal(REFUSAL_CHANGES_NOTHING, before, engine.engine().status().get(0).current().id());
            return;
        }
        throw new AssertionError(REFUSAL_CHANGES_NOTHING + ": the push of " + refusal.text + " was not refused");
    }

    private void push(int version) throws Exception {
        long before = model.current();
        SwapReport report;
        try {
            report = engine.push(version);
        } catch (IOException | SwapRefusedException e) {
            check(REFUSAL_CHANGES_NOTHING, faulted, "the push succeeds", "it failed with no fault injected: " + e);
            return;
        }
        equal(REFUSAL_CHANGES_NOTHING + " (swapped from)", before, report.fromGeneration());
        check(IDS_NEVER_REUSED, report.toGeneration() > model.highestId(),
                "an id above " + model.highestId(), "the push made generation " + report.toGeneration());
        model.pushed(report.toGeneration(), version);
    }

    private void rollback(OptionalLong to, OptionalLong target) throws Exception {
        long before = model.current();
        SwapReport report;
        try {
            report = engine.rollback(to);
        } catch (SwapRefusedException | IOException e) {
            check(ROLLBACK_TARGET, target.isEmpty() || faulted, "a rollback to " + target,
                    "it was refused with no fault injected: " + e.getMessage());
            return;
        }
        check(ROLLBACK_TARGET, target.isPresent(), "a refusal (nothing to go back to)",
                "it went to generation " + report.toGeneration());
        equal(ROLLBACK_TARGET + " (from)", before, report.fromGeneration());
        equal(ROLLBACK_TARGET, target.getAsLong(), report.toGeneration());
        model.rolledBack(target.getAsLong());
    }

    /**
     * After a crash: a swap that reported nothing may have happened or not, as far as its link got;
     * the restarted engine must serve the old generation or the new one, and the model follows it.
     */
    private void reconcileCrash(Expectation expected, FaultyDisk.Call at, Throwable startFailure) throws Exception {
        long served = engine.engine().status().get(0).current().id();
        String context = " (crashed at " + at + (startFailure == null ? "" : "; the restart failed once: "
                + startFailure) + ")";
        if (served == model.current()) {
            return;
        }
        if (expected.rollbackTarget().isPresent() && served == expected.rollbackTarget().getAsLong()) {
            model.rolledBack(served);
            return;
        }
        check(CRASH_SERVES_OLD_OR_NEW, expected.isPush(), "generation " + model.current() + " (no swap ran)",
                "the restart serves generation " + served + context);
        check(IDS_NEVER_REUSED, served > model.highestId(), "an id above " + model.highestId(),
                "the crashed push went live as generation " + served + context);
        model.pushed(served, expected.pushVersion());
        equal(CRASH_SERVES_OLD_OR_NEW + context, expected.pushVersion(), engine.servedVersion());
    }

    private void checkRestart() throws Exception {
        equal(RESTART_SERVES_REPORTED, model.current(), engine.engine().status().get(0).current().id());
        equal(RESTART_SERVES_REPORTED, model.version(model.current()), engine.servedVersion());
    }

    private String row() {
        return "row-" + nextRow++;
    }
}
