package dev.hotswap.engine;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * A pushed file that passed every check and is durable under its permanent name, but is not current
 * yet: {@link Hotswap#activate} makes it current, {@link #close()} discards it. While it exists, its
 * database is claimed: other pushes and rollbacks of it are refused. A fleet node stages a rollout's
 * file, answers, and activates or discards it on the coordinator's word; a plain push does both
 * steps at once.
 * <pre>{@code
 * try (StagedGeneration staged = hotswap.stage("production", content, PushOptions.defaults(), "r-42")) {
 *     if (everyoneAgreed()) {
 *         hotswap.activate(staged);
 *     }
 * }   // discarded unless activated
 * }</pre>
 * A staged generation left by a crash is deleted at the next start: it never went live.
 */
public final class StagedGeneration implements AutoCloseable {
    private final Hotswap engine;
    private final ManagedDatabase db;
    private volatile GenerationRecord record;
    private final long bytes;
    private final Duration receive;
    private final Duration integrityCheck;
    private final Duration schemaCheck;
    private boolean done;

    StagedGeneration(Hotswap engine, ManagedDatabase db, GenerationRecord record, long bytes, Duration receive,
            Duration integrityCheck, Duration schemaCheck) {
        this.engine = engine;
        this.db = db;
        this.record = record;
        this.bytes = bytes;
        this.receive = receive;
        this.integrityCheck = integrityCheck;
        this.schemaCheck = schemaCheck;
    }

    /** The managed database it is a generation of. */
    public String database() {
        return db.name();
    }

    /** Its generation id. */
    public long id() {
        return record.id();
    }

    /** Its file in the generation folder. */
    public Path file() {
        return record.file();
    }

    /** The fleet rollout it belongs to, or null. */
    public String rolloutId() {
        return record.rolloutId();
    }

    /**
     * Records the fleet rollout this generation belongs to, when it was staged before the rollout had
     * an id: a {@code --fleet} push is checked on the server the CLI talks to first, and only then
     * does that server claim the rollout. The id is written with the generation when it is activated
     * ({@code hotswap ls} shows it).
     *
     * @param rolloutId letters, digits, {@code .}, {@code _} or {@code -}, at most 128
     * @throws IllegalArgumentException for a malformed id
     * @throws IllegalStateException if it was activated or discarded, or belongs to another rollout
     */
    public synchronized void assignRollout(String rolloutId) {
        checkRolloutId(Objects.requireNonNull(rolloutId, "rolloutId"));
        if (done) {
            throw new IllegalStateException(this + " was activated or discarded already");
        }
        if (record.rolloutId() != null && !record.rolloutId().equals(rolloutId)) {
            throw new IllegalStateException(this + " belongs to rollout " + record.rolloutId() + ", not " + rolloutId);
        }
        record = new GenerationRecord(record.id(), record.file(), record.since(), record.origin(), rolloutId);
    }

    /** Refuses a rollout id that is not 1 to 128 letters, digits, {@code .}, {@code _} or {@code -}. */
    static String checkRolloutId(String rolloutId) {
        if (rolloutId != null && !rolloutId.matches("[A-Za-z0-9._-]{1,128}")) {
            throw new IllegalArgumentException("rollout id '" + rolloutId
                    + "' must be 1 to 128 letters, digits, '.', '_' or '-'");
        }
        return rolloutId;
    }

    /** The file's size in bytes. */
    public long bytes() {
        return bytes;
    }

    /** Deletes the file and releases the database, unless it was activated. Idempotent. */
    @Override
    public synchronized void close() {
        if (done) {
            return;
        }
        done = true;
        db.folder().delete(record.file());
        db.endClaim();
    }

    Hotswap engine() {
        return engine;
    }

    ManagedDatabase db() {
        return db;
    }

    GenerationRecord record() {
        return record;
    }

    Duration receive() {
        return receive;
    }

    Duration integrityCheck() {
        return integrityCheck;
    }

    Duration schemaCheck() {
        return schemaCheck;
    }

    /**
     * Marks it used by the activation that begins; an activation that fails before the flip leaves the
     * file to {@link #close()}, one that flips keeps it.
     *
     * @throws IllegalStateException if it was activated or closed
     */
    synchronized void beginActivation() {
        if (done) {
            throw new IllegalStateException("generation " + record.id() + " of " + db.name() + " was activated or discarded already");
        }
    }

    /** The activation flipped: the file is current, the claim is released. */
    synchronized void activated() {
        done = true;
        db.endClaim();
    }

    @Override
    public String toString() {
        return "staged generation " + record.id() + " of " + db.name() + " (" + record.file() + ")";
    }
}
