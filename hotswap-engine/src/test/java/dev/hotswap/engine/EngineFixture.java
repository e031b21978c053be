package dev.hotswap.engine;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.sqlite.SQLiteConfig;

/**
 * The shared test fixture: a temp directory under /tmp (short enough for a Unix socket path), SQLite
 * files made from SQL, and a few ways to look at them. Close it to delete everything.
 */
final class EngineFixture implements AutoCloseable {
    /** The schema most tests use. */
    static final String[] SCHEMA = {
        "CREATE TABLE meta (version INTEGER NOT NULL)",
        "CREATE TABLE items (id INTEGER PRIMARY KEY, version INTEGER NOT NULL, name TEXT)",
        "CREATE INDEX items_version ON items (version)",
        "CREATE TABLE log (id INTEGER PRIMARY KEY, note TEXT)",
    };

    final Path dir;

    EngineFixture() {
        try {
            dir = Files.createTempDirectory(Path.of("/tmp"), "hs");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A short socket path in the fixture directory. */
    Path socket() {
        return dir.resolve("s/hotswap.sock");
    }

    /** Creates {@code name} in the fixture directory by running {@code sql}; WAL mode if asked. */
    Path database(String name, boolean wal, String... sql) throws SQLException {
        Path file = dir.resolve(name);
        try (Connection connection = new SQLiteConfig().createConnection("jdbc:sqlite:" + file);
                Statement statement = connection.createStatement()) {
            if (wal) {
                statement.execute("PRAGMA journal_mode=WAL");
            }
            for (String line : sql) {
                statement.execute(line);
            }
        }
        return file;
    }

    /** A database with {@link #SCHEMA}, meta version {@code version} and {@code rows} items of that version. */
    Path versioned(String name, boolean wal, int version, int rows) throws SQLException {
        List<String> sql = new ArrayList<>(List.of(SCHEMA));
        sql.add("INSERT INTO meta VALUES (" + version + ")");
        sql.add("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < " + rows + ")"
                + " INSERT INTO items (version, name) SELECT " + version + ", 'item ' || i FROM n");
        return database(name, wal, sql.toArray(String[]::new));
    }

    /** A builder managing {@code production} at {@code live}, socket in the fixture directory. */
    Hotswap.Builder builder(Path live) {
        return Hotswap.builder().database("production", live).socket(socket());
    }

    /** The first column of every row of {@code sql} on {@code file}, as strings. */
    static List<String> query(Path file, String sql) throws SQLException {
        try (Connection connection = new SQLiteConfig().createConnection("jdbc:sqlite:" + file)) {
            return query(connection, sql);
        }
    }

    static List<String> query(Connection connection, String sql) throws SQLException {
        List<String> values = new ArrayList<>();
        try (Statement statement = connection.createStatement(); ResultSet rows = statement.executeQuery(sql)) {
            while (rows.next()) {
                values.add(rows.getString(1));
            }
        }
        return values;
    }

    static byte[] bytes(Path file) throws IOException {
        return Files.readAllBytes(file);
    }

    /** Names of the files in the fixture directory (one level), sorted. */
    List<String> files() throws IOException {
        return files(dir);
    }

    static List<String> files(Path directory) throws IOException {
        try (Stream<Path> entries = Files.list(directory)) {
            return entries.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    /** Hidden temp files of the engine in {@code directory}. */
    static List<String> temps(Path directory) throws IOException {
        return files(directory).stream().filter(name -> name.contains(".hotswap-")).toList();
    }

    @Override
    public void close() throws IOException {
        Files.walkFileTree(dir, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.deleteIfExists(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path directory, IOException e) throws IOException {
                Files.deleteIfExists(directory);
                return FileVisitResult.CONTINUE;
            }
        });
    }
}
