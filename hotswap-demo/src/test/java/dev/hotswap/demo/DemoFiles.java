package dev.hotswap.demo;

import dev.hotswap.demo.core.Items;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import java.util.stream.Stream;

/** The end-to-end tests' files: demo databases, what they hold, and what the engine leaves on disk. */
final class DemoFiles {
    static final List<String> SEED = List.of("apple", "banana", "cherry");

    private DemoFiles() {
    }

    /** A new demo database at {@code file} holding {@code names}, in WAL mode, every connection closed. */
    static Path database(Path file, List<String> names) throws IOException, SQLException {
        Items.create(file, names);
        return file;
    }

    /** {@code row 0}, {@code row 1}, ... */
    static List<String> rows(int count) {
        return IntStream.range(0, count).mapToObj(i -> "row " + i).toList();
    }

    /** The names in {@code db}'s items, by id. */
    static List<String> names(Path db) throws SQLException {
        return values(db, "SELECT name FROM items ORDER BY id");
    }

    /** The first column of every row of {@code query} on {@code db}, as strings. */
    static List<String> values(Path db, String query) throws SQLException {
        try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + db);
             ResultSet rows = connection.createStatement().executeQuery(query)) {
            List<String> values = new ArrayList<>();
            while (rows.next()) {
                values.add(rows.getString(1));
            }
            return values;
        }
    }

    static void sql(Path db, String statement) throws SQLException {
        try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + db)) {
            connection.createStatement().executeUpdate(statement);
        }
    }

    /** What {@code PRAGMA integrity_check} says of {@code db}: {@code ok} for a sound file. */
    static String integrity(Path db) throws SQLException {
        try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + db);
             ResultSet rows = connection.createStatement().executeQuery("PRAGMA integrity_check")) {
            return rows.next() ? rows.getString(1) : "(no answer)";
        }
    }

    static byte[] sha256(Path file) throws IOException, NoSuchAlgorithmException {
        return MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file));
    }

    /** The generation folder of the file at {@code file} (a live path that was a regular file, or a link's target). */
    static Path folder(Path file) {
        return file.getParent().resolve(".hotswap").resolve(file.getFileName().toString());
    }

    /** Generation {@code id}'s file in {@code folder}. */
    static Path generation(Path folder, long id) {
        return folder.resolve(String.format("%06d.sqlite3", id));
    }

    /**
     * The engine's temp files for {@code live} that a crash can leave: uploads on their way to
     * becoming a generation ({@code .incoming-*} in the folder) and new links beside the live path.
     */
    static List<Path> leftovers(Path live, Path folder) throws IOException {
        List<Path> found = new ArrayList<>(list(folder, ".incoming-"));
        found.addAll(list(live.getParent(), "." + live.getFileName() + ".hotswap-"));
        return found;
    }

    /** The generation files ({@code NNNNNN.sqlite3}) in {@code folder}, sorted. */
    static List<Path> generations(Path folder) throws IOException {
        if (!Files.isDirectory(folder)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(folder)) {
            return files.filter(file -> file.getFileName().toString().matches("\\d{6,}\\.sqlite3")).sorted().toList();
        }
    }

    private static List<Path> list(Path dir, String prefix) throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(file -> file.getFileName().toString().startsWith(prefix)).toList();
        }
    }
}
