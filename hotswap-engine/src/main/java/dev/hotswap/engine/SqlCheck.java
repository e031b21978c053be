package dev.hotswap.engine;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Objects;

/**
 * {@link CandidateCheck#sql}: a query on the candidate that must return exactly one row of one
 * column holding a non-zero number. Text, blobs and NULL refuse rather than being read as true or
 * false, so that {@code SELECT 'false'} does not pass by accident.
 */
final class SqlCheck implements CandidateCheck {
    private final String query;

    SqlCheck(String query) {
        Objects.requireNonNull(query, "query");
        if (query.isBlank()) {
            throw new IllegalArgumentException("a SQL check needs a query");
        }
        this.query = query.strip();
    }

    @Override
    public Verdict check(Connection candidate, Connection current) throws SQLException {
        try (Statement statement = candidate.createStatement(); ResultSet rows = statement.executeQuery(query)) {
            int columns = rows.getMetaData().getColumnCount();
            if (!rows.next()) {
                return Verdict.refuse(query + " returned no row");
            }
            if (columns != 1) {
                return Verdict.refuse(query + " returned " + columns + " columns, not 1");
            }
            Object value = rows.getObject(1);
            int more = 0;
            while (rows.next()) {
                more++;
            }
            if (more > 0) {
                return Verdict.refuse(query + " returned " + (more + 1) + " rows, not 1");
            }
            if (value instanceof Number number) {
                return number.doubleValue() != 0 ? Verdict.pass() : Verdict.refuse(query + " returned " + number);
            }
            return Verdict.refuse(query + " returned " + describe(value) + ", not a number");
        }
    }

    private static String describe(Object value) {
        if (value == null) {
            return "NULL";
        }
        if (value instanceof byte[] blob) {
            return "a blob of " + blob.length + " bytes";
        }
        return "'" + value + "'";
    }

    @Override
    public String toString() {
        return "SQL check " + query;
    }
}
