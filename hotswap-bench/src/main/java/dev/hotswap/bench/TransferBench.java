package dev.hotswap.bench;

import dev.hotswap.engine.Hotswap;
import dev.hotswap.bench.Relay.Measured;
import dev.hotswap.engine.PushOptions;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
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

/**
 * Whole-file against delta transfers through the real jlink CLI, as a user runs them: bytes on the
 * wire each way (counted by a relay between the CLI and the engine's socket, optionally throttled
 * like an ssh link) and wall time, for 1 %, 10 % and 100 % of the pages changed; the full push
 * against cp + fsync + integrity_check and the full pull, into a file and to stdout (which copies
 * the file first in rollback-journal mode), against {@code sqlite3 .backup}, side by side; and the
 * resident memory of the process hosting the engine.
 *
 * <pre>{@code
 * java -cp hotswap-bench.jar dev.hotswap.bench.TransferBench [--mib 256,1024] [--throttle-mbs 50]
 *     [--changed 1,10,100|none] [--runs 5] [--journal-mode delete|wal] [--cli hotswap-cli/target/hotswap/bin/hotswap]
 *     [--dir /tmp] [--ssh off|on|only]
 * }</pre>
 *
 * <p>{@code --ssh on} adds the remote rows ({@link SshTransferRows}: a real sshd on loopback, 1 % of
 * the pages changed, {@code hotswap cp CHANGED prod:LIVE} against {@code ssh prod 'hotswap cp - LIVE'},
 * plain and at the throttle rate); {@code only} runs just those.
 *
 * <p>{@code --changed none} skips the full-against-delta table and runs only the side-by-side
 * comparison, {@code --runs} times (the medians of the ratios close it). {@code --content text,blobs}
 * runs only the compressed transfers instead ({@link CompressionBench}).
 *
 * <pre>{@code
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
        List<Integer> changed = List.of(1, 10, 100);
        int runs = 5;
        String journalMode = "delete";
        String ssh = "off";
        List<String> contents = List.of();
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--mib" -> sizes = java.util.Arrays.stream(args[i + 1].split(",")).map(Integer::valueOf).toList();
                case "--throttle-mbs" -> throttle = Double.parseDouble(args[i + 1]);
                case "--cli" -> cli = Path.of(args[i + 1]).toAbsolutePath();
                case "--dir" -> base = Path.of(args[i + 1]);
                case "--changed" -> changed = args[i + 1].equals("none") ? List.of()
                        : java.util.Arrays.stream(args[i + 1].split(",")).map(Integer::valueOf).toList();
                case "--runs" -> runs = Integer.parseInt(args[i + 1]);
                case "--journal-mode" -> journalMode = args[i + 1];
                case "--ssh" -> ssh = args[i + 1];
                case "--content" -> contents = List.of(args[i + 1].split(","));
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        System.out.println("# Transfers, " + Machine.describe() + ", load " + Machine.loadAverage());
        if (!contents.isEmpty()) {
            for (int mib : sizes) {
                CompressionBench.run(base, mib, throttle, cli, contents);
            }
            return;
        }
        for (int mib : sizes) {
            Path dir = Files.createTempDirectory(base, "hsx");
            try {
                run(dir, mib, throttle, cli, changed, runs, journalMode, ssh);
            } finally {
                TempDirectory.delete(dir);
            }
        }
    }

    private static void run(Path dir, int mib, double throttleMbs, Path cli, List<Integer> percents, int runs,
            String journalMode, String ssh) throws Exception {
        Path original = dir.resolve("original.sqlite3");
        int rows = (int) ((long) mib * (1 << 20) / (ROW_BYTES + 40));
        sql(original, "PRAGMA journal_mode=WAL", "CREATE TABLE items(id INTEGER PRIMARY KEY, name TEXT)",
                "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x+1 FROM c WHERE x<" + rows + ") "
                        + "INSERT INTO items SELECT x, hex(randomblob(" + ROW_BYTES / 2 + ")) FROM c",
                "PRAGMA wal_checkpoint(TRUNCATE)", "PRAGMA journal_mode=" + journalMode);
        Path live = dir.resolve("db/production.sqlite3");
        Files.createDirectories(live.getParent());
        Files.copy(original, live);
        Path socket = dir.resolve("s.sock");
        Memory memory = new Memory();
        System.out.printf(Locale.ROOT, "%n## %d MiB (%d rows), journal mode %s, relay throttled to %.0f MB/s for the slow-link rows%n%n",
                Files.size(original) >> 20, rows, journalMode, throttleMbs);
        try (Hotswap hotswap = Hotswap.builder().database("production", live).socket(socket).build().start()) {
            Setup setup = new Setup(dir, original, live, socket, cli, hotswap);
            if (!ssh.equals("off")) {
                SshTransferRows.run(dir, changedCopy(dir, original, rows, 1), live, cli, throttleMbs,
                        () -> reset(hotswap, original));
            }
            if (ssh.equals("only")) {
                return;
            }
            if (!percents.isEmpty()) {
                fullAgainstDelta(setup, rows, percents, throttleMbs, memory);
            }
            sideBySide(setup, changedCopy(dir, original, rows, 10), runs, memory);
        }
        System.out.printf(Locale.ROOT, "%nResident memory of the process hosting the engine: %d MiB before, at most %d MiB"
                + " sampled after the transfers (the engine, its pool and this harness).%n", memory.before >> 10,
                memory.peak >> 10);
    }

    /** What every measurement works on: the files, the engine and its socket, the jlink CLI. */
    private record Setup(Path dir, Path original, Path live, Path socket, Path cli, Hotswap hotswap) {
    }

    /** The harness's resident memory: at the start, and the most sampled after a transfer. */
    private static final class Memory {
        final long before;
        long peak;

        Memory() throws IOException {
            before = rssKib();
            peak = before;
        }

        void sample() throws IOException {
            peak = Math.max(peak, rssKib());
        }
    }

    /** Full against delta, both ways, locally and through the throttled relay, per share of changed pages. */
    private static void fullAgainstDelta(Setup setup, int rows, List<Integer> percents, double throttleMbs,
            Memory memory) throws Exception {
        Path original = setup.original();
        Path cli = setup.cli();
        System.out.println("| pages changed | link | push full | push delta | bytes up full | bytes up delta "
                + "| pull full | pull delta | bytes down full | bytes down delta |");
        System.out.println("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|");
        for (int percent : percents) {
            Path changed = changedCopy(setup.dir(), original, rows, percent);
            for (double rate : new double[] {0, throttleMbs}) {
                try (Relay relay = Relay.start(setup.dir().resolve("r.sock"), setup.socket(), rate)) {
                    reset(setup.hotswap(), original);
                    Measured pushFull = relay.measure(() -> cli(cli, relay.path, "cp", "--full", changed.toString(), "production"));
                    reset(setup.hotswap(), original);
                    Measured pushDelta = relay.measure(() -> cli(cli, relay.path, "cp", "--delta", changed.toString(), "production"));
                    memory.sample();
                    Path pulled = setup.dir().resolve("pulled.sqlite3");
                    Files.deleteIfExists(pulled);
                    Measured pullFull = relay.measure(() -> cli(cli, relay.path, "cp", "--full", "production", pulled.toString()));
                    Files.copy(original, pulled, StandardCopyOption.REPLACE_EXISTING);
                    Measured pullDelta = relay.measure(() -> cli(cli, relay.path, "cp", "--delta", "production", pulled.toString()));
                    memory.sample();
                    System.out.printf(Locale.ROOT, "| %d %% | %s | %.2f s | %.2f s | %s | %s | %.2f s | %.2f s | %s | %s |%n",
                            percent, rate == 0 ? "local" : String.format(Locale.ROOT, "%.0f MB/s", rate),
                            pushFull.seconds(), pushDelta.seconds(), share(pushFull.up(), original),
                            share(pushDelta.up(), original), pullFull.seconds(), pullDelta.seconds(),
                            share(pullFull.down(), original), share(pullDelta.down(), original));
                }
            }
        }
        System.out.println();
    }

    /**
     * The default push (on a local socket: the whole file) and the full push and pull straight on the
     * socket against their by-hand baselines, run after run;
     * beside the pull into a file (in rollback-journal mode: the live file streamed, no copy), a pull
     * to stdout, which still copies the file first (the way every pull went before).
     */
    private static void sideBySide(Setup setup, Path changed, int runs, Memory memory) throws Exception {
        System.out.println("| run | default push | ratio | full push | cp + fsync + integrity_check | ratio | full pull "
                + "| sqlite3 .backup | ratio | pull to stdout (copy first) | ratio |");
        System.out.println("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        Path cli = setup.cli();
        Path socket = setup.socket();
        double[] defaultRatios = new double[runs];
        double[] pushRatios = new double[runs];
        double[] pullRatios = new double[runs];
        double[] stdoutRatios = new double[runs];
        for (int run = 0; run < runs; run++) {
            // The default and the full push are the same transfer on a local socket: every other run
            // swaps their order, so that what the first push after a reset pays is not always the default's.
            double byDefault;
            double push;
            if (run % 2 == 0) {
                resetAndReadThrough(setup, changed);
                byDefault = time(() -> cli(cli, socket, "cp", changed.toString(), "production"));
                resetAndReadThrough(setup, changed);
                push = time(() -> cli(cli, socket, "cp", "--full", changed.toString(), "production"));
            } else {
                resetAndReadThrough(setup, changed);
                push = time(() -> cli(cli, socket, "cp", "--full", changed.toString(), "production"));
                resetAndReadThrough(setup, changed);
                byDefault = time(() -> cli(cli, socket, "cp", changed.toString(), "production"));
            }
            Path copy = setup.dir().resolve("copy.sqlite3");
            readThrough(changed);
            double byHand = time(() -> {
                Files.copy(changed, copy);
                try (FileChannel channel = FileChannel.open(copy, StandardOpenOption.WRITE)) {
                    channel.force(true);
                }
                sql(copy, "PRAGMA integrity_check");
            });
            Files.delete(copy); // one copy on disk at a time: the sizes measured are as large as the disk allows
            Path pulled = setup.dir().resolve("pulled.sqlite3");
            double pull = time(() -> cli(cli, socket, "cp", "--full", "production", pulled.toString()));
            Files.delete(pulled);
            Path backup = setup.dir().resolve("backup.sqlite3");
            double sqlite = time(() -> exec(List.of("sqlite3", setup.live().toString(), ".backup " + backup)));
            Files.delete(backup);
            Path piped = setup.dir().resolve("piped.sqlite3");
            double stdout = time(() -> execTo(piped, cli.toString(), "cp", "production", "-", "--socket", socket.toString()));
            Files.delete(piped);
            memory.sample();
            defaultRatios[run] = byDefault / byHand;
            pushRatios[run] = push / byHand;
            pullRatios[run] = pull / sqlite;
            stdoutRatios[run] = stdout / sqlite;
            System.out.printf(Locale.ROOT, "| %d | %.2f s | %.2fx | %.2f s | %.2f s | %.2fx | %.2f s | %.2f s | %.2fx | %.2f s | %.2fx |%n",
                    run + 1, byDefault, defaultRatios[run], push, byHand, pushRatios[run], pull, sqlite, pullRatios[run], stdout, stdoutRatios[run]);
        }
        System.out.printf(Locale.ROOT, "| median | | %.2fx | | | %.2fx | | | %.2fx | | %.2fx |%n", median(defaultRatios),
                median(pushRatios),
                median(pullRatios), median(stdoutRatios));
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        java.util.Arrays.sort(sorted);
        int middle = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }

    /** A copy of {@code original} with {@code percent} % of its rows rewritten, as one contiguous range of ids. */
    private static Path changedCopy(Path dir, Path original, int rows, int percent) throws Exception {
        Path changed = dir.resolve("changed-" + percent + ".sqlite3");
        if (!Files.exists(changed)) {
            Files.copy(original, changed);
            long last = Math.max(1, rows * percent / 100);
            long first = Math.max(1, rows / 2 - last / 2);
            sql(changed, "UPDATE items SET name = hex(randomblob(" + ROW_BYTES / 2 + ")) WHERE id BETWEEN "
                    + first + " AND " + (first + last - 1));
        }
        return changed;
    }

    private static String share(long bytes, Path original) throws IOException {
        return String.format(Locale.ROOT, "%.1f MiB (%.1f %%)", bytes / 1048576.0, 100.0 * bytes / Files.size(original));
    }

    /**
     * Puts the original back, then reads {@code source} through once: every push and the baseline
     * start with the file to send in the page cache, as a file just built is, so that one of them
     * reading it back from a disk other builds share is not what its ratio measures.
     */
    private static void resetAndReadThrough(Setup setup, Path source) throws Exception {
        reset(setup.hotswap(), setup.original());
        readThrough(source);
    }

    private static void readThrough(Path file) throws IOException {
        java.nio.ByteBuffer buffer = java.nio.ByteBuffer.allocateDirect(1 << 20);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            while (channel.read(buffer) >= 0) {
                buffer.clear();
            }
        }
    }

    /** Puts the original back in place; waits (at most 30 s) for the CLI's push to release the database. */
    static long reset(Hotswap hotswap, Path original) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            try (InputStream in = Files.newInputStream(original)) {
                return hotswap.push("production", in, PushOptions.defaults()).toGeneration();
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

    /** Runs {@code command} with its stdin from {@code file} (a pipe into {@code ssh}, as a shell redirects it). */
    static void execFrom(Path file, List<String> command) throws Exception {
        Process process = new ProcessBuilder(command).redirectInput(file.toFile()).redirectErrorStream(true).start();
        byte[] output = process.getInputStream().readAllBytes();
        if (!process.waitFor(600, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new IOException(command + " failed:\n" + new String(output, java.nio.charset.StandardCharsets.UTF_8));
        }
    }

    static void exec(List<String> command) throws Exception {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        byte[] output = process.getInputStream().readAllBytes();
        if (!process.waitFor(600, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new IOException(command + " failed:\n" + new String(output, java.nio.charset.StandardCharsets.UTF_8));
        }
    }

    /** Runs {@code command} with its stdout into {@code file} (a pull to {@code -}, as a shell redirects it). */
    private static void execTo(Path file, String... command) throws Exception {
        Path errors = Files.createTempFile(file.getParent(), "stderr", ".txt");
        try {
            Process process = new ProcessBuilder(command).redirectOutput(file.toFile()).redirectError(errors.toFile())
                    .start();
            if (!process.waitFor(600, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new IOException(List.of(command) + " failed:\n" + Files.readString(errors));
            }
        } finally {
            Files.delete(errors);
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

    static double time(Action action) throws Exception {
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

}
