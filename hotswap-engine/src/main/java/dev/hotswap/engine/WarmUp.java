package dev.hotswap.engine;

import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;

/**
 * Runs a database's warm-up statements ({@link HotswapBuilder#warmUp}) on one connection of a
 * generation that is not current yet, each to its last row, so that the pages the first requests
 * read are in the operating system's page cache before the flip instead of after it.
 *
 * <p>Once, on one connection: the page cache is the kernel's and shared by every connection of the
 * file, while SQLite's own cache is per connection and small (2 MiB by default); running them on
 * every connection would multiply the swap's time for little. They run with
 * {@code PRAGMA query_only} on, so that a statement that would write fails instead of changing a file
 * that passed its checks; the connection's own setting is restored after.
 *
 * <p>Staging compiles them first ({@link #compile}), on the candidate file: a statement that names a
 * table or column the new file lacks refuses the push there, before a fleet's nodes answer for the
 * rollout, so that a refusal at the flip is left to what only running finds (a write, an error at
 * run time).
 */
final class WarmUp {
    private WarmUp() {
    }

    /** A statement that failed, with its SQL and SQLite's message, or that ran past the timeout. */
    static final class FailedException extends Exception {
        private static final long serialVersionUID = 1L;

        FailedException(String sql, SQLException cause) {
            super("warm-up statement failed: " + sql + ": " + cause.getMessage(), cause);
        }

        FailedException(String sql, Duration timeout) {
            super("warm-up statement ran past the warm-up timeout of " + Push.format(timeout) + ": " + sql);
        }
    }

    /**
     * Runs {@code statements} in order on {@code connection}, one timed status line each
     * ({@code warm-up 412 ms: SELECT ...}), all within {@code timeout}: the statement running when it
     * ends is interrupted ({@code sqlite3_interrupt}, through {@link Statement#cancel}).
     *
     * @throws FailedException at the first statement that fails or runs past the timeout; the rest do not run
     * @throws IOException if the client reading the status lines is gone
     */
    static void run(String database, long generation, Connection connection, List<String> statements,
            Duration timeout, Progress progress, System.Logger log) throws FailedException, IOException {
        if (statements.isEmpty()) {
            return;
        }
        boolean wasQueryOnly;
        try {
            wasQueryOnly = queryOnly(connection);
            setQueryOnly(connection, true);
        } catch (SQLException e) {
            throw new FailedException("PRAGMA query_only", e);
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            for (String sql : statements) {
                long start = System.nanoTime();
                try (Statement statement = connection.createStatement();
                        Interruption interruption = Interruption.at(statement, deadline)) {
                    try {
                        runToEnd(statement, sql);
                    } catch (SQLException e) {
                        throw interruption.interrupted() ? new FailedException(sql, timeout) : new FailedException(sql, e);
                    }
                } catch (SQLException e) {
                    throw new FailedException(sql, e);
                }
                Duration took = Push.since(start);
                log.log(System.Logger.Level.INFO, database + ": warm-up of generation " + generation + " in "
                        + took.toMillis() + " ms: " + sql);
                progress.status("warm-up " + took.toMillis() + " ms: " + sql);
            }
        } finally {
            try {
                setQueryOnly(connection, wasQueryOnly);
            } catch (SQLException e) {
                log.log(System.Logger.Level.WARNING, database + ": restoring query_only after the warm-up failed", e);
            }
        }
    }

    /**
     * Compiles (prepares, without running) each of {@code statements} on {@code candidate}, a pushed
     * file being staged for {@code database}.
     *
     * @throws SwapRefusedException if one does not compile, or the file does not open
     */
    static void compile(String database, Path candidate, List<String> statements) throws SwapRefusedException {
        if (statements.isEmpty()) {
            return;
        }
        String sql = null;
        try (Connection connection = Sqlite.open(candidate, Settings.BUSY_TIMEOUT)) {
            for (String statement : statements) {
                sql = statement;
                connection.prepareStatement(statement).close();
            }
        } catch (SQLException e) {
            throw new SwapRefusedException(SwapRefusedException.Reason.WARM_UP, "ERROR: " + database + ": "
                    + new FailedException(sql == null ? "opening the new file" : sql, e).getMessage()
                    + "; database untouched");
        }
    }

    private static void runToEnd(Statement statement, String sql) throws SQLException {
        if (statement.execute(sql)) {
            try (ResultSet rows = statement.getResultSet()) {
                while (rows.next()) {
                    // every row: a statement stepped halfway read only half its pages
                }
            }
        }
    }

    private static boolean queryOnly(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement();
                ResultSet row = statement.executeQuery("PRAGMA query_only")) {
            return row.next() && row.getInt(1) != 0;
        }
    }

    private static void setQueryOnly(Connection connection, boolean on) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute("PRAGMA query_only = " + (on ? 1 : 0));
        }
    }
}
