package dev.hotswap.cli;

/**
 * Where the user's Ctrl-C (or a {@code SIGTERM}) arrives. A transfer registers what to do, such as
 * sending {@code ABORT} or deleting a temporary file, for as long as it runs.
 */
@FunctionalInterface
interface Interrupts {

    /**
     * Runs {@code action} on another thread if the user interrupts the command before the returned
     * registration is closed.
     */
    Registration onInterrupt(Runnable action);

    /** An active registration; closing it withdraws the action. */
    @FunctionalInterface
    interface Registration extends AutoCloseable {
        @Override
        void close();
    }

    /**
     * The JVM's shutdown hooks: the action runs on {@code SIGINT} and {@code SIGTERM}, and the
     * process then exits with status 130 or 143 as any interrupted program does.
     */
    static Interrupts shutdownHooks() {
        return action -> {
            Thread hook = new Thread(action, "hotswap-interrupt");
            Runtime.getRuntime().addShutdownHook(hook);
            return () -> {
                try {
                    Runtime.getRuntime().removeShutdownHook(hook);
                } catch (IllegalStateException shuttingDown) {
                    // the hook is already running, or has run: nothing left to withdraw
                }
            };
        };
    }
}
