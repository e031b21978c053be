package dev.hotswap.testkit;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.StringJoiner;
import javax.sql.DataSource;

/**
 * A SQLite file with the test schema, {@code items(id, name)} for readers and {@code writes(id, note)}
 * for writers, and the exact text a reader returns for it: every item name in id order, joined by
 * commas.
 */
public record Dataset(Path file, String text) {
    /** How many items {@link #create} writes. */
    public static final int ROWS = 50;

    /** Creates {@code file}, in rollback-journal mode, with {@value #ROWS} items named {@code prefix-i}. */
    public static Dataset create(Path file, String prefix) throws SQLException {
        return create(file, prefix, false);
    }

    /** Creates {@code file} with {@value #ROWS} items named {@code prefix-1} to {@code prefix-50}. */
    public static Dataset create(Path file, String prefix, boolean wal) throws SQLException {
        StringJoiner text = new StringJoiner(",");
        try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + file)) {
            try (Statement statement = connection.createStatement()) {
                if (wal) {
                    statement.execute("PRAGMA journal_mode=WAL");
                }
                statement.execute("CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT)");
                statement.execute("CREATE TABLE writes (id INTEGER PRIMARY KEY, note TEXT)");
            }
            try (PreparedStatement insert = connection.prepareStatement("INSERT INTO items (name) VALUES (?)")) {
                for (int i = 1; i <= ROWS; i++) {
                    String name = prefix + "-" + i;
                    insert.setString(1, name);
                    insert.executeUpdate();
                    text.add(name);
                }
            }
        }
        return new Dataset(file, text.toString());
    }

    /** What a reader answers: every item name in id order, joined by commas. */
    public static String readItems(DataSource dataSource) throws SQLException {
        StringJoiner text = new StringJoiner(",");
        try (Connection connection = dataSource.getConnection();
                Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery("SELECT name FROM items ORDER BY id")) {
            while (rows.next()) {
                text.add(rows.getString(1));
            }
        }
        return text.toString();
    }

    /** What a writer does: inserts one row into {@code writes}. */
    public static void insertWrite(DataSource dataSource, String note) throws SQLException {
        try (Connection connection = dataSource.getConnection();
                PreparedStatement insert = connection.prepareStatement("INSERT INTO writes (note) VALUES (?)")) {
            insert.setString(1, note);
            if (insert.executeUpdate() != 1) {
                throw new SQLException("insert of " + note + " changed no row");
            }
        }
    }
}
