package dev.hotswap.fleet;

import java.io.IOException;

/**
 * A checked, durable generation that is not current yet: {@link #activate()} flips to it,
 * {@link #close()} without that discards it. Closing after a flip does nothing.
 */
interface StagedFile extends AutoCloseable {

    /** The generation's number on this node. */
    long generation();

    /**
     * Flips: the staged generation becomes current.
     *
     * @return the pause of the flip in microseconds: the most a request waited for it
     * @throws StageRefusedException if the database refuses the flip now (the live database changed
     *     meanwhile, for example); nothing changed
     * @throws IOException if the flip failed; the current generation is unchanged
     */
    long activate() throws StageRefusedException, IOException;

    /** Discards the staged generation unless it was activated. */
    @Override
    void close() throws IOException;
}
