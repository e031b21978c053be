package dev.hotswap.fleet;

/**
 * A fault injected into one party's store requests during one step of a {@link FleetModel}
 * sequence: the party ({@code ci} for the coordinator, or a node), which of its requests in the
 * step (counting from 0; for a crash, which of its writes), and what happens to it.
 */
record Fault(String party, int index, Kind kind) {

    enum Kind {
        /** The request fails before it reaches the store (503 SlowDown): nothing happened. */
        FAIL,
        /** The request is carried out, but its answer is lost (500): the caller thinks it failed. */
        LOST_REPLY,
        /** The request waits a moment before it is carried out. */
        DELAY,
        /** The request waits past every deadline and the abandon time before it is carried out (a long GC pause, a stuck connection). */
        STALL,
        /** The write is carried out, then the party's process dies: it sends nothing more. */
        CRASH
    }

    @Override
    public String toString() {
        return switch (kind) {
            case FAIL -> party + " request #" + index + " fails";
            case LOST_REPLY -> party + " request #" + index + " lands, reply lost";
            case DELAY -> party + " request #" + index + " delayed";
            case STALL -> party + " request #" + index + " stalls past the deadlines";
            case CRASH -> party + " crashes after write #" + index;
        };
    }
}
