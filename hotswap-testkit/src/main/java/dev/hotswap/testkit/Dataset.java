package dev.hotswap.testkit;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.StringJoiner;
import java.util.zip.CRC32;
import javax.sql.DataSource;

/**
 * A SQLite file with the test schema, {@code items(id, name)} for readers and {@code writes(id, note)}
 * for writers, the exact text a reader returns for it (every item name in id order, joined by
 * commas), and the {@linkplain #checksum checksum} of its items.
 */
public record Dataset(Path file, String text, String checksum) {
    /** How many items {@link #create(Path, String, boolean)} writes. */
    public static final int ROWS = 50;

    /** Creates {@code file}, in rollback-journal mode, with {@value #ROWS} items named {@code prefix-i}. */
    public static Dataset create(Path file, String prefix) throws SQLException {
        return create(file, prefix, false);
    }

    /** Creates {@code file} with {@value #ROWS} items named {@code prefix-1} to {@code prefix-50}. */
    public static Dataset create(Path file, String prefix, boolean wal) throws SQLException {
        return create(file, prefix, ROWS, wal);
    }

    /** Creates {@code file} with {@code rows} items named {@code prefix-1} to {@code prefix-<rows>}. */
    public static Dataset create(Path file, String prefix, int rows, boolean wal) throws SQLException {
        StringJoiner text = new StringJoiner(",");
        try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + file)) {
            try (Statement statement = connection.createStatement()) {
                if (wal) {
                    statement.execute("PRAGMA journal_mode=WAL");
                }
                statement.execute("CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT)");
                statement.execute("CREATE TABLE writes (id INTEGER PRIMARY KEY, note TEXT)");
            }
            connection.setAutoCommit(false);
            try (PreparedStatement insert = connection.prepareStatement("INSERT INTO items (name) VALUES (?)")) {
                for (int i = 1; i <= rows; i++) {
                    String name = prefix + "-" + i;
                    insert.setString(1, name);
                    insert.executeUpdate();
                    text.add(name);
                }
            }
            connection.commit();
            connection.setAutoCommit(true);
            return new Dataset(file, text.toString(), checksum(connection));
        }
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

    /** {@link #checksum(Connection)} on a connection of {@code dataSource}. */
    public static String checksum(DataSource dataSource) throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            return checksum(connection);
        }
    }

    /**
     * The count of items and a CRC-32 over every item's id and name, in id order: equal for two
     * databases exactly when they hold the same items (but for CRC collisions), however many rows.
     */
    public static String checksum(Connection connection) throws SQLException {
        CRC32 crc = new CRC32();
        long count = 0;
        try (Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery("SELECT id, name FROM items ORDER BY id")) {
            while (rows.next()) {
                crc.update((rows.getLong(1) + "=" + rows.getString(2) + ";").getBytes(StandardCharsets.UTF_8));
                count++;
            }
        }
        return count + " items, crc32 " + Long.toHexString(crc.getValue());
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
