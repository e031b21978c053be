package dev.hotswap.engine;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
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
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import dev.hotswap.protocol.DataFrameInputStream;
import dev.hotswap.protocol.DataFrameOutputStream;
import dev.hotswap.protocol.Exit;
import dev.hotswap.protocol.Frame;
import dev.hotswap.protocol.FrameReader;
import dev.hotswap.protocol.FrameType;
import dev.hotswap.protocol.FrameWriter;
import dev.hotswap.protocol.Handshake;
import dev.hotswap.protocol.Request;

import org.newsclub.net.unix.AFUNIXSocket;
import org.newsclub.net.unix.AFUNIXSocketAddress;
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

    /** The Python that tests run as another user (client scripts of a few lines). */
    static final Path PYTHON = Path.of("/usr/bin/python3");

    /**
     * Skips the test unless it can run a Python client as the user nobody (root, runuser, python3,
     * a user nobody); returns nobody's uid.
     */
    long requireRunningAsNobody() throws IOException, InterruptedException {
        Path probe = Files.createFile(dir.resolve("uid-probe"));
        long uid = ((Number) Files.getAttribute(probe, "unix:uid")).longValue();
        Files.delete(probe);
        assumeTrue(uid == 0, "needs root to run a client as another user (running as uid " + uid + ")");
        assumeTrue(Files.isExecutable(Path.of("/usr/sbin/runuser")) || Files.isExecutable(Path.of("/sbin/runuser")),
                "needs runuser (util-linux) to run a client as nobody");
        assumeTrue(Files.isExecutable(PYTHON), "needs " + PYTHON + " for the client that runs as nobody");
        Process id = new ProcessBuilder("id", "-u", "nobody").redirectErrorStream(true).start();
        String out = new String(id.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        assumeTrue(id.waitFor(10, TimeUnit.SECONDS) && id.exitValue() == 0, "needs a user nobody: " + out);
        return Long.parseLong(out);
    }

    /**
     * Mounts a tmpfs of {@code size} (e.g. {@code 256k}) at a new folder {@code name} of the fixture
     * directory; skips the test unless it can (root, CAP_SYS_ADMIN). Undo with {@link #unmount}.
     */
    Path mountTmpfs(String name, String size) throws IOException, InterruptedException {
        Path mountPoint = Files.createDirectory(dir.resolve(name));
        Process mount = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=" + size, "tmpfs", mountPoint.toString())
                .redirectErrorStream(true).start();
        String out = new String(mount.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        assumeTrue(mount.waitFor(10, TimeUnit.SECONDS) && mount.exitValue() == 0,
                "needs to mount a " + size + " tmpfs (root, CAP_SYS_ADMIN): " + out);
        return mountPoint;
    }

    /** Unmounts what {@link #mountTmpfs} mounted (null: nothing was). */
    static void unmount(Path mountPoint) throws IOException, InterruptedException {
        if (mountPoint != null) {
            new ProcessBuilder("umount", mountPoint.toString()).inheritIO().start().waitFor(10, TimeUnit.SECONDS);
        }
    }

    /** A builder managing {@code production} at {@code live}, socket in the fixture directory. */
    HotswapBuilder builder(Path live) {
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

    /**
     * Temp files of the engine left in {@code directory}: hidden temp names beside a live path, and
     * hidden files in the generation folders under {@code directory/.hotswap}; not the page hashes a
     * running engine keeps between delta pushes (PageHashCacheTest checks those go at close).
     */
    static List<String> temps(Path directory) throws IOException {
        List<String> temps = new ArrayList<>(files(directory).stream().filter(name -> name.contains(".hotswap-")).toList());
        Path generations = directory.resolve(GenerationFolder.DIRECTORY);
        if (Files.isDirectory(generations)) {
            for (String folder : files(generations)) {
                files(generations.resolve(folder)).stream()
                        .filter(name -> name.startsWith(".") && !name.startsWith(".pagehashes-"))
                        .forEach(name -> temps.add(folder + "/" + name));
            }
        }
        return temps;
    }

    /** The generation folder of a live file {@code name} in the fixture directory. */
    Path folder(String name) {
        return dir.resolve(GenerationFolder.DIRECTORY).resolve(name);
    }

    /** The file of generation {@code id} of live file {@code name} in the fixture directory. */
    Path generation(String name, long id) {
        return GenerationFolder.fileName(folder(name), id);
    }

    /** The generation ids on disk for live file {@code name}, ascending. */
    List<Long> generations(String name) throws IOException {
        if (!Files.isDirectory(folder(name))) {
            return List.of();
        }
        return files(folder(name)).stream().filter(file -> file.matches("\\d{6,}\\.sqlite3"))
                .map(file -> Long.parseLong(file.substring(0, file.indexOf('.')))).toList();
    }

    /** Content of {@code file} as SQLite sees it: every row of {@code sql} via a fresh read-only connection. */
    static List<String> rows(Path file, String sql) throws SQLException {
        SQLiteConfig config = new SQLiteConfig();
        config.setReadOnly(true);
        try (Connection connection = config.createConnection("jdbc:sqlite:" + file)) {
            return query(connection, sql);
        }
    }

    /** A client connection to {@code socket}, speaking the protocol module's frames. */
    static Client connect(Path socket) throws IOException {
        return new Client(AFUNIXSocket.connectTo(AFUNIXSocketAddress.of(socket)));
    }

    /** One client side of a conversation; frames after the handshake are collected as text lines. */
    static final class Client implements AutoCloseable {
        final AFUNIXSocket socket;
        final FrameReader in;
        final FrameWriter out;
        /** PHASE and STATUS frames seen, as "PHASE text" / "STATUS text". */
        final List<String> side = new ArrayList<>();

        Client(AFUNIXSocket socket) throws IOException {
            this.socket = socket;
            socket.setSoTimeout(20_000);
            this.in = new FrameReader(socket.getInputStream());
            this.out = new FrameWriter(socket.getOutputStream());
        }

        Client hello() throws IOException {
            Handshake.client(in, out);
            return this;
        }

        Client request(String command, String... args) throws IOException {
            out.send(new Request(command, List.of(args), java.util.Map.of()).toFrame());
            return this;
        }

        Client request(String command, java.util.Map<String, String> options, String... args) throws IOException {
            out.send(new Request(command, List.of(args), options).toFrame());
            return this;
        }

        /** Reads a DATA_OUT stream to its END. */
        byte[] data() throws IOException {
            return new DataFrameInputStream(in, FrameType.DATA_OUT, this::side).readAllBytes();
        }

        /** Uploads {@code bytes} in 4 KiB frames and END. */
        void upload(byte[] bytes) throws IOException {
            DataFrameOutputStream data = new DataFrameOutputStream(out, FrameType.DATA_IN, 4096);
            data.write(bytes);
            data.finish();
        }

        /** Reads frames until EXIT, recording PHASE and STATUS; null if the server closed first. */
        Exit exit() throws IOException {
            for (Frame frame; (frame = in.read()) != null;) {
                if (frame.type() == FrameType.EXIT) {
                    return Exit.from(frame);
                }
                side(frame);
            }
            return null;
        }

        /** The next frame (null at the end). */
        Frame next() throws IOException {
            return in.read();
        }

        /** Records a PHASE or STATUS frame in {@link #side}. */
        void side(Frame frame) {
            try {
                side.add(frame.type() + " " + frame.text());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
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
