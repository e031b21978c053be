package dev.hotswap.cli;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One conversation with the server that Ctrl-C may cut short: the connection is opened, the
 * command's part runs, and a failure caused by the interrupt (the handler closes the connection
 * under it) becomes exit code 130 instead of an error of its own.
 */
final class Conversation {

    /** The command's part of the conversation. */
    @FunctionalInterface
    interface Body {
        /** Talks over {@code connection}; returns the exit code. */
        int run(Connection connection) throws CommandFailure;
    }

    /** What to do on Ctrl-C, on the interrupt's own thread: stop the transfer, close the connection, say so. */
    @FunctionalInterface
    interface Interrupted {
        void handle(Connection connection);
    }

    private Conversation() {
    }

    /**
     * Connects through {@code opener} and runs {@code body}; on Ctrl-C meanwhile, runs {@code onInterrupt}.
     *
     * @return {@code body}'s exit code, or {@link Cli#INTERRUPTED} once interrupted
     * @throws CommandFailure if the server cannot be reached or {@code body} fails uninterrupted
     */
    static int run(Environment environment, Connection.Opener opener, Interrupted onInterrupt, Body body) throws CommandFailure {
        AtomicBoolean interrupted = new AtomicBoolean();
        try (Connection connection = Connection.open(opener)) {
            Interrupts.Registration registration = environment.interrupts().onInterrupt(() -> {
                interrupted.set(true);
                onInterrupt.handle(connection);
            });
            try {
                return body.run(connection);
            } catch (CommandFailure e) {
                throw interrupted.get() ? e : connection.explain(e); // before close: a link we end says nothing
            } finally {
                registration.close();
            }
        } catch (CommandFailure e) {
            if (interrupted.get()) {
                return Cli.INTERRUPTED;
            }
            throw e;
        }
    }
}
