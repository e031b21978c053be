package dev.hotswap.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.SplittableRandom;

import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteOpenMode;

/**
 * The SQLite files the benchmarks serve: {@code items} rows of about {@code rowBytes} bytes each,
 * every row tagged with the file's {@code version}, so a reader can tell which file it read and
 * that one read never mixed two.
 */
final class BenchDatabase {
    /** The table every read queries; {@code version} tells the file apart. */
    static final String QUERY = "SELECT id, name, body, version FROM items WHERE id BETWEEN ? AND ?";

    private BenchDatabase() {
    }

    /**
     * Creates {@code file}: {@code rows} items of ~{@code rowBytes} each plus an index, in WAL or
     * rollback mode, with no side file left once it is closed.
     */
    static Path build(Path file, int version, int rows, int rowBytes, boolean wal) throws SQLException, IOException {
        Files.deleteIfExists(file);
        SplittableRandom random = new SplittableRandom(version);
        String words = "lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod tempor incididunt ut"
                + " labore et dolore magna aliqua ";
        try (Connection connection = new SQLiteConfig().createConnection("jdbc:sqlite:" + file);
                Statement statement = connection.createStatement()) {
            statement.execute("PRAGMA journal_mode=" + (wal ? "WAL" : "DELETE"));
            statement.execute("CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT NOT NULL, body TEXT NOT NULL,"
                    + " version INTEGER NOT NULL)");
            statement.execute("CREATE INDEX items_name ON items (name)");
            connection.setAutoCommit(false);
            try (PreparedStatement insert = connection.prepareStatement(
                    "INSERT INTO items (id, name, body, version) VALUES (?, ?, ?, ?)")) {
                StringBuilder body = new StringBuilder(rowBytes + words.length());
                for (int id = 1; id <= rows; id++) {
                    body.setLength(0);
                    while (body.length() < rowBytes) {
                        int start = random.nextInt(words.length() - 10);
                        body.append(words, start, start + 10);
                    }
                    body.setLength(rowBytes);
                    insert.setInt(1, id);
                    insert.setString(2, "item " + Long.toHexString(random.nextLong()));
                    insert.setString(3, body.toString());
                    insert.setInt(4, version);
                    insert.addBatch();
                    if (id % 1000 == 0) {
                        insert.executeBatch();
                    }
                }
                insert.executeBatch();
            }
            connection.commit();
        }
        for (String side : List.of("-wal", "-shm", "-journal")) {
            if (Files.exists(Path.of(file + side))) {
                throw new IOException(file + side + " remains after the last connection closed");
            }
        }
        return file;
    }

    /** Opens {@code file} as the engine's pool does: read-write, never creating it, 5 s busy timeout. */
    static Connection open(Path file) throws SQLException {
        SQLiteConfig config = new SQLiteConfig();
        config.resetOpenMode(SQLiteOpenMode.CREATE);
        config.setBusyTimeout(5000);
        return config.createConnection("jdbc:sqlite:" + file.toAbsolutePath());
    }
}
