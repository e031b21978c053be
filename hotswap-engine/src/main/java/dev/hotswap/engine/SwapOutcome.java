package dev.hotswap.engine;

import java.time.Duration;
import java.util.Objects;

/**
 * How one push or rollback ended, as {@link SwapListener}s hear it.
 *
 * @param database the name of the managed database
 * @param operation what was asked
 * @param result how it ended
 * @param report what the swap did, when {@code result} is {@link Result#SWAPPED}; null otherwise
 * @param message the refusal or failure for the operator ({@code ERROR: ...}); null when swapped
 * @param duration from the start of the operation (the first byte of a push) to its end
 */
public record SwapOutcome(String database, Operation operation, Result result, SwapReport report, String message,
        Duration duration) {

    /** What was asked. */
    public enum Operation {
        /** A new file pushed in (by the CLI, {@link Hotswap#push} or {@link Hotswap#activate}). */
        PUSH,
        /** An earlier generation made current again. */
        ROLLBACK
    }

    /** How it ended. */
    public enum Result {
        /** The new generation is current. */
        SWAPPED,
        /** A check or rule refused it; the live database is untouched. */
        REFUSED,
        /** An I/O error or an aborted upload stopped it; the live database is untouched. */
        FAILED
    }

    /** Rejects nulls where a value is required, and a report that does not match the result. */
    public SwapOutcome {
        Objects.requireNonNull(database, "database");
        Objects.requireNonNull(operation, "operation");
        Objects.requireNonNull(result, "result");
        Objects.requireNonNull(duration, "duration");
        if ((result == Result.SWAPPED) != (report != null)) {
            throw new IllegalArgumentException("a report comes with SWAPPED and only with it, not with " + result);
        }
    }
}
