package dev.hotswap.cli;

import dev.hotswap.engine.Hotswap;
import dev.hotswap.engine.HotswapBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

/**
 * A real engine for end-to-end tests: a temp directory under /tmp (socket paths stay short), SQLite
 * files made from SQL, and {@code Hotswap} managing {@code production} with its admin socket. The
 * live path starts as a regular file, which the engine adopts as generation 1.
 */
final class EngineServer implements AutoCloseable {
    /** The live database's schema. */
    static final String[] SCHEMA = {
        "CREATE TABLE meta (version INTEGER NOT NULL)",
        "CREATE TABLE posts (id INTEGER PRIMARY KEY, title TEXT NOT NULL)",
    };

    final Path dir;
    final Path live;
    final Path socket;
    private final Hotswap engine;

    private EngineServer(UnaryOperator<HotswapBuilder> settings) throws IOException, SQLException {
        dir = Files.createTempDirectory(Path.of("/tmp"), "hs");
        live = Files.createDirectories(dir.resolve("db")).resolve("production.sqlite3");
        database(live, 1);
        socket = dir.resolve("s/hotswap.sock");
        engine = settings.apply(Hotswap.builder().database("production", live).socket(socket)).build().start();
    }

    /** Starts an engine managing {@code production} at version 1, keeping 1 earlier generation. */
    static EngineServer start() throws IOException, SQLException {
        return start(1);
    }

    /** Starts an engine managing {@code production} at version 1, keeping {@code keep} earlier generations. */
    static EngineServer start(int keep) throws IOException, SQLException {
        return new EngineServer(builder -> builder.keep(keep));
    }

    /** Starts an engine managing {@code production} at version 1, keeping 1, with {@code settings} on its builder. */
    static EngineServer start(UnaryOperator<HotswapBuilder> settings) throws IOException, SQLException {
        return new EngineServer(builder -> settings.apply(builder.keep(1)));
    }

    /** The file of generation {@code id} in the generation folder beside the live path. */
    Path generation(long id) {
        return dir.resolve(String.format("db/.hotswap/production.sqlite3/%06d.sqlite3", id));
    }

    /** Creates {@code file} with {@link #SCHEMA} at meta version {@code version}. */
    static Path database(Path file, int version) throws SQLException {
        List<String> sql = new ArrayList<>(List.of(SCHEMA));
        sql.add("INSERT INTO meta VALUES (" + version + ")");
        sql.add("INSERT INTO posts (title) VALUES ('post of version " + version + "')");
        return run(file, sql.toArray(String[]::new));
    }

    /** Creates {@code file} by running {@code sql}. */
    static Path run(Path file, String... sql) throws SQLException {
        try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + file);
                Statement statement = connection.createStatement()) {
            for (String line : sql) {
                statement.execute(line);
            }
        }
        return file;
    }

    /** The meta version of the SQLite file {@code file}. */
    static int version(Path file) throws SQLException {
        try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + file);
                Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery("SELECT version FROM meta")) {
            return rows.next() ? rows.getInt(1) : -1;
        }
    }

    /** The generation files in the folder, and any hidden temp file beside them or the live path. */
    List<String> generationFolder() throws IOException {
        List<String> names = new ArrayList<>();
        for (Path folder : List.of(dir.resolve("db"), dir.resolve("db/.hotswap/production.sqlite3"))) {
            try (Stream<Path> files = Files.list(folder)) {
                // The page hashes a delta's base copy leaves are the current generation's, kept for
                // the next push (PageHashCache): the engine's cache, not something a push left behind.
                files.map(file -> file.getFileName().toString())
                        .filter(name -> !name.equals(".hotswap") && !name.startsWith(".pagehashes-"))
                        .sorted().forEach(names::add);
            }
        }
        return names;
    }

    /** The meta version the engine serves now, read through its own pool. */
    int liveVersion() throws SQLException {
        try (Connection connection = engine.dataSource("production").getConnection();
                Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery("SELECT version FROM meta")) {
            return rows.next() ? rows.getInt(1) : -1;
        }
    }

    /** Closes the engine and leaves its files, for a test to look at what it left. */
    void stop() {
        engine.close();
    }

    @Override
    public void close() throws IOException {
        engine.close();
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(path -> {
                try {
                    Files.deleteIfExists(path);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
    }
}
