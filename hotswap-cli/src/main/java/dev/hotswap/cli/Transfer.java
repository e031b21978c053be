package dev.hotswap.cli;

/** A push or a pull in progress, as seen by the Ctrl-C handler. */
interface Transfer {

    /**
     * Gives up the transfer from another thread: a push sends {@code ABORT}, a pull deletes its
     * temporary file. The caller closes the connection afterwards.
     */
    void interrupt();

    /** What to tell the user after {@link #interrupt()}. */
    String interruptedMessage();
}
