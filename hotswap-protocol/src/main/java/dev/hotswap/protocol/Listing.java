package dev.hotswap.protocol;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The text of an {@code ls} answer: one line per generation of each managed database (its current
 * generation first, then the kept ones, newest first, then any retiring ones), fields separated by
 * tabs, unknown values as {@code -}. Readers ignore fields past the ones they know, so that a newer
 * server can add columns.
 */
public final class Listing {
    private static final String NONE = "-";

    private Listing() {
    }

    /** Where a generation stands. */
    public enum State {
        /** New requests get it. */
        CURRENT,
        /** Kept for rollback. */
        KEPT,
        /** Superseded beyond the keep count; deleted once the requests holding it finish. */
        RETIRING
    }

    /**
     * One generation of a managed database.
     *
     * @param database the managed name
     * @param generation the generation id
     * @param state where it stands
     * @param since when it last became current (ISO-8601 instant), or null
     * @param bytes the file's size, or -1
     * @param pageSize the page size, or -1
     * @param journal {@code wal} or {@code delete}, or null
     * @param pauseMicros the pause of the swap that made it current, or -1
     * @param requests requests pinned to it now
     * @param rolloutId the fleet rollout that brought it, or null
     * @param path the live path for the current generation, the generation's file otherwise
     */
    public record Row(String database, long generation, State state, String since, long bytes, int pageSize,
            String journal, long pauseMicros, long requests, String rolloutId, String path) {

        /** Rejects nulls where a value is required and tabs or newlines anywhere. */
        public Row {
            Objects.requireNonNull(database, "database");
            Objects.requireNonNull(state, "state");
            Objects.requireNonNull(path, "path");
            for (String field : new String[] {database, since, journal, rolloutId, path}) {
                if (field != null && (field.indexOf('\t') >= 0 || field.indexOf('\n') >= 0)) {
                    throw new IllegalArgumentException("ls field '" + field + "' contains a tab or a newline");
                }
            }
        }
    }

    /** The text of {@code rows}, one line each. */
    public static String format(List<Row> rows) {
        StringBuilder text = new StringBuilder();
        for (Row row : rows) {
            text.append(row.database()).append('\t').append(row.generation()).append('\t')
                    .append(row.state().name().toLowerCase(java.util.Locale.ROOT)).append('\t')
                    .append(text(row.since())).append('\t').append(number(row.bytes())).append('\t')
                    .append(number(row.pageSize())).append('\t').append(text(row.journal())).append('\t')
                    .append(number(row.pauseMicros())).append('\t').append(row.requests()).append('\t')
                    .append(text(row.rolloutId())).append('\t').append(row.path()).append('\n');
        }
        return text.toString();
    }

    /**
     * The rows of an {@code ls} text.
     *
     * @throws ProtocolException if a line has too few fields or a malformed number
     */
    public static List<Row> parse(String text) throws ProtocolException {
        List<Row> rows = new ArrayList<>();
        for (String line : text.split("\n")) {
            if (line.isEmpty()) {
                continue;
            }
            String[] fields = line.split("\t", -1);
            if (fields.length < 11) {
                throw new ProtocolException("malformed ls line (" + fields.length + " fields, 11 expected): " + line);
            }
            try {
                rows.add(new Row(fields[0], Long.parseLong(fields[1]),
                        State.valueOf(fields[2].toUpperCase(java.util.Locale.ROOT)), value(fields[3]),
                        longValue(fields[4]), (int) longValue(fields[5]), value(fields[6]), longValue(fields[7]),
                        Long.parseLong(fields[8]), value(fields[9]), fields[10]));
            } catch (IllegalArgumentException e) {
                throw new ProtocolException("malformed ls line (" + e.getMessage() + "): " + line);
            }
        }
        return rows;
    }

    private static String text(String value) {
        return value == null ? NONE : value;
    }

    private static String number(long value) {
        return value < 0 ? NONE : Long.toString(value);
    }

    private static String value(String field) {
        return field.equals(NONE) ? null : field;
    }

    private static long longValue(String field) {
        return field.equals(NONE) ? -1 : Long.parseLong(field);
    }
}
