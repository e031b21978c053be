package dev.hotswap.engine;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Produces the complete candidate file of a push at a path the push pipeline chose: the seam
 * between how a new database arrives (a whole-file stream, or a copy of the live database patched
 * by a delta) and what the pipeline does with it (the header check, {@code integrity_check}, the
 * schema check, durability and the swap).
 */
interface CandidateReceiver {

    /**
     * Writes the whole candidate into {@code target}, an empty file in the live file's directory that
     * the pipeline created and will delete unless it swaps it in. The file need not be synced: the
     * pipeline makes it durable, overlapped with its checks.
     *
     * @return the candidate's size in bytes
     * @throws SwapRefusedException if what arrived is refused (a delta that does not verify)
     * @throws IOException if receiving or writing failed
     */
    long receiveInto(Path target, Progress progress) throws IOException, SwapRefusedException;

    /**
     * Waits for any check of the received file that this receiver runs beside the pipeline's own
     * (which only read the file), before the pipeline changes the file.
     *
     * @throws IOException if that check failed or refused the file
     */
    default void awaitOwnCheck() throws IOException {
    }

    /** Waits for that check and ignores how it ended: for a candidate being thrown away. */
    default void awaitOwnCheckQuietly() {
    }
}
