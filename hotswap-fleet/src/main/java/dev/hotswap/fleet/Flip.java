package dev.hotswap.fleet;

import java.io.IOException;

/** What a node does for a committed rollout (the flip), and what it does instead on an abort. */
interface Flip {

    /** Nothing to do: the node already serves the target. */
    Flip NONE = new Flip() {
        @Override
        public long flip() {
            return 0;
        }

        @Override
        public void discard() {
            // nothing was staged
        }
    };

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
