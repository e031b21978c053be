package dev.hotswap.fleet;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * The fleet seam over real SQLite files, shaped like the engine's generations (#9) so that the
 * fleet's tests exercise real checks: every generation is a file {@code .generations/NNNNNN.sqlite3}
 * beside the live path, the live path is a symbolic link to the current one, a flip replaces the
 * link atomically. Staging runs the real checks against the real live file: the SQLite header,
 * {@code PRAGMA integrity_check}, and the {@code CREATE} statements of both schemas compared.
 * Every generation is kept (no keep policy); rollout ids live in {@code .generations/rollouts}.
 *
 * <p>Public (in the test jar) for the fleet benchmark in {@code hotswap-bench}, until the engine's
 * generations (#9) serve it.
 */
public final class SqliteNodeDatabase implements NodeDatabase {
    private static final byte[] MAGIC = "SQLite format 3\0".getBytes(StandardCharsets.US_ASCII);

    private final String name;
    private final Path live;
    private final Path generations;
    /** generation id to rollout id ("-" for local); the current one is the link's target. */
    private final TreeMap<Long, String> rollouts = new TreeMap<>();
    /** Flips since this object was created or opened. */
    private int flips = -1;

    private SqliteNodeDatabase(String name, Path live) {
        this.name = name;
        this.live = live;
        this.generations = live.resolveSibling(".generations");
    }

    /** A database served at {@code live}, starting as generation 1 with a copy of {@code initial}. */
    public static SqliteNodeDatabase create(String name, Path live, Path initial) throws IOException {
        SqliteNodeDatabase database = new SqliteNodeDatabase(name, live);
        Files.createDirectories(database.generations);
        Files.copy(initial, database.file(1));
        database.rollouts.put(1L, "-");
        database.save();
        database.link(1);
        return database;
    }

    /** The same database as another process (a restarted node) would find it on disk. */
    public static SqliteNodeDatabase open(String name, Path live) throws IOException {
        SqliteNodeDatabase database = new SqliteNodeDatabase(name, live);
        database.flips = 0;
        for (String line : Files.readAllLines(database.generations.resolve("rollouts"))) {
            String[] parts = line.split("=", 2);
            database.rollouts.put(Long.parseLong(parts[0]), parts[1]);
        }
        return database;
    }

    /** The live path: a link to the current generation. */
    public Path live() {
        return live;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public synchronized StagedFile stage(InputStream content, String rolloutId)
            throws StageRefusedException, IOException {
        long id = rollouts.lastKey() + 1;
        Path temp = generations.resolve(String.format("%06d.sqlite3.tmp", id));
        try {
            try (OutputStream out = Files.newOutputStream(temp)) {
                content.transferTo(out);
            }
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
                channel.force(true);
            }
            checkHeader(temp);
            checkIntegrity(temp);
            checkSchema(temp);
            Files.move(temp, file(id), StandardCopyOption.ATOMIC_MOVE);
        } catch (StageRefusedException | IOException | RuntimeException e) {
            Files.deleteIfExists(temp);
            throw e;
        }
        rollouts.put(id, rolloutId);
        save();
        return new Staged(id);
    }

    private final class Staged implements StagedFile {
        private final long id;
        private boolean activated;
        private boolean closed;

        Staged(long id) {
            this.id = id;
        }

        @Override
        public long generation() {
            return id;
        }

        @Override
        public long activate() throws IOException {
            synchronized (SqliteNodeDatabase.this) {
                if (closed) {
                    throw new IllegalStateException("generation " + id + " was discarded");
                }
                activated = true;
                return link(id);
            }
        }

        @Override
        public void close() throws IOException {
            synchronized (SqliteNodeDatabase.this) {
                if (activated || closed) {
                    return;
                }
                closed = true;
                Files.deleteIfExists(file(id));
                rollouts.remove(id);
                save();
            }
        }
    }

    @Override
    public synchronized DatabaseStatus status() throws IOException {
        long current = current();
        List<DatabaseStatus.Generation> kept = new ArrayList<>();
        for (Map.Entry<Long, String> entry : rollouts.descendingMap().entrySet()) {
            if (entry.getKey() != current && Files.exists(file(entry.getKey()))) {
                kept.add(generation(entry.getKey()));
            }
        }
        return new DatabaseStatus(generation(current), kept);
    }

    @Override
    public synchronized long rollback(long generation) throws StageRefusedException, IOException {
        if (!rollouts.containsKey(generation) || !Files.exists(file(generation))) {
            throw new StageRefusedException("generation " + generation + " of " + name + " is not kept");
        }
        return link(generation);
    }

    /** The generations staged but never made current, as files on disk: what an abort must leave empty. */
    synchronized List<Long> stagedFiles() throws IOException {
        long current = current();
        try (var files = Files.list(generations)) {
            return files.map(f -> f.getFileName().toString())
                    .filter(f -> f.endsWith(".sqlite3") || f.endsWith(".tmp"))
                    .map(f -> Long.parseLong(f.substring(0, 6)))
                    .filter(id -> id > current && !"-".equals(rollouts.get(id)))
                    .sorted().toList();
        }
    }

    private DatabaseStatus.Generation generation(long id) {
        String rollout = rollouts.get(id);
        return DatabaseStatus.Generation.of(id, "-".equals(rollout) ? null : rollout);
    }

    private long current() throws IOException {
        String target = Files.readSymbolicLink(live).getFileName().toString();
        return Long.parseLong(target.substring(0, 6));
    }

    /** How many times the live link was replaced since this database was created or opened. */
    synchronized int flips() {
        return Math.max(0, flips);
    }

    /** The flip: a new link under a temp name renamed over the live path; returns its pause in µs. */
    private long link(long id) throws IOException {
        flips++; // creating the first link is no flip
        Path temp = live.resolveSibling(live.getFileName() + ".link-tmp");
        Files.deleteIfExists(temp);
        Files.createSymbolicLink(temp, live.getParent().relativize(file(id)));
        long start = System.nanoTime();
        Files.move(temp, live, StandardCopyOption.ATOMIC_MOVE);
        return (System.nanoTime() - start) / 1000;
    }

    private Path file(long id) {
        return generations.resolve(String.format("%06d.sqlite3", id));
    }

    private void save() throws IOException {
        Path temp = generations.resolve("rollouts.tmp");
        Files.write(temp, rollouts.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toList());
        Files.move(temp, generations.resolve("rollouts"), StandardCopyOption.ATOMIC_MOVE);
    }

    private static void checkHeader(Path file) throws StageRefusedException, IOException {
        byte[] header;
        try (InputStream in = Files.newInputStream(file)) {
            header = in.readNBytes(100);
        }
        if (header.length < 100 || !Arrays.equals(Arrays.copyOf(header, MAGIC.length), MAGIC)) {
            throw new StageRefusedException("not a SQLite database (no \"SQLite format 3\" header)");
        }
        int raw = ((header[16] & 0xff) << 8) | (header[17] & 0xff);
        int pageSize = raw == 1 ? 65536 : raw;
        long size = Files.size(file);
        if (size % pageSize != 0) {
            throw new StageRefusedException("truncated database: " + size + " bytes is not a whole number of "
                    + pageSize + "-byte pages");
        }
    }

    private static void checkIntegrity(Path file) throws StageRefusedException {
        List<String> report = new ArrayList<>();
        try (Connection connection = TestDatabases.open(file); Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery("PRAGMA integrity_check(10)")) {
            while (rows.next()) {
                report.add(rows.getString(1));
            }
        } catch (SQLException e) {
            report.add(e.getMessage());
        }
        if (!report.equals(List.of("ok"))) {
            throw new StageRefusedException("integrity check failed\n" + String.join("\n", report));
        }
    }

    private void checkSchema(Path file) throws StageRefusedException, IOException {
        List<String> current = schema(live);
        List<String> incoming = schema(file);
        if (current.equals(incoming)) {
            return;
        }
        StringBuilder message = new StringBuilder("schema mismatch");
        current.stream().filter(s -> !incoming.contains(s)).forEach(s -> message.append("\n- ").append(s));
        incoming.stream().filter(s -> !current.contains(s)).forEach(s -> message.append("\n+ ").append(s));
        throw new StageRefusedException(message.toString());
    }

    private static List<String> schema(Path file) throws IOException {
        try (Connection connection = TestDatabases.open(file); Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery("SELECT type, name, sql FROM sqlite_master"
                        + " WHERE sql IS NOT NULL AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'")) {
            List<String[]> entries = new ArrayList<>();
            while (rows.next()) {
                entries.add(new String[] {rows.getString(1), rows.getString(2),
                        rows.getString(3).replaceAll("\\s+", " ").trim()});
            }
            entries.sort(Comparator.<String[], String>comparing(e -> e[0]).thenComparing(e -> e[1]));
            return entries.stream().map(e -> e[2]).collect(Collectors.toList());
        } catch (SQLException e) {
            throw new IOException("reading the schema of " + file + ": " + e.getMessage(), e);
        }
    }
}
