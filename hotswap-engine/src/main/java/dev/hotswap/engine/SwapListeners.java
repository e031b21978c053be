package dev.hotswap.engine;

import java.io.IOException;
import java.util.List;

/** Runs pushes and rollbacks so that every {@link SwapListener} hears how each one ended. */
final class SwapListeners {
    private static final System.Logger LOG = System.getLogger(SwapListeners.class.getName());

    private final List<SwapListener> listeners;

    SwapListeners(List<SwapListener> listeners) {
        this.listeners = List.copyOf(listeners);
    }

    /** A push or rollback, as {@link #observed} runs it. */
    @FunctionalInterface
    interface Action {
        SwapReport run() throws IOException, SwapRefusedException;
    }

    /** Runs {@code action} (begun at {@code start}, {@link System#nanoTime()}) and tells the listeners how it ended. */
    SwapReport observed(String database, SwapOutcome.Operation operation, long start, Action action)
            throws IOException, SwapRefusedException {
        SwapReport report;
        try {
            report = action.run();
        } catch (SwapRefusedException e) {
            refused(database, operation, start, e);
            throw e;
        } catch (IOException | RuntimeException e) {
            failed(database, operation, start, e);
            throw e;
        }
        tell(new SwapOutcome(database, operation, SwapOutcome.Result.SWAPPED, report, null, Push.since(start)));
        return report;
    }

    void refused(String database, SwapOutcome.Operation operation, long start, SwapRefusedException refusal) {
        tell(new SwapOutcome(database, operation, SwapOutcome.Result.REFUSED, null, refusal.getMessage(),
                Push.since(start)));
    }

    void failed(String database, SwapOutcome.Operation operation, long start, Exception failure) {
        tell(new SwapOutcome(database, operation, SwapOutcome.Result.FAILED, null, "ERROR: " + failure.getMessage(),
                Push.since(start)));
    }

    /** Tells every listener; whatever one throws is logged, and the others still hear it. */
    private void tell(SwapOutcome outcome) {
        for (SwapListener listener : listeners) {
            try {
                listener.afterSwap(outcome);
            } catch (RuntimeException | LinkageError | AssertionError e) {
                LOG.log(System.Logger.Level.ERROR, outcome.database() + ": swap listener " + listener + " failed", e);
            }
        }
    }
}
