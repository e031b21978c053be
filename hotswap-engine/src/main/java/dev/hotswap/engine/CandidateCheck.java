package dev.hotswap.engine;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Objects;

/**
 * One of the application's own rules for a pushed file, added by name on the builder
 * ({@link HotswapBuilder#check(String, CandidateCheck)}): row counts, a required row, a foreign-key
 * check, "the search index is not empty". Every push (whole or delta), dry run
 * ({@link Hotswap#check}) and fleet rollout (on every node, against that node's live database)
 * runs it after {@code PRAGMA integrity_check} and the schema comparison, before anything is made
 * durable; a refusal leaves the live database untouched. Rollbacks do not run it: they go back to a
 * generation that served before, and an emergency must not wait for a rule that may be what is
 * wrong.
 * <pre>{@code
 * Hotswap.builder()
 *     .database("production", Path.of("db/production.sqlite3"))
 *     .check("products-not-empty", (candidate, current) -> {
 *         try (Statement s = candidate.createStatement();
 *              ResultSet r = s.executeQuery("SELECT count(*) FROM products")) {
 *             r.next();
 *             return r.getLong(1) > 0 ? Verdict.pass() : Verdict.refuse("no products");
 *         }
 *     })
 *     .check("orders-present", CandidateCheck.sql("SELECT count(*) > 0 FROM orders"));
 * }</pre>
 * A check runs on the admin connection's thread (or the caller's, in process), one at a time per
 * database; it must not keep the connections, which are closed when it returns. An exception from it
 * refuses the push, naming the check: a rule that cannot say yes does not let a file through.
 */
@FunctionalInterface
public interface CandidateCheck {

    /**
     * Judges a pushed file.
     *
     * @param candidate a read-only connection to the pushed file (queries only)
     * @param current a read-only connection to the generation that is current now
     * @return {@link Verdict#pass()}, or {@link Verdict#refuse(String)} with why
     * @throws SQLException if a query failed: the push is refused with its message
     */
    Verdict check(Connection candidate, Connection current) throws SQLException;

    /**
     * A check that runs {@code query} on the candidate and passes when it returns exactly one row of
     * one column whose value is a non-zero number (SQLite's true, as {@code count(*) > 0} gives);
     * anything else refuses, saying what came back.
     *
     * @throws IllegalArgumentException for a blank query
     */
    static CandidateCheck sql(String query) {
        return new SqlCheck(query);
    }

    /**
     * What a check decided.
     *
     * @param refusal why the file is refused, or null if it passes
     */
    record Verdict(String refusal) {
        private static final Verdict PASS = new Verdict(null);

        /** Rejects a blank refusal: the operator must be told why. */
        public Verdict {
            if (refusal != null && refusal.isBlank()) {
                throw new IllegalArgumentException("a refusal needs a message");
            }
        }

        /** The file may go live, as far as this check is concerned. */
        public static Verdict pass() {
            return PASS;
        }

        /** The file must not go live; {@code message} says why, for the operator. */
        public static Verdict refuse(String message) {
            return new Verdict(Objects.requireNonNull(message, "message"));
        }

        /** Whether the check passed. */
        public boolean passed() {
            return refusal == null;
        }
    }
}
