package dev.hotswap.demo.core;

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
import java.util.Objects;
import javax.sql.DataSource;

/**
 * The demo's one table, {@code items(id INTEGER PRIMARY KEY, name TEXT)}, read and written through
 * a {@link DataSource}: the engine's, or the one a framework's hotswap integration makes, so that
 * every query runs on the generation its request (or job) is pinned to.
 */
public final class Items {
    /** The table every demo database has, on every server, so that any demo's file can be pushed to any other. */
    public static final String SCHEMA = "CREATE TABLE items(id INTEGER PRIMARY KEY, name TEXT)";
    /** The rows of a new demo database. */
    public static final List<String> SAMPLE = List.of("apple", "banana", "cherry");

    private final DataSource dataSource;

    /** The table in the database behind {@code dataSource}. */
    public Items(DataSource dataSource) {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
    }

    /** Every name, ordered by id. */
    public List<String> names() throws SQLException {
        try (Connection connection = dataSource.getConnection();
             Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("SELECT name FROM items ORDER BY id")) {
            List<String> names = new ArrayList<>();
            while (rows.next()) {
                names.add(rows.getString(1));
            }
            return names;
        }
    }

    /** Inserts a row named {@code name}. */
    public void add(String name) throws SQLException {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement insert = connection.prepareStatement("INSERT INTO items(name) VALUES (?)")) {
            insert.setString(1, name);
            insert.executeUpdate();
        }
    }

    /**
     * Gives a database that has no {@code items} table (one the engine created empty at start) the
     * table and the {@link #SAMPLE} rows, in one transaction; leaves one that has it alone, as an
     * app's migrations would.
     *
     * @return whether it created the table
     */
    public boolean seedIfEmpty() throws SQLException {
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
            try (ResultSet tables = statement.executeQuery("SELECT count(*) FROM sqlite_master WHERE name = 'items'")) {
                if (tables.next() && tables.getInt(1) > 0) {
                    return false;
                }
            }
            // The pool hands the connection on in auto-commit, rolled back if this fails.
            connection.setAutoCommit(false);
            statement.executeUpdate(SCHEMA);
            insert(connection, SAMPLE);
            connection.commit();
            return true;
        }
    }

    /**
     * Writes a new demo database at {@code db} (its folders too) holding {@code names}, in order, in
     * WAL mode: what a web app with concurrent readers and writers runs (the engine keeps the live
     * mode on a swap). Needs the SQLite JDBC driver at run time.
     */
    public static void create(Path db, List<String> names) throws IOException, SQLException {
        Files.createDirectories(db.toAbsolutePath().getParent());
        try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + db);
             Statement statement = connection.createStatement()) {
            statement.execute("PRAGMA journal_mode=WAL");
            statement.executeUpdate(SCHEMA);
            connection.setAutoCommit(false);
            insert(connection, names);
            connection.commit();
        }
    }

    /** The names as a JSON array of strings, as {@code GET /items} serves them. */
    public static String json(List<String> names) {
        StringBuilder json = new StringBuilder("[");
        for (String name : names) {
            if (json.length() > 1) {
                json.append(',');
            }
            json.append('"');
            name.codePoints().forEach(c -> {
                switch (c) {
                    case '"' -> json.append("\\\"");
                    case '\\' -> json.append("\\\\");
                    case '\n' -> json.append("\\n");
                    case '\r' -> json.append("\\r");
                    case '\t' -> json.append("\\t");
                    default -> {
                        if (c < 0x20) {
                            json.append(String.format("\\u%04x", c));
                        } else {
                            json.appendCodePoint(c);
                        }
                    }
                }
            });
            json.append('"');
        }
        return json.append(']').toString();
    }

    private static void insert(Connection connection, List<String> names) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement("INSERT INTO items(name) VALUES (?)")) {
            for (String name : names) {
                insert.setString(1, name);
                insert.executeUpdate();
            }
        }
    }
}
