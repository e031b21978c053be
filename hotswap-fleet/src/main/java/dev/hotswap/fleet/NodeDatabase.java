package dev.hotswap.fleet;

import java.io.IOException;
import java.io.InputStream;

/**
 * What the fleet needs of one database on a node: the seam between the fleet's protocol
 * ({@link Follower}) and what manages the live file, the hotswap engine's generations
 * ({@link EngineDatabase}, its one implementation). Package-private: apps join a fleet with
 * {@link HotswapFleet}; the seam keeps the protocol's demands on a database in one place.
 *
 * <p>Contract, which every implementation must keep because the fleet's "all or none" rests on it:
 * <ul>
 *   <li>{@link #stage} checks the incoming file against the <em>live</em> database (SQLite header,
 *       {@code PRAGMA integrity_check}, schema) and makes it durable as a generation that is
 *       <em>not</em> current. The live database is untouched whatever happens, including a stream
 *       that fails midway (the fleet's streams throw {@link IOException} rather than end early
 *       when a download is truncated or its digest is wrong).</li>
 *   <li>{@link StagedFile#activate()} is the flip: from then on new requests see the staged file.</li>
 *   <li>{@link StagedFile#close()} without a flip discards the staged file.</li>
 *   <li>{@link #status()} names the current generation and the kept ones, each with the rollout id it
 *       was staged with, so that a node knows whether it is behind the fleet and can roll back to a
 *       kept generation by rollout id.</li>
 *   <li>{@link #claimForRollback()} keeps that status as it is until the claim is closed: local
 *       pushes and rollbacks are refused meanwhile.</li>
 * </ul>
 *
 * <p>Calls come from one fleet thread per node, one at a time.
 */
interface NodeDatabase {

    /** The database's name, the same on every node ({@code production}); part of object keys. */
    String name();

    /**
     * Reads {@code content} to its end, checks it against the live database and stages it.
     *
     * @param content the new file; it throws {@link IOException} if the download fails or is not
     *     the announced file
     * @param rolloutId the fleet rollout the file belongs to, kept with the generation
     * @return the staged, durable, not yet current file
     * @throws StageRefusedException if a check refused the file (the message says why, for the operator)
     * @throws IOException if reading or writing failed; nothing was staged
     */
    StagedFile stage(InputStream content, String rolloutId) throws StageRefusedException, IOException;

    /** The current generation and the kept ones. */
    DatabaseStatus status() throws IOException;

    /**
     * Makes the kept generation {@code generation} current again, with the same flip as
     * {@link StagedFile#activate()}.
     *
     * @return the pause of the flip in microseconds: the most a request waited for it
     * @throws StageRefusedException if that generation is not kept (or cannot be served)
     * @throws IOException if the flip failed; the current generation is unchanged
     */
    long rollback(long generation) throws StageRefusedException, IOException;

    /**
     * Claims the database for a fleet rollback this node says yes to: until the claim is closed,
     * local pushes and rollbacks are refused, so that what {@link #status()} shows now (the current
     * generation, the kept ones) is what the commit finds. Without it, a local {@code cp} or
     * {@code rollback} between the yes and the commit could prune or replace the generation the node
     * promised, and the node could not flip.
     *
     * @throws StageRefusedException if a push or rollback holds the database now
     * @throws IOException if the database cannot be claimed (its engine stopped)
     */
    RollbackClaim claimForRollback() throws StageRefusedException, IOException;

    /** A database claimed for a rollback ({@link #claimForRollback()}). */
    interface RollbackClaim extends AutoCloseable {

        /**
         * Makes the kept {@code generation} current under the claim, as {@link NodeDatabase#rollback}.
         *
         * @return the pause of the flip in microseconds
         */
        long rollback(long generation) throws StageRefusedException, IOException;

        /** Releases the database. Idempotent. */
        @Override
        void close();
    }
}
