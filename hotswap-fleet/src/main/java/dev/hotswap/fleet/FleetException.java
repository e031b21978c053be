package dev.hotswap.fleet;

import java.io.IOException;
import java.util.Objects;

/**
 * The store or the fleet refused or failed an operation. The message is for the operator and starts
 * with {@code "ERROR: "}; {@link #reason()} is for code that must tell the cases apart.
 */
public final class FleetException extends IOException {
    private static final long serialVersionUID = 1L;

    /** What went wrong, for callers that react differently (retry, exit code, health). */
    public enum Reason {
        /** The store cannot be reached: connection refused, unknown host, timeout. Often passes. */
        UNREACHABLE,
        /** The store refused the credentials, or none were found. */
        CREDENTIALS,
        /** The credentials are valid but lack a permission on the bucket or prefix. */
        ACCESS_DENIED,
        /** The bucket does not exist. */
        NO_BUCKET,
        /** Another rollout of the same database is in progress, or started meanwhile. */
        BUSY,
        /** What the operation needs is not there: no such rollout, nothing to roll back to, no nodes. */
        NOT_FOUND,
        /** The file or an object is not what it must be: not SQLite, a malformed fleet object. */
        INVALID,
        /** Any other failure of the store. */
        STORE
    }

    private final Reason reason;

    FleetException(Reason reason, String message) {
        super(Messages.error(message));
        this.reason = Objects.requireNonNull(reason, "reason");
    }

    FleetException(Reason reason, String message, Throwable cause) {
        super(Messages.error(message), cause);
        this.reason = Objects.requireNonNull(reason, "reason");
    }

    /** What went wrong. */
    public Reason reason() {
        return reason;
    }
}
