package dev.hotswap.engine;

import java.util.function.Consumer;

/**
 * Names the steps of a push, a swap and an adoption as they complete, for the crash tests: a test
 * process sets {@link #listener} to stop at one step and be killed there, then checks what a restart
 * makes of the files. Nothing else listens; the default does nothing.
 */
final class Steps {
    /** The upload is in its temp file, synced. */
    static final String RECEIVED = "received";
    /** The new file passed every check and has its permanent generation name. */
    static final String STAGED = "staged";
    /** The live path links to the new generation. */
    static final String LINKED = "linked";
    /** The new generation's history line is written. */
    static final String RECORDED = "recorded";
    /** New requests get the new generation. */
    static final String FLIPPED = "flipped";
    /** A generation's last hold went; its retirement (pool close, keep policy) begins. */
    static final String RETIRING = "retiring";
    /** A regular file at the live path has its generation name (a hard link); the live path is not yet a link. */
    static final String ADOPTION_LINKED = "adoption-linked";

    /**
     * A background pass over a new current generation ({@link HashPass}) took its first stamp and
     * starts reading; reported to {@link #listener} alone, never to an engine's {@link Disk}.
     */
    static final String HASHING = "hashing";

    static volatile Consumer<String> listener = step -> { };

    private Steps() {
    }

    static void reached(String step) {
        listener.accept(step);
    }
}
