package dev.hotswap.engine;

import java.util.Objects;

/**
 * A push or rollback was refused and the live database is untouched. {@link #getMessage()} is the
 * exact message for the operator, starting with {@code "ERROR: "}; it may span several lines (a
 * schema diff), for example:
 * <pre>
 * ERROR: schema mismatch
 * - CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT)
 * + CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT, email TEXT)
 * </pre>
 * {@link #reason()} says why in a form a caller can switch on (a metric's tag, a retry decision).
 */
public final class SwapRefusedException extends Exception {
    private static final long serialVersionUID = 1L;

    /** Why a push or rollback was refused. */
    public enum Reason {
        /** Not a SQLite database, or cut short: the header sanity check. */
        NOT_A_DATABASE,
        /** {@code PRAGMA integrity_check} found damage. */
        INTEGRITY,
        /** The schema differs from the current generation's. */
        SCHEMA,
        /** One of the application's {@link CandidateCheck}s refused the file, or failed. */
        CHECK,
        /** Another push or rollback of the database is running; trying again later may succeed. */
        BUSY,
        /** The volume has no room for it beside the disk reserve. */
        NO_ROOM,
        /** No generation to roll back to: none kept, not that id, or it is current already. */
        NO_SUCH_GENERATION,
        /** The file passed its checks but SQLite cannot read it, or a kept generation was damaged. */
        UNREADABLE,
        /** A warm-up statement failed on the new generation before it went live. */
        WARM_UP
    }

    private final Reason reason;

    /**
     * A refusal for {@code reason} with the operator message {@code message}.
     *
     * @throws IllegalArgumentException if {@code message} does not start with {@code "ERROR: "}
     */
    public SwapRefusedException(Reason reason, String message) {
        super(requireError(message));
        this.reason = Objects.requireNonNull(reason, "reason");
    }

    /** Why it was refused. */
    public Reason reason() {
        return reason;
    }

    private static String requireError(String message) {
        if (message == null || !message.startsWith("ERROR: ")) {
            throw new IllegalArgumentException("refusal message must start with \"ERROR: \": " + message);
        }
        return message;
    }
}
