package dev.hotswap.engine;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import com.github.difflib.DiffUtils;
import com.github.difflib.patch.AbstractDelta;

/**
 * Compares the schema of an incoming file with the live one: every {@code CREATE} statement in
 * {@code sqlite_master} (tables, indexes, views, triggers; SQLite's own {@code sqlite_%} objects left
 * out), sorted by type and name, one statement per line, diffed with java-diff-utils.
 *
 * <p>Whitespace outside quotes is collapsed to single spaces before comparing, so that a statement
 * written over several lines stays one diff line and layout alone is no mismatch.
 */
final class SchemaDiff {
    private static final String QUERY = "SELECT type, name, sql FROM sqlite_master"
            + " WHERE sql IS NOT NULL AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'";

    private SchemaDiff() {
    }

    /** The schema of {@code file} as sorted, normalized {@code CREATE} statements. */
    static List<String> read(Path file, boolean readOnly) throws SQLException {
        // Outside the pause, so it can wait for busy writers (rollback mode) longer than requests do.
        Duration busy = Duration.ofSeconds(30);
        try (Connection connection = readOnly ? Sqlite.openReadOnly(file, busy) : Sqlite.open(file, busy)) {
            return read(connection);
        }
    }

    static List<String> read(Connection connection) throws SQLException {
        record Entry(String type, String name, String sql) {
        }
        List<Entry> entries = new ArrayList<>();
        try (Statement statement = connection.createStatement(); ResultSet rows = statement.executeQuery(QUERY)) {
            while (rows.next()) {
                entries.add(new Entry(rows.getString(1), rows.getString(2), normalize(rows.getString(3))));
            }
        }
        entries.sort(Comparator.comparing(Entry::type).thenComparing(Entry::name));
        return entries.stream().map(Entry::sql).toList();
    }

    /**
     * The refusal for differing schemas, or {@code null} if they are equal: {@code ERROR: schema
     * mismatch}, then per difference {@code - } lines (live) and {@code + } lines (incoming).
     */
    static String mismatch(List<String> live, List<String> incoming) {
        if (live.equals(incoming)) {
            return null;
        }
        StringBuilder message = new StringBuilder("ERROR: schema mismatch");
        for (AbstractDelta<String> delta : DiffUtils.diff(live, incoming).getDeltas()) {
            delta.getSource().getLines().forEach(line -> message.append("\n- ").append(line));
            delta.getTarget().getLines().forEach(line -> message.append("\n+ ").append(line));
        }
        return message.toString();
    }

    /** Collapses whitespace runs outside '…', "…", `…` and […] to one space, and trims. */
    static String normalize(String sql) {
        StringBuilder out = new StringBuilder(sql.length());
        char quote = 0;
        boolean space = false;
        for (int i = 0; i < sql.length(); i++) {
            char c = sql.charAt(i);
            if (quote != 0) {
                out.append(c);
                if (c == quote) {
                    quote = 0;
                }
                continue;
            }
            if (Character.isWhitespace(c)) {
                space = true;
                continue;
            }
            if (space && out.length() > 0) {
                out.append(' ');
            }
            space = false;
            out.append(c);
            if (c == '\'' || c == '"' || c == '`') {
                quote = c;
            } else if (c == '[') {
                quote = ']';
            }
        }
        return out.toString();
    }
}
