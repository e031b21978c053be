package dev.hotswap.fleet;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/** Real SQLite files for the tests, written and read through sqlite-jdbc. */
final class TestDatabases {
    /** The schema of the test databases. */
    static final String ITEMS = "CREATE TABLE items(id INTEGER PRIMARY KEY, name TEXT)";
    static final String ITEMS_WITH_PRICE = "CREATE TABLE items(id INTEGER PRIMARY KEY, name TEXT, price REAL)";

    private TestDatabases() {
    }

    /** A new database at {@code file} with {@code schema} and one row per name. */
    static Path create(Path file, String schema, String... names) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        try (Connection connection = open(file); Statement statement = connection.createStatement()) {
            statement.execute(schema);
            connection.setAutoCommit(false);
            try (PreparedStatement insert = connection.prepareStatement("INSERT INTO items(name) VALUES (?)")) {
                for (String name : names) {
                    insert.setString(1, name);
                    insert.executeUpdate();
                }
            }
            connection.commit();
        } catch (SQLException e) {
            throw new IOException("creating " + file + ": " + e.getMessage(), e);
        }
        return file;
    }

    /** A database of about {@code bytes} bytes: rows of random-ish text, for multipart uploads. */
    static Path createLarge(Path file, long bytes, String marker) throws IOException {
        create(file, ITEMS, marker);
        try (Connection connection = open(file); Statement statement = connection.createStatement()) {
            // A recursive CTE fills the file inside SQLite, far faster than row-by-row inserts.
            statement.execute("INSERT INTO items(name) WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n"
                    + " WHERE i < " + (bytes / 1100 + 1) + ") SELECT hex(randomblob(500)) FROM n");
        } catch (SQLException e) {
            throw new IOException("filling " + file + ": " + e.getMessage(), e);
        }
        return file;
    }

    /** The first three item names of {@code file}, in id order. */
    static List<String> names(Path file) throws IOException {
        try (Connection connection = open(file)) {
            return names(connection);
        } catch (SQLException e) {
            throw new IOException("reading " + file + ": " + e.getMessage(), e);
        }
    }

    /** The first three item names, in id order: what a request would read. */
    static List<String> names(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery("SELECT name FROM items ORDER BY id LIMIT 3")) {
            List<String> names = new ArrayList<>();
            while (rows.next()) {
                names.add(rows.getString(1));
            }
            return names;
        }
    }

    static Connection open(Path file) throws SQLException {
        return DriverManager.getConnection("jdbc:sqlite:" + file.toAbsolutePath());
    }
}
