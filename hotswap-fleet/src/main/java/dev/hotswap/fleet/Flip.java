package dev.hotswap.fleet;

import java.io.IOException;

/** What a node does for a committed rollout (the flip), and what it does instead on an abort. */
interface Flip {

    /** Flips; returns the pause in microseconds. */
    long flip() throws StageRefusedException, IOException;

    /** Gives up on the flip: discards what was staged for it. */
    void discard() throws IOException;

    /** Activates a staged file; discarding closes it. */
    static Flip activating(StagedFile staged) {
        return new Flip() {
            @Override
            public long flip() throws StageRefusedException, IOException {
                return staged.activate();
            }

            @Override
            public void discard() throws IOException {
                staged.close();
            }
        };
    }

    /**
     * Rolls back to the kept {@code generation} under {@code claim}, or, with {@code generation} the
     * current one, keeps it; either way the claim is released once flipped or discarded.
     */
    static Flip claimed(NodeDatabase.RollbackClaim claim, long generation, boolean current) {
        return new Flip() {
            @Override
            public long flip() throws StageRefusedException, IOException {
                try {
                    return current ? 0 : claim.rollback(generation);
                } finally {
                    claim.close();
                }
            }

            @Override
            public void discard() {
                claim.close();
            }
        };
    }

    /** Rolls {@code database} back to its kept {@code generation}; nothing to discard. */
    static Flip rollback(NodeDatabase database, long generation) {
        return new Flip() {
            @Override
            public long flip() throws StageRefusedException, IOException {
                return database.rollback(generation);
            }

            @Override
            public void discard() {
                // nothing was staged
            }
        };
    }
}
