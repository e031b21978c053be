package dev.hotswap.engine;

import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Cancels one running statement at a deadline, unless closed first. sqlite-jdbc's
 * {@link Statement#cancel} is {@code sqlite3_interrupt}, which acts on the whole connection: it must
 * never land once the statement is over and the connection serves someone else, so cancelling and
 * closing exclude each other, and after {@link #close} nothing is cancelled.
 */
final class Interruption implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(Interruption.class.getName());

    private final Statement statement;
    private boolean over;
    private boolean interrupted;

    private Interruption(Statement statement) {
        this.statement = statement;
    }

    /** Cancels {@code statement} at {@code deadline} ({@link System#nanoTime}) if it is still running then. */
    static Interruption at(Statement statement, long deadline) {
        Interruption interruption = new Interruption(statement);
        long delay = Math.max(0, deadline - System.nanoTime());
        CompletableFuture.delayedExecutor(delay, TimeUnit.NANOSECONDS).execute(interruption::cancel);
        return interruption;
    }

    private synchronized void cancel() {
        if (over) {
            return;
        }
        interrupted = true;
        try {
            statement.cancel();
        } catch (SQLException e) {
            LOG.log(System.Logger.Level.WARNING, "interrupting a statement past its deadline failed", e);
        }
    }

    /** Whether the deadline came while the statement ran. */
    synchronized boolean interrupted() {
        return interrupted;
    }

    /** The statement is over: the deadline cancels nothing any more. */
    @Override
    public synchronized void close() {
        over = true;
    }
}
