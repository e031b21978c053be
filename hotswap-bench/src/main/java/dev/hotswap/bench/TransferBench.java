package dev.hotswap.bench;

import dev.hotswap.engine.Hotswap;
import dev.hotswap.engine.PushOptions;
import java.io.IOException;
import java.io.InputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Whole-file against delta transfers through the real jlink CLI, as a user runs them: bytes on the
 * wire each way (counted by a relay between the CLI and the engine's socket, optionally throttled
 * like an ssh link) and wall time, for 1 %, 10 % and 100 % of the pages changed; the full push
 * against cp + fsync + integrity_check and the full pull against {@code sqlite3 .backup}, side by
 * side; and the resident memory of the process hosting the engine.
 *
 * <pre>{@code
 * java -cp hotswap-bench.jar dev.hotswap.bench.TransferBench [--mib 256,1024] [--throttle-mbs 50]
 *     [--cli hotswap-cli/target/hotswap/bin/hotswap] [--dir /tmp]
 * }</pre>
 */
public final class TransferBench {
    private static final int ROW_BYTES = 1000;

    private TransferBench() {
    }

    public static void main(String[] args) throws Exception {
        List<Integer> sizes = List.of(256);
        double throttle = 50;
        Path cli = Path.of("hotswap-cli/target/hotswap/bin/hotswap").toAbsolutePath();
        Path base = Path.of("/tmp");
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--mib" -> sizes = java.util.Arrays.stream(args[i + 1].split(",")).map(Integer::valueOf).toList();
                case "--throttle-mbs" -> throttle = Double.parseDouble(args[i + 1]);
                case "--cli" -> cli = Path.of(args[i + 1]).toAbsolutePath();
                case "--dir" -> base = Path.of(args[i + 1]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        System.out.println("# Transfers, " + Machine.describe() + ", load " + Machine.loadAverage());
        for (int mib : sizes) {
            Path dir = Files.createTempDirectory(base, "hsx");
            try {
                run(dir, mib, throttle, cli);
            } finally {
                try (var files = Files.walk(dir)) {
                    files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
                }
            }
        }
    }

    private static void run(Path dir, int mib, double throttleMbs, Path cli) throws Exception {
        Path original = dir.resolve("original.sqlite3");
        int rows = (int) ((long) mib * (1 << 20) / (ROW_BYTES + 40));
        sql(original, "PRAGMA journal_mode=WAL", "CREATE TABLE items(id INTEGER PRIMARY KEY, name TEXT)",
                "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x+1 FROM c WHERE x<" + rows + ") "
                        + "INSERT INTO items SELECT x, hex(randomblob(" + ROW_BYTES / 2 + ")) FROM c",
                "PRAGMA wal_checkpoint(TRUNCATE)", "PRAGMA journal_mode=DELETE");
        Path live = dir.resolve("db/production.sqlite3");
        Files.createDirectories(live.getParent());
        Files.copy(original, live);
        Path socket = dir.resolve("s.sock");
        long rssBefore = rssKib();
        long rssPeak = rssBefore;
        System.out.printf(Locale.ROOT, "%n## %d MiB (%d rows), relay throttled to %.0f MB/s for the slow-link rows%n%n",
                Files.size(original) >> 20, rows, throttleMbs);
        try (Hotswap hotswap = Hotswap.builder().database("production", live).socket(socket).build().start()) {
            System.out.println("| pages changed | link | push full | push delta | bytes up full | bytes up delta "
                    + "| pull full | pull delta | bytes down full | bytes down delta |");
            System.out.println("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|");
            for (int percent : new int[] {1, 10, 100}) {
                Path changed = dir.resolve("changed-" + percent + ".sqlite3");
                Files.copy(original, changed, StandardCopyOption.REPLACE_EXISTING);
                long last = Math.max(1, rows * percent / 100);
                long first = rows / 2 - last / 2;
                sql(changed, "UPDATE items SET name = hex(randomblob(" + ROW_BYTES / 2 + ")) WHERE id BETWEEN "
                        + Math.max(1, first) + " AND " + (first + last - 1));
                for (double rate : new double[] {0, throttleMbs}) {
                    try (Relay relay = Relay.start(dir.resolve("r.sock"), socket, rate)) {
                        reset(hotswap, original);
                        Measured pushFull = relay.measure(() -> cli(cli, relay.path, "cp", "--full", changed.toString(), "production"));
                        reset(hotswap, original);
                        Measured pushDelta = relay.measure(() -> cli(cli, relay.path, "cp", changed.toString(), "production"));
                        rssPeak = Math.max(rssPeak, rssKib());
                        Path pulled = dir.resolve("pulled.sqlite3");
                        Files.deleteIfExists(pulled);
                        Measured pullFull = relay.measure(() -> cli(cli, relay.path, "cp", "--full", "production", pulled.toString()));
                        Files.copy(original, pulled, StandardCopyOption.REPLACE_EXISTING);
                        Measured pullDelta = relay.measure(() -> cli(cli, relay.path, "cp", "production", pulled.toString()));
                        rssPeak = Math.max(rssPeak, rssKib());
                        System.out.printf(Locale.ROOT, "| %d %% | %s | %.2f s | %.2f s | %s | %s | %.2f s | %.2f s | %s | %s |%n",
                                percent, rate == 0 ? "local" : String.format(Locale.ROOT, "%.0f MB/s", rate),
                                pushFull.seconds, pushDelta.seconds, share(pushFull.up, original), share(pushDelta.up, original),
                                pullFull.seconds, pullDelta.seconds, share(pullFull.down, original), share(pullDelta.down, original));
                    }
                }
            }
            // Side by side: the full push and pull straight on the socket against their by-hand baselines.
            System.out.println();
            System.out.println("| run | full push | cp + fsync + integrity_check | ratio | full pull | sqlite3 .backup | ratio |");
            System.out.println("|---|---:|---:|---:|---:|---:|---:|");
            for (int run = 1; run <= 3; run++) {
                Path changed = dir.resolve("changed-10.sqlite3");
                reset(hotswap, original);
                double push = time(() -> cli(cli, socket, "cp", "--full", changed.toString(), "production"));
                Path copy = dir.resolve("copy.sqlite3");
                Files.deleteIfExists(copy);
                double byHand = time(() -> {
                    Files.copy(changed, copy);
                    try (FileChannel channel = FileChannel.open(copy, StandardOpenOption.WRITE)) {
                        channel.force(true);
                    }
                    sql(copy, "PRAGMA integrity_check");
                });
                Path pulled = dir.resolve("pulled.sqlite3");
                Files.deleteIfExists(pulled);
                double pull = time(() -> cli(cli, socket, "cp", "--full", "production", pulled.toString()));
                Path backup = dir.resolve("backup.sqlite3");
                Files.deleteIfExists(backup);
                double sqlite = time(() -> exec(List.of("sqlite3", live.toString(), ".backup " + backup)));
                rssPeak = Math.max(rssPeak, rssKib());
                System.out.printf(Locale.ROOT, "| %d | %.2f s | %.2f s | %.2fx | %.2f s | %.2f s | %.2fx |%n",
                        run, push, byHand, push / byHand, pull, sqlite, pull / sqlite);
            }
        }
        System.out.printf(Locale.ROOT, "%nResident memory of the process hosting the engine: %d MiB before, at most %d MiB"
                + " sampled after the transfers (the engine, its pool and this harness).%n", rssBefore >> 10, rssPeak >> 10);
    }

    private static String share(long bytes, Path original) throws IOException {
        return String.format(Locale.ROOT, "%.1f MiB (%.1f %%)", bytes / 1048576.0, 100.0 * bytes / Files.size(original));
    }

    /** Puts the original back in place; waits (at most 30 s) for the CLI's push to release the database. */
    private static void reset(Hotswap hotswap, Path original) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            try (InputStream in = Files.newInputStream(original)) {
                hotswap.push("production", in, PushOptions.defaults());
                return;
            } catch (dev.hotswap.engine.SwapRefusedException busy) {
                if (System.nanoTime() > deadline || !busy.getMessage().contains("in progress")) {
                    throw busy;
                }
                Thread.sleep(20);
            }
        }
    }

    private static void cli(Path cli, Path socket, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(cli.toString()));
        command.addAll(List.of(args));
        command.addAll(List.of("--socket", socket.toString()));
        exec(command);
    }

    private static void exec(List<String> command) throws Exception {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        byte[] output = process.getInputStream().readAllBytes();
        if (!process.waitFor(600, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new IOException(command + " failed:\n" + new String(output, java.nio.charset.StandardCharsets.UTF_8));
        }
    }

    private static void sql(Path db, String... statements) throws Exception {
        try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + db);
                Statement statement = connection.createStatement()) {
            for (String sql : statements) {
                statement.execute(sql);
            }
        }
    }

    @FunctionalInterface
    interface Action {
        void run() throws Exception;
    }

    private static double time(Action action) throws Exception {
        long start = System.nanoTime();
        action.run();
        return (System.nanoTime() - start) / 1e9;
    }

    private static long rssKib() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("\\D", ""));
            }
        }
        return -1;
    }

    record Measured(double seconds, long up, long down) {
    }

    /** A Unix socket relay in front of the engine's socket: counts bytes each way, and can throttle. */
    static final class Relay implements AutoCloseable {
        final Path path;
        private final ServerSocketChannel server;
        private final Path target;
        private final double bytesPerSecond;
        private final AtomicLong up = new AtomicLong();
        private final AtomicLong down = new AtomicLong();

        private Relay(Path path, Path target, double mbs) throws IOException {
            this.path = path;
            this.target = target;
            this.bytesPerSecond = mbs * 1e6;
            Files.deleteIfExists(path);
            server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
            server.bind(UnixDomainSocketAddress.of(path));
            Thread acceptor = new Thread(this::accept, "relay");
            acceptor.setDaemon(true);
            acceptor.start();
        }

        static Relay start(Path path, Path target, double mbs) throws IOException {
            return new Relay(path, target, mbs);
        }

        Measured measure(Action action) throws Exception {
            long u = up.get();
            long d = down.get();
            double seconds = time(action);
            return new Measured(seconds, up.get() - u, down.get() - d);
        }

        private void accept() {
            while (server.isOpen()) {
                try {
                    SocketChannel client = server.accept();
                    SocketChannel engine = SocketChannel.open(UnixDomainSocketAddress.of(target));
                    pump(client, engine, up);
                    pump(engine, client, down);
                } catch (IOException e) {
                    return;
                }
            }
        }

        private void pump(SocketChannel from, SocketChannel to, AtomicLong counter) {
            Thread thread = new Thread(() -> {
                ByteBuffer buffer = ByteBuffer.allocateDirect(64 << 10);
                long start = System.nanoTime();
                long moved = 0;
                try (from; to) {
                    while (from.read(buffer) >= 0) {
                        buffer.flip();
                        moved += buffer.remaining();
                        counter.addAndGet(buffer.remaining());
                        while (buffer.hasRemaining()) {
                            to.write(buffer);
                        }
                        buffer.clear();
                        if (bytesPerSecond > 0) {
                            long due = start + (long) (moved / bytesPerSecond * 1e9);
                            long wait = due - System.nanoTime();
                            if (wait > 0) {
                                Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                            }
                        }
                    }
                    to.shutdownOutput();
                } catch (IOException | InterruptedException e) {
                    // one side closed: the conversation is over
                }
            }, "relay-pump");
            thread.setDaemon(true);
            thread.start();
        }

        @Override
        public void close() throws IOException {
            server.close();
            Files.deleteIfExists(path);
        }
    }
}
