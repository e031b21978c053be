package dev.hotswap.engine;

import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.quicktheories.QuickTheory.qt;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;
import org.quicktheories.QuickTheory;

/**
 * A model-based property test of one database: QuickTheories generates sequences of pushes (valid and
 * refused), rollbacks (to the previous generation and {@code --to} one), jobs and requests that take,
 * write through and release connections, clock steps, injected disk failures (EIO, ENOSPC, EACCES at
 * any disk call of the next step) and crashes (at any disk call or named step of the next step, then
 * a new engine on the same files), with {@code keep} 0 to 3 in WAL and rollback-journal mode. After
 * every step the engine is compared with a {@link DatabaseModel} ({@link DatabaseInvariants}); a
 * failing sequence shrinks and is printed step by step, with the seed that reproduces it.
 *
 * <p>{@code mvn verify} runs {@value #SEQUENCES} sequences ({@code -Dhotswap.model.sequences=N} for
 * more). {@code -Dhotswap.soak.minutes=N} runs for N minutes instead ({@code bin/hotswap-soak}); each
 * run prints how many sequences and steps it explored. {@code -DQT_SEED=S} replays the seed a failure
 * printed.
 */
class DatabaseModelTest {
    static final int SEQUENCES = 140;
    private static final int MAX_GROUPS = 20;
    /** Shrinking reruns the failing sequence each cycle; enough to get to a few steps. */
    private static final int SHRINK_CYCLES = 60;

    /** Passes over the steps when minimizing a failing sequence. */
    private static final int MINIMIZING_PASSES = 3;

    private final AtomicLong sequences = new AtomicLong();
    private final AtomicLong steps = new AtomicLong();
    private final AtomicLong crashes = new AtomicLong();
    private volatile DatabaseOp.Sequence smallestFailure;

    @Test
    void everyGeneratedSequenceKeepsTheInvariants() {
        String soak = System.getProperty("hotswap.soak.minutes", "").trim();
        QuickTheory theory = qt().withShrinkCycles(SHRINK_CYCLES);
        Duration limit;
        if (soak.isEmpty()) {
            theory = theory.withExamples(Integer.getInteger("hotswap.model.sequences", SEQUENCES));
            limit = Duration.ofMinutes(15);
        } else {
            long millis = (long) (Double.parseDouble(soak) * 60_000);
            theory = theory.withTestingTime(millis, TimeUnit.MILLISECONDS).withUnlimitedExamples();
            limit = Duration.ofMillis(millis).plus(Duration.ofMinutes(15)); // room to shrink a failure
        }
        QuickTheory configured = theory;
        long start = System.nanoTime();
        try {
            assertTimeoutPreemptively(limit, () -> {
                try {
                    configured.forAll(DatabaseOp.sequences(MAX_GROUPS)).checkAssert(this::run);
                } catch (AssertionError e) {
                    throw minimized(e);
                }
            }, "the model test ran past " + limit);
        } finally {
            System.out.printf("hotswap-soak: DatabaseModelTest explored %d sequences, %d steps (%d crashes and"
                    + " restarts) in %d s%n", sequences.get(), steps.get(), crashes.get(),
                    Duration.ofNanos(System.nanoTime() - start).toSeconds());
        }
    }

    private void run(DatabaseOp.Sequence sequence) {
        sequences.incrementAndGet();
        steps.addAndGet(sequence.steps().size());
        try {
            crashes.addAndGet(SequenceRun.run(sequence));
        } catch (AssertionError | Exception e) {
            DatabaseOp.Sequence smallest = smallestFailure;
            if (smallest == null || sequence.steps().size() < smallest.steps().size()) {
                smallestFailure = sequence;
            }
            throw e instanceof AssertionError assertion ? assertion : new AssertionError("the sequence failed: " + e, e);
        }
    }

    /**
     * QuickTheories shrinks a list mostly from its end and its values towards the first choice; this
     * then drops the steps of the smallest failing sequence one at a time while it still fails, and
     * puts the result, with its failure, ahead of QuickTheories' report (which has the seed).
     */
    private AssertionError minimized(AssertionError report) {
        DatabaseOp.Sequence minimal = smallestFailure;
        if (minimal == null) {
            return report;
        }
        Throwable failure = failure(minimal);
        for (int pass = 0; pass < MINIMIZING_PASSES; pass++) {
            boolean dropped = false;
            for (int i = minimal.steps().size() - 1; i >= 0 && minimal.steps().size() > 1; i--) {
                List<DatabaseOp> fewer = new ArrayList<>(minimal.steps());
                fewer.remove(i);
                DatabaseOp.Sequence candidate = new DatabaseOp.Sequence(minimal.keep(), minimal.wal(), fewer);
                Throwable candidateFailure = failure(candidate);
                if (candidateFailure != null) {
                    minimal = candidate;
                    failure = candidateFailure;
                    dropped = true;
                }
            }
            if (!dropped) {
                break;
            }
        }
        AssertionError minimized = new AssertionError("minimal failing sequence (steps dropped one at a time while it"
                + " still fails):\n" + minimal + "\nfails with: " + (failure == null ? "(it passed when run again)"
                : failure.getMessage()) + "\n\nQuickTheories' report:\n" + report.getMessage(), report);
        if (failure != null) {
            minimized.addSuppressed(failure);
        }
        return minimized;
    }

    private static Throwable failure(DatabaseOp.Sequence sequence) {
        try {
            SequenceRun.run(sequence);
            return null;
        } catch (AssertionError | Exception e) {
            return e;
        }
    }
}
