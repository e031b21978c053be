package dev.hotswap.engine;

import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.quicktheories.QuickTheory.qt;

import java.time.Duration;
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
    static final int SEQUENCES = 150;
    private static final int MAX_GROUPS = 20;
    /** Shrinking reruns the failing sequence each cycle; enough to get to a few steps. */
    private static final int SHRINK_CYCLES = 60;

    private final AtomicLong sequences = new AtomicLong();
    private final AtomicLong steps = new AtomicLong();
    private final AtomicLong crashes = new AtomicLong();

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
            assertTimeoutPreemptively(limit, () -> configured.forAll(DatabaseOp.sequences(MAX_GROUPS))
                    .checkAssert(this::run), "the model test ran past " + limit);
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
        } catch (AssertionError e) {
            throw e;
        } catch (Exception e) {
            throw new AssertionError("the sequence failed: " + e, e);
        }
    }
}
