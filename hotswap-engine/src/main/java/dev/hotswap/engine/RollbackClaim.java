package dev.hotswap.engine;

import java.io.IOException;

/**
 * A database claimed for a rollback that is decided elsewhere ({@link Hotswap#claimForRollback}):
 * while it is open, other pushes and rollbacks of the database are refused, so the generation it
 * will roll back to stays kept and the current one stays current. {@link #rollback} makes the
 * chosen generation current; {@link #close()} releases the database either way.
 * <pre>{@code
 * try (RollbackClaim claim = hotswap.claimForRollback("production")) {
 *     if (everyoneAgreed()) {
 *         claim.rollback(3);
 *     }
 * }
 * }</pre>
 */
public final class RollbackClaim implements AutoCloseable {
    private final Hotswap engine;
    private final ManagedDatabase db;
    private boolean closed;

    RollbackClaim(Hotswap engine, ManagedDatabase db) {
        this.engine = engine;
        this.db = db;
    }

    /** The managed database it claims. */
    public String database() {
        return db.name();
    }

    /**
     * Makes the kept {@code generation} current, as {@link Hotswap#rollback} does; the claim stays
     * held until {@link #close()}.
     *
     * @throws SwapRefusedException if that generation is not kept, is current, or its file is damaged
     * @throws IOException if a file operation failed; nothing changed unless the message says so
     * @throws IllegalStateException if the claim was closed, or the engine is not started
     */
    public synchronized SwapReport rollback(long generation) throws IOException, SwapRefusedException {
        if (closed) {
            throw new IllegalStateException("the rollback claim on " + db.name() + " was closed");
        }
        return engine.rollbackClaimed(db, generation);
    }

    /** Releases the database. Idempotent. */
    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            db.endClaim();
        }
    }

    @Override
    public String toString() {
        return "rollback claim on " + db.name();
    }
}
