package dev.hotswap.bench;

import dev.hotswap.engine.Hotswap;
import dev.hotswap.engine.Pin;
import dev.hotswap.engine.PushOptions;
import dev.hotswap.engine.StagedGeneration;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
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
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;

/**
 * The first requests after a swap, with and without warm-up statements, side by side in one run: two
 * engines on copies of one database of {@code --mib} MiB, pushed the same file in turns, each push's
 * new generation evicted from the page cache between its staging and its activation.
 *
 * <p>The eviction stands in for a database larger than the memory the page cache can give it: a push
 * writes the file and {@code integrity_check} reads it whole, so on this machine (24 GiB) a file of a
 * few hundred MiB is all cached at the flip, and no warm-up could help. On a server whose file is
 * larger than its free memory, the file's first pages have left the cache by the time its last ones
 * are checked; a fleet node's staged file waits for the rollout's decision meanwhile. The eviction is
 * per file ({@code dd iflag=nocache count=0} on the synced file, {@code posix_fadvise(DONTNEED)}),
 * not {@code /proc/sys/vm/drop_caches}, which would empty the cache of the whole shared machine;
 * {@code fincore} confirms it when installed.
 *
 * <p>A request: a gate pin, a connection, a point lookup of a random product and a page of 20 of a
 * random category, as a product page and a listing would. "Before" is the same requests on the
 * current generation, its file read whole into the cache first, as a busy server's would be.
 *
 * <pre>{@code
 * java -cp hotswap-bench.jar dev.hotswap.bench.WarmUpBench [--mib 512] [--runs 3] [--requests 200]
 *     [--warm-up SQL ...] [--dir /tmp]
 * }</pre>
 */
public final class WarmUpBench {
    private static final int ROW_BYTES = 900;
    private static final int CATEGORIES = 1000;
    /** Reads every page of the table, and of the category index, once. */
    private static final List<String> DEFAULT_WARM_UP = List.of(
            "SELECT sum(length(body)) FROM products",
            "SELECT sum(category) FROM products INDEXED BY products_category WHERE category >= 0");

    private WarmUpBench() {
    }

    public static void main(String[] args) throws Exception {
        int mib = 512;
        int runs = 3;
        int requests = 200;
        Path base = Path.of(System.getProperty("java.io.tmpdir"));
        List<String> warmUp = new ArrayList<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--mib" -> mib = Integer.parseInt(args[i + 1]);
                case "--runs" -> runs = Integer.parseInt(args[i + 1]);
                case "--requests" -> requests = Integer.parseInt(args[i + 1]);
                case "--warm-up" -> warmUp.add(args[i + 1]);
                case "--dir" -> base = Path.of(args[i + 1]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]
                        + " (--mib, --runs, --requests, --warm-up, --dir)");
            }
        }
        if (warmUp.isEmpty()) {
            warmUp = DEFAULT_WARM_UP;
        }
        QuietLogs.install();
        Path dir = Files.createTempDirectory(base, "hotswap-bench-warmup-");
        try {
            run(dir, mib, runs, requests, warmUp);
        } finally {
            TempDirectory.delete(dir);
        }
    }

    private static void run(Path dir, int mib, int runs, int requests, List<String> warmUp) throws Exception {
        System.out.println("## First requests after a swap, without and with warm-up");
        System.out.println();
        System.out.println(Machine.describe());
        Path file = dir.resolve("products.sqlite3");
        long start = System.nanoTime();
        int rows = build(file, mib);
        System.out.printf(Locale.ROOT, "- database: %d products, %d MiB, built in %.1f s%n", rows,
                Files.size(file) >> 20, (System.nanoTime() - start) / 1e9);
        System.out.println("- warm-up statements: " + String.join("; ", warmUp));
        System.out.println("- requests measured per swap: the first " + requests + " after it, and " + requests
                + " before it");
        System.out.println();

        Variant without = Variant.start(dir.resolve("without"), file, rows, List.of(), "without warm-up");
        Variant with = Variant.start(dir.resolve("with"), file, rows, warmUp, "with warm-up");
        Table table = Table.of("variant", "run", "activate (ms)", "resident at activation", "1st request (ms)",
                "first " + requests + ": p50 (ms)", "p90", "max", "sum (ms)", "before: p50 (ms)", "p90", "max");
        List<long[]> afterWithout = new ArrayList<>();
        List<long[]> afterWith = new ArrayList<>();
        try {
            for (int run = 1; run <= runs; run++) {
                // alternate which goes first: the disk and the machine's load drift during a run
                List<Variant> order = run % 2 == 1 ? List.of(without, with) : List.of(with, without);
                for (Variant variant : order) {
                    Sample sample = variant.swapOnce(file, requests, new Random(run));
                    (variant == with ? afterWith : afterWithout).add(sample.after());
                    Distribution after = Distribution.of(sample.after(), requests);
                    Distribution before = Distribution.of(sample.before(), requests);
                    table.row(variant.name, Integer.toString(run), millis(sample.activateNanos()), sample.resident(),
                            millis(sample.after()[0]), millis(after.median()), millis(after.percentile(90)),
                            millis(after.max()), millis(sum(sample.after())), millis(before.median()),
                            millis(before.percentile(90)), millis(before.max()));
                }
            }
        } finally {
            without.hotswap.close();
            with.hotswap.close();
        }
        table.print(System.out);
        System.out.println();
        System.out.println("- load average (1 min) at the end: " + Machine.loadAverage());
    }

    /** One engine on its own copy of the database. */
    private record Variant(String name, Hotswap hotswap, DataSource data, Path live, int products) {
        static Variant start(Path dir, Path database, int products, List<String> warmUp, String name)
                throws IOException {
            Files.createDirectories(dir);
            Path live = dir.resolve("production.sqlite3");
            Files.copy(database, live);
            Hotswap hotswap = Hotswap.builder().database("production", live).socketEnabled(false).keep(0)
                    .warmUp("production", warmUp.toArray(String[]::new)).build().start();
            return new Variant(name, hotswap, hotswap.dataSource("production"), live, products);
        }

        Sample swapOnce(Path file, int requests, Random random) throws Exception {
            readWhole(live.toRealPath());
            long[] before = requests(requests, random);
            long activate;
            String resident;
            try (InputStream content = Files.newInputStream(file);
                    StagedGeneration staged = hotswap.stage("production", content, new PushOptions(true, true), null)) {
                evict(staged.file());
                resident = resident(staged.file());
                long start = System.nanoTime();
                hotswap.activate(staged);
                activate = System.nanoTime() - start;
            }
            return new Sample(activate, resident, before, requests(requests, random));
        }

        private long[] requests(int count, Random random) throws SQLException {
            long[] nanos = new long[count];
            for (int i = 0; i < count; i++) {
                long start = System.nanoTime();
                Pin pin = hotswap.gate().enter();
                try {
                    request(random);
                } finally {
                    pin.leave();
                }
                nanos[i] = System.nanoTime() - start;
            }
            return nanos;
        }

        private void request(Random random) throws SQLException {
            try (Connection connection = data.getConnection();
                    PreparedStatement product = connection.prepareStatement("SELECT name, body FROM products WHERE id = ?");
                    PreparedStatement listing = connection.prepareStatement(
                            "SELECT id, name FROM products WHERE category = ? ORDER BY id LIMIT 20")) {
                product.setInt(1, 1 + random.nextInt(products));
                drain(product);
                listing.setInt(1, random.nextInt(CATEGORIES));
                drain(listing);
            }
        }
    }

    private record Sample(long activateNanos, String resident, long[] before, long[] after) {
    }

    /** Products of about {@link #ROW_BYTES} bytes each until the file holds {@code mib} MiB; WAL mode. */
    private static int build(Path file, int mib) throws SQLException {
        int rows = (int) ((long) mib * (1 << 20) / (ROW_BYTES + 120));
        try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + file);
                Statement statement = connection.createStatement()) {
            statement.execute("PRAGMA journal_mode=WAL");
            statement.execute("CREATE TABLE products (id INTEGER PRIMARY KEY, category INTEGER NOT NULL, name TEXT NOT NULL,"
                    + " body TEXT NOT NULL)");
            statement.execute("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < " + rows + ")"
                    + " INSERT INTO products (category, name, body) SELECT abs(random()) % " + CATEGORIES
                    + ", 'product ' || i, hex(randomblob(" + ROW_BYTES / 2 + ")) FROM n");
            statement.execute("CREATE INDEX products_category ON products (category)");
        }
        return rows;
    }

    private static void drain(PreparedStatement statement) throws SQLException {
        try (ResultSet rows = statement.executeQuery()) {
            while (rows.next()) {
                rows.getString(2);
            }
        }
    }

    /** Reads {@code file} whole, into the page cache. */
    private static void readWhole(Path file) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocateDirect(1 << 20);
        try (FileChannel channel = FileChannel.open(file)) {
            while (channel.read(buffer) >= 0) {
                buffer.clear();
            }
        }
    }

    /** Drops the synced {@code file}'s pages from the page cache ({@code posix_fadvise(DONTNEED)} by dd). */
    private static void evict(Path file) throws IOException, InterruptedException {
        String out = command("dd", "if=" + file, "iflag=nocache", "count=0", "status=none");
        if (out == null) {
            throw new IOException("dd could not evict " + file + " from the page cache");
        }
    }

    /** What {@code fincore} says is cached of {@code file} ("?" without fincore). */
    private static String resident(Path file) throws IOException, InterruptedException {
        String out = command("fincore", "--noheadings", "--output", "RES", file.toString());
        return out == null ? "?" : out.trim();
    }

    private static String command(String... command) throws IOException, InterruptedException {
        Process process;
        try {
            process = new ProcessBuilder(command).redirectErrorStream(true).start();
        } catch (IOException e) {
            return null;
        }
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        return process.waitFor(60, TimeUnit.SECONDS) && process.exitValue() == 0 ? out : null;
    }

    private static long sum(long[] nanos) {
        long sum = 0;
        for (long n : nanos) {
            sum += n;
        }
        return sum;
    }

    private static String millis(long nanos) {
        return String.format(Locale.ROOT, "%.2f", nanos / 1e6);
    }
}
