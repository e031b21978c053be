package dev.hotswap.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.channels.FileChannel;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Queue;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.LogManager;

import javax.sql.DataSource;

import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteOpenMode;

import dev.hotswap.engine.Hotswap;
import dev.hotswap.engine.PushOptions;
import dev.hotswap.engine.SwapGate;
import dev.hotswap.engine.SwapListener;
import dev.hotswap.engine.SwapReport;

/**
 * The swap pause under load: an in-process engine ({@code socketEnabled(false)}) manages a SQLite
 * file of realistic size; N reader threads run requests through the engine's gate and data source
 * ({@code gate.enter()}, one indexed range query, {@code gate.leave()}) while the main thread pushes
 * two files in turn with every check on. Reports, per reader count, the distribution of
 * {@link SwapReport#pauseMicros()} and of each step's time, and every read that completed or failed.
 *
 * <p>Where the pause goes: a {@link SwapListener} (public API) is told {@code beforeSwap} right after
 * the drain and {@code afterSwap} right before the gate reopens, so the pause splits into
 * <em>drain</em> (closing the gate until no request is in flight, plus reopening it) and
 * <em>file work</em> (closing the pool, checkpointing the old file, the rename, the directory fsync,
 * opening the new file). Readers stamp the time just before each {@code leave()}, which splits the
 * drain (estimated: its start is taken as {@code afterSwap} minus the pause) into waiting for the
 * requests in flight and the swapping thread's wake-up after the last of them left. A replica of the
 * file work, timed step by step on the same directory without the engine, splits the file work.
 *
 * <pre>
 * java -cp hotswap-bench.jar dev.hotswap.bench.SwapPause [--readers 0,2,8] [--pushes 40] [--warmup 5]
 *     [--rows 10000] [--row-bytes 400] [--journal wal|delete] [--interval-ms 50] [--replica 20]
 *     [--dir PATH]
 * </pre>
 */
public final class SwapPause {
    private static final String DATABASE = "bench";
    /** Rows per read request: a page of results. */
    private static final int PAGE = 20;
    private static final String QUERY = "SELECT id, name, body, version FROM items WHERE id BETWEEN ? AND ?";
    /** At most this many failures are kept with their stack traces; all are counted. */
    private static final int KEPT_FAILURES = 5;

    private SwapPause() {
    }

    /** What to run; see the class comment for the flags. */
    record Settings(List<Integer> readers, int pushes, int warmup, int rows, int rowBytes, boolean wal,
            long intervalMillis, int replica, Path dir) {

        /** The settings {@code args} ask for, or null if they ask for help. */
        static Settings parse(String[] args) {
            List<Integer> readers = List.of(0, 2, 8);
            int pushes = 40;
            int warmup = 5;
            int rows = 10_000;
            int rowBytes = 400;
            boolean wal = true;
            long interval = 50;
            int replica = 20;
            Path dir = null;
            for (int i = 0; i < args.length; i++) {
                String flag = args[i];
                if (flag.equals("-h") || flag.equals("--help")) {
                    return null;
                }
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException("flag " + flag + " needs a value");
                }
                String value = args[++i];
                switch (flag) {
                    case "--readers" -> readers = counts(flag, value, 0, 256);
                    case "--pushes" -> pushes = count(flag, value, 1, 100_000);
                    case "--warmup" -> warmup = count(flag, value, 0, 100_000);
                    case "--rows" -> rows = count(flag, value, PAGE, 100_000_000);
                    case "--row-bytes" -> rowBytes = count(flag, value, 1, 1_000_000);
                    case "--interval-ms" -> interval = count(flag, value, 0, 60_000);
                    case "--replica" -> replica = count(flag, value, 0, 100_000);
                    case "--dir" -> dir = Path.of(value);
                    case "--journal" -> {
                        if (!value.equals("wal") && !value.equals("delete")) {
                            throw new IllegalArgumentException("--journal " + value + " must be wal or delete");
                        }
                        wal = value.equals("wal");
                    }
                    default -> throw new IllegalArgumentException("unknown flag " + flag);
                }
            }
            return new Settings(readers, pushes, warmup, rows, rowBytes, wal, interval, replica, dir);
        }

        private static int count(String flag, String value, int min, int max) {
            int n;
            try {
                n = Integer.parseInt(value.trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(flag + " " + value + " is not a number", e);
            }
            if (n < min || n > max) {
                throw new IllegalArgumentException(flag + " " + n + " is outside " + min + ".." + max);
            }
            return n;
        }

        private static List<Integer> counts(String flag, String value, int min, int max) {
            List<Integer> counts = new ArrayList<>();
            for (String part : value.split(",")) {
                counts.add(count(flag, part, min, max));
            }
            return List.copyOf(counts);
        }
    }

    public static void main(String[] args) throws Exception {
        String usage = "usage: SwapPause [--readers 0,2,8] [--pushes 40] [--warmup 5] [--rows 10000]"
                + " [--row-bytes 400] [--journal wal|delete] [--interval-ms 50] [--replica 20] [--dir PATH]";
        Settings settings;
        try {
            settings = Settings.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("swap pause: " + e.getMessage());
            System.err.println(usage);
            System.exit(2);
            return;
        }
        if (settings == null) {
            System.out.println(usage);
            return;
        }
        quietEngineLogs();
        boolean ownDir = settings.dir() == null;
        Path dir = ownDir ? Files.createTempDirectory("hotswap-bench") : Files.createDirectories(settings.dir());
        try {
            run(settings, dir, System.out);
        } finally {
            if (ownDir) {
                deleteTree(dir);
            }
        }
    }

    private static void run(Settings settings, Path dir, PrintStream out) throws Exception {
        Machine.Usage runStart = Machine.Usage.now();
        progress("building two databases of " + settings.rows() + " rows in " + dir);
        Path first = build(dir.resolve("one.sqlite3"), 1, settings);
        Path second = build(dir.resolve("two.sqlite3"), 2, settings);
        long size = Files.size(first);

        out.println("# Swap pause under load");
        out.println();
        out.println(Machine.describe());
        out.println(String.format(Locale.ROOT, "- database: %d rows of ~%d bytes, %.1f MB (%d and %d bytes),"
                + " %s mode, in %s", settings.rows(), settings.rowBytes(), size / 1e6, size, Files.size(second),
                settings.wal() ? "WAL" : "rollback (delete)", dir));
        out.println("- pushes: " + settings.pushes() + " measured after " + settings.warmup()
                + " warm-up, alternating the two files, every check on (PushOptions.defaults()), "
                + settings.intervalMillis() + " ms apart");
        out.println("- a read: gate.enter(); a pooled connection from hotswap.dataSource(); " + PAGE
                + " rows by primary-key range, checked to come from one file; gate.leave()");

        for (int readers : settings.readers()) {
            progress("readers " + readers + ": " + (settings.warmup() + settings.pushes()) + " pushes");
            Path live = dir.resolve("live.sqlite3");
            Files.copy(first, live, StandardCopyOption.REPLACE_EXISTING);
            Machine.Usage usage = Machine.Usage.now();
            Run run = measure(settings, live, first, second, readers);
            print(out, readers, run, Machine.Usage.now().othersSince(usage));
            for (String side : List.of("", "-wal", "-shm", "-journal")) {
                Files.deleteIfExists(dir.resolve("live.sqlite3" + side));
            }
        }
        if (settings.replica() > 0) {
            progress("replica of the file work: " + settings.replica() + " rounds");
            printReplica(out, replica(settings, dir, first, second), settings);
        }
        out.println();
        out.println("During the run: " + Machine.Usage.now().othersSince(runStart) + ".");
    }

    /** The samples of one reader count. */
    private static final class Run {
        final int allPushes;
        final long[] pause;
        final long[] drain;
        final long[] inFlightWait;
        final long[] wakeUp;
        final long[] fileWork;
        final long[] receive;
        final long[] integrity;
        final long[] schema;
        final long[] swap;
        final long[] push;
        int done;
        long reads;
        long failures;
        long versionChanges;
        final Queue<Throwable> kept = new ConcurrentLinkedQueue<>();
        Distribution readLatency = Distribution.of(new long[0], 0);
        Duration elapsed = Duration.ZERO;

        Run(int pushes, int warmup) {
            this.allPushes = warmup + pushes;
            pause = new long[pushes];
            drain = new long[pushes];
            inFlightWait = new long[pushes];
            wakeUp = new long[pushes];
            fileWork = new long[pushes];
            receive = new long[pushes];
            integrity = new long[pushes];
            schema = new long[pushes];
            swap = new long[pushes];
            push = new long[pushes];
        }

        void add(SwapReport report, long pushNanos, SwapTimes times) {
            int i = done++;
            pause[i] = report.pauseMicros();
            fileWork[i] = (times.after - times.before) / 1000;
            drain[i] = Math.max(0, pause[i] - fileWork[i]);
            long drainStart = times.after - report.pauseMicros() * 1000;
            long lastLeave = Math.max(drainStart, times.lastLeave);
            inFlightWait[i] = Math.max(0, lastLeave - drainStart) / 1000;
            wakeUp[i] = Math.max(0, times.before - lastLeave) / 1000;
            receive[i] = report.receive().toNanos() / 1000;
            integrity[i] = report.integrityCheck().toNanos() / 1000;
            schema[i] = report.schemaCheck().toNanos() / 1000;
            swap[i] = report.swap().toNanos() / 1000;
            push[i] = pushNanos / 1000;
        }
    }

    /**
     * Tells when the drain ended, when the last request before it left, and when the file work ended.
     * Called on the pushing thread, which reads the fields after {@code push} returns.
     */
    private static final class SwapTimes implements SwapListener {
        private final List<Reader> readers;
        volatile long before;
        volatile long after;
        volatile long lastLeave;

        SwapTimes(List<Reader> readers) {
            this.readers = readers;
        }

        @Override
        public void beforeSwap(String database, Path path) {
            before = System.nanoTime();
            long last = Long.MIN_VALUE;
            for (Reader reader : readers) {
                last = Math.max(last, reader.leaving);
            }
            lastLeave = last;
        }

        @Override
        public void afterSwap(String database, Path path) {
            after = System.nanoTime();
        }
    }

    private static Run measure(Settings settings, Path live, Path first, Path second, int readerCount)
            throws Exception {
        Run run = new Run(settings.pushes(), settings.warmup());
        AtomicBoolean stop = new AtomicBoolean();
        List<Reader> readers = new ArrayList<>();
        SwapTimes times = new SwapTimes(readers);
        long started = System.nanoTime();
        try (Hotswap hotswap = Hotswap.builder()
                .database(DATABASE, live)
                .socketEnabled(false)
                .listener(times)
                .build()
                .start()) {
            for (int i = 0; i < readerCount; i++) {
                readers.add(new Reader(i, hotswap.gate(), hotswap.dataSource(DATABASE), settings.rows(), stop,
                        run.kept));
            }
            try {
                readers.forEach(reader -> reader.thread.start());
                // Every reader is past its first connection and query before the first push.
                for (Reader reader : readers) {
                    while (reader.reads < 10 && reader.thread.isAlive()) {
                        Thread.sleep(1);
                    }
                }
                for (int i = 0; i < settings.warmup() + settings.pushes(); i++) {
                    Path source = i % 2 == 0 ? second : first;
                    long pushStarted = System.nanoTime();
                    SwapReport report;
                    try (InputStream content = Files.newInputStream(source)) {
                        report = hotswap.push(DATABASE, content, PushOptions.defaults());
                    }
                    long pushNanos = System.nanoTime() - pushStarted;
                    if (i >= settings.warmup()) {
                        run.add(report, pushNanos, times);
                    }
                    Thread.sleep(settings.intervalMillis());
                }
            } finally {
                // Readers stop before the engine closes its data source under them.
                stop.set(true);
                for (Reader reader : readers) {
                    reader.thread.join(Duration.ofSeconds(30).toMillis());
                    if (reader.thread.isAlive()) {
                        throw new IllegalStateException(reader.thread.getName() + " did not stop within 30 s");
                    }
                }
            }
        }
        run.elapsed = Duration.ofNanos(System.nanoTime() - started);
        int total = 0;
        for (Reader reader : readers) {
            run.reads += reader.reads;
            run.failures += reader.failures;
            run.versionChanges += reader.versionChanges;
            total += reader.latencyCount;
        }
        long[] latencies = new long[total];
        int at = 0;
        for (Reader reader : readers) {
            System.arraycopy(reader.latencies, 0, latencies, at, reader.latencyCount);
            at += reader.latencyCount;
        }
        run.readLatency = Distribution.of(latencies, total);
        return run;
    }

    /**
     * One reader thread: requests through the gate until told to stop. A failed request is counted and
     * the reader goes on, as a server would with the next request. Fields are read after {@code join}.
     */
    private static final class Reader implements Runnable {
        final Thread thread;
        private final SwapGate gate;
        private final DataSource data;
        private final int rows;
        private final AtomicBoolean stop;
        private final Queue<Throwable> kept;
        private final SplittableRandom random;
        volatile long reads;
        /** {@link System#nanoTime()} just before the latest {@code leave()}. */
        volatile long leaving = Long.MIN_VALUE;
        long failures;
        long versionChanges;
        long[] latencies = new long[1 << 14];
        int latencyCount;

        Reader(int index, SwapGate gate, DataSource data, int rows, AtomicBoolean stop, Queue<Throwable> kept) {
            this.gate = gate;
            this.data = data;
            this.rows = rows;
            this.stop = stop;
            this.kept = kept;
            this.random = new SplittableRandom(index);
            this.thread = new Thread(this, "reader-" + index);
            this.thread.setDaemon(true);
        }

        @Override
        public void run() {
            int lastVersion = 0;
            while (!stop.get()) {
                int from = 1 + random.nextInt(rows - PAGE + 1);
                long started = System.nanoTime();
                try {
                    int version = read(from);
                    long latency = System.nanoTime() - started;
                    if (latencyCount == latencies.length) {
                        latencies = Arrays.copyOf(latencies, latencies.length * 2);
                    }
                    latencies[latencyCount++] = latency / 1000;
                    if (lastVersion != 0 && version != lastVersion) {
                        versionChanges++;
                    }
                    lastVersion = version;
                    reads++;
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                } catch (Exception | AssertionError e) {
                    failures++;
                    if (kept.size() < KEPT_FAILURES) {
                        kept.add(e);
                    }
                }
            }
        }

        /** One request; returns the version of the file it read. */
        private int read(int from) throws InterruptedException, SQLException {
            gate.enter();
            try (Connection connection = data.getConnection();
                    PreparedStatement statement = connection.prepareStatement(QUERY)) {
                statement.setInt(1, from);
                statement.setInt(2, from + PAGE - 1);
                int count = 0;
                int version = 0;
                long bytes = 0;
                try (ResultSet row = statement.executeQuery()) {
                    while (row.next()) {
                        count++;
                        bytes += row.getString(2).length() + row.getString(3).length();
                        int rowVersion = row.getInt(4);
                        if (version != 0 && rowVersion != version) {
                            throw new AssertionError("one read saw versions " + version + " and " + rowVersion);
                        }
                        version = rowVersion;
                    }
                }
                if (count != PAGE || bytes == 0) {
                    throw new AssertionError("read " + count + " rows from " + from + ", expected " + PAGE);
                }
                return version;
            } finally {
                leaving = System.nanoTime();
                gate.leave();
            }
        }
    }

    /** Creates {@code file}: {@code rows} items of ~rowBytes each, every row tagged {@code version}. */
    private static Path build(Path file, int version, Settings settings) throws SQLException, IOException {
        Files.deleteIfExists(file);
        SplittableRandom random = new SplittableRandom(version);
        String words = "lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod tempor incididunt ut"
                + " labore et dolore magna aliqua ";
        try (Connection connection = new SQLiteConfig().createConnection("jdbc:sqlite:" + file);
                Statement statement = connection.createStatement()) {
            statement.execute("PRAGMA journal_mode=" + (settings.wal() ? "WAL" : "DELETE"));
            statement.execute("CREATE TABLE meta (version INTEGER NOT NULL)");
            statement.execute("CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT NOT NULL, body TEXT NOT NULL,"
                    + " version INTEGER NOT NULL)");
            statement.execute("CREATE INDEX items_name ON items (name)");
            statement.execute("INSERT INTO meta VALUES (" + version + ")");
            connection.setAutoCommit(false);
            try (PreparedStatement insert = connection.prepareStatement(
                    "INSERT INTO items (id, name, body, version) VALUES (?, ?, ?, ?)")) {
                StringBuilder body = new StringBuilder(settings.rowBytes() + words.length());
                for (int id = 1; id <= settings.rows(); id++) {
                    body.setLength(0);
                    while (body.length() < settings.rowBytes()) {
                        int start = random.nextInt(words.length() - 10);
                        body.append(words, start, start + 10);
                    }
                    body.setLength(settings.rowBytes());
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

    /**
     * Per step of the file work, the replica's samples in µs; the last two from a second pass in which
     * the old file keeps a hard link through the rename and is unlinked afterwards.
     */
    private record Replica(long[] closePool, long[] checkpoint, long[] rename, long[] syncDirectory, long[] open,
            long[] renameKeepingOld, long[] unlinkOld) {
    }

    /**
     * The swap's file work done by hand, in the engine's order, on a copy of the database in the same
     * directory: close the one pooled connection (it has read, so the WAL is open), open a connection
     * and checkpoint-truncate and close it, rename the new file over the live one, fsync the directory,
     * open the new file (the engine's warm-up). The temp file is written and fsynced outside the timing,
     * as the engine does before the pause. Not timed: the engine's few header reads and side-file checks.
     *
     * <p>A second pass of as many rounds tries one change: before the rename, the live file gets a
     * second hard link, so the rename does not drop the old file's last link (and free its blocks);
     * the link is removed afterwards, which is timed on its own.
     */
    private static Replica replica(Settings settings, Path dir, Path first, Path second)
            throws IOException, SQLException {
        int rounds = settings.replica();
        Replica replica = new Replica(new long[rounds], new long[rounds], new long[rounds], new long[rounds],
                new long[rounds], new long[rounds], new long[rounds]);
        Path live = dir.resolve("replica.sqlite3");
        Path temp = dir.resolve(".replica.sqlite3.tmp");
        Path old = dir.resolve(".replica.sqlite3.old");
        Files.copy(first, live, StandardCopyOption.REPLACE_EXISTING);
        Connection pooled = open(live);
        try {
            for (int i = 0; i < 2 * rounds; i++) {
                boolean keepOld = i >= rounds;
                Files.copy(i % 2 == 0 ? second : first, temp, StandardCopyOption.REPLACE_EXISTING);
                try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
                    channel.force(true);
                }
                try (Statement statement = pooled.createStatement();
                        ResultSet row = statement.executeQuery("SELECT count(*) FROM meta")) {
                    row.next();
                }

                long t0 = System.nanoTime();
                pooled.close();
                long t1 = System.nanoTime();
                try (Connection quiesce = open(live); Statement statement = quiesce.createStatement();
                        ResultSet row = statement.executeQuery(settings.wal()
                                ? "PRAGMA wal_checkpoint(TRUNCATE)" : "SELECT count(*) FROM sqlite_master")) {
                    row.next();
                }
                if (keepOld) {
                    Files.createLink(old, live);
                }
                long t2 = System.nanoTime();
                Files.move(temp, live, StandardCopyOption.ATOMIC_MOVE);
                long t3 = System.nanoTime();
                try (FileChannel directory = FileChannel.open(dir, StandardOpenOption.READ)) {
                    directory.force(true);
                }
                long t4 = System.nanoTime();
                pooled = open(live);
                long t5 = System.nanoTime();

                if (keepOld) {
                    long t6 = System.nanoTime();
                    Files.delete(old);
                    long t7 = System.nanoTime();
                    replica.renameKeepingOld()[i - rounds] = (t3 - t2) / 1000;
                    replica.unlinkOld()[i - rounds] = (t7 - t6) / 1000;
                    continue;
                }
                replica.closePool()[i] = (t1 - t0) / 1000;
                replica.checkpoint()[i] = (t2 - t1) / 1000;
                replica.rename()[i] = (t3 - t2) / 1000;
                replica.syncDirectory()[i] = (t4 - t3) / 1000;
                replica.open()[i] = (t5 - t4) / 1000;
            }
        } finally {
            pooled.close();
            Files.deleteIfExists(temp);
            Files.deleteIfExists(old);
            for (String side : List.of("", "-wal", "-shm", "-journal")) {
                Files.deleteIfExists(Path.of(live + side));
            }
        }
        return replica;
    }

    /** Opens {@code file} as the engine does: read-write, never creating it, 5 s busy timeout. */
    private static Connection open(Path file) throws SQLException {
        SQLiteConfig config = new SQLiteConfig();
        config.resetOpenMode(SQLiteOpenMode.CREATE);
        config.setBusyTimeout(5000);
        return config.createConnection("jdbc:sqlite:" + file.toAbsolutePath());
    }

    private static void print(PrintStream out, int readers, Run run, String others) {
        out.println();
        out.println(String.format(Locale.ROOT, "## %d reader thread%s (%d pushes measured, %.1f s in all)",
                readers, readers == 1 ? "" : "s", run.done, run.elapsed.toMillis() / 1000.0));
        out.println();
        out.println("Meanwhile: " + others + ".");
        out.println();
        out.println("| step | min | median | p90 | max |");
        out.println("|---|---:|---:|---:|---:|");
        row(out, "**pause** (gate closed, µs)", run.pause, run.done, 1);
        row(out, "  drain + reopen gate (µs)", run.drain, run.done, 1);
        if (readers > 0) {
            row(out, "    waiting for requests in flight (µs, est.)", run.inFlightWait, run.done, 1);
            row(out, "    wake-up after the last leave (µs, est.)", run.wakeUp, run.done, 1);
        }
        row(out, "  file work (µs)", run.fileWork, run.done, 1);
        row(out, "receive (ms)", run.receive, run.done, 1000);
        row(out, "integrity check (ms)", run.integrity, run.done, 1000);
        row(out, "schema check (ms)", run.schema, run.done, 1000);
        row(out, "swap incl. pause (ms)", run.swap, run.done, 1000);
        row(out, "whole push() call (ms)", run.push, run.done, 1000);
        out.println();
        if (readers == 0) {
            out.println("No readers: the pause is the engine's own work, with nothing to drain.");
            return;
        }
        Distribution latency = run.readLatency;
        out.println(String.format(Locale.ROOT, "Reads: %d completed, **%d failed**; %d version changes seen"
                + " (at most one per reader and push: %d × %d = %d, warm-up pushes included); read latency µs:"
                + " median %d, p99 %d, p99.9 %d, max %d.", run.reads, run.failures, run.versionChanges, readers,
                run.allPushes, readers * run.allPushes, latency.median(), latency.percentile(99),
                latency.percentile(99.9), latency.max()));
        for (Throwable failure : run.kept) {
            out.println();
            out.println("    failure: " + failure);
        }
    }

    private static void printReplica(PrintStream out, Replica replica, Settings settings) {
        int n = replica.rename().length;
        out.println();
        out.println("## The file work, replicated step by step (no engine, no readers; µs)");
        out.println();
        out.println("| step | min | median | p90 | max |");
        out.println("|---|---:|---:|---:|---:|");
        row(out, "close the pooled connection", replica.closePool(), n, 1);
        row(out, settings.wal() ? "open, wal_checkpoint(TRUNCATE), close" : "open, read schema, close",
                replica.checkpoint(), n, 1);
        row(out, "rename over the live file", replica.rename(), n, 1);
        row(out, "fsync the directory", replica.syncDirectory(), n, 1);
        row(out, "open the new file", replica.open(), n, 1);
        long[] total = new long[n];
        for (int i = 0; i < n; i++) {
            total[i] = replica.closePool()[i] + replica.checkpoint()[i] + replica.rename()[i]
                    + replica.syncDirectory()[i] + replica.open()[i];
        }
        row(out, "all of it", total, n, 1);
        row(out, "*variant:* rename while the old file keeps a second link", replica.renameKeepingOld(), n, 1);
        row(out, "*variant:* then unlink the old file (could run after the gate reopens)", replica.unlinkOld(), n, 1);
    }

    private static void row(PrintStream out, String name, long[] micros, int count, int divisor) {
        Distribution d = Distribution.of(micros, count);
        out.println("| " + name + " | " + scaled(d.min(), divisor) + " | " + scaled(d.median(), divisor) + " | "
                + scaled(d.percentile(90), divisor) + " | " + scaled(d.max(), divisor) + " |");
    }

    private static String scaled(long micros, int divisor) {
        return divisor == 1 ? Long.toString(micros) : String.format(Locale.ROOT, "%.1f", micros / (double) divisor);
    }

    private static void progress(String message) {
        System.err.println("swap pause: " + message);
    }

    /**
     * Installs the bundled java.util.logging setup (the backend of System.Logger here), which keeps
     * the engine's per-push INFO lines out of the results, unless the caller configured logging.
     */
    private static void quietEngineLogs() throws IOException {
        if (System.getProperty("java.util.logging.config.file") != null
                || System.getProperty("java.util.logging.config.class") != null) {
            return;
        }
        try (InputStream config = SwapPause.class.getResourceAsStream("logging.properties")) {
            if (config != null) {
                LogManager.getLogManager().readConfiguration(config);
            }
        }
    }

    private static void deleteTree(Path root) throws IOException {
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) throws IOException {
                Files.delete(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path directory, IOException e) throws IOException {
                if (e != null) {
                    throw e;
                }
                Files.delete(directory);
                return FileVisitResult.CONTINUE;
            }
        });
    }
}
