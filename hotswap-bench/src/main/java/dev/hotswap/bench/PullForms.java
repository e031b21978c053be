package dev.hotswap.bench;

import dev.hotswap.engine.Hotswap;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * A pull into a new file by the database's name against the same pull by its path, through the
 * real jlink CLI, run after run: {@code hotswap cp production new.sqlite3} and
 * {@code hotswap cp db/production.sqlite3 new.sqlite3}. The path form offers a delta before the
 * server says it is a pull; with no old copy it must cost what the name form costs. Wall time, the
 * CPU time of the process hosting the engine (this harness) and of the CLI, each from
 * {@code /usr/bin/time}.
 *
 * <pre>{@code
 * java -cp hotswap-bench.jar dev.hotswap.bench.PullForms [--mib 300] [--runs 5] [--journal-mode wal|delete]
 *     [--cli hotswap-cli/target/hotswap/bin/hotswap] [--dir /tmp]
 * }</pre>
 */
@SuppressWarnings("try") // the started engine serves the socket; the body talks to it only through the CLI
public final class PullForms {
    private static final int ROW_BYTES = 1000;

    private PullForms() {
    }

    public static void main(String[] args) throws Exception {
        int mib = 300;
        int runs = 5;
        String journalMode = "wal";
        Path cli = Path.of("hotswap-cli/target/hotswap/bin/hotswap").toAbsolutePath();
        Path base = Path.of("/tmp");
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--mib" -> mib = Integer.parseInt(args[i + 1]);
                case "--runs" -> runs = Integer.parseInt(args[i + 1]);
                case "--journal-mode" -> journalMode = args[i + 1];
                case "--cli" -> cli = Path.of(args[i + 1]).toAbsolutePath();
                case "--dir" -> base = Path.of(args[i + 1]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        QuietLogs.install();
        Path dir = Files.createTempDirectory(base, "hspf");
        try {
            run(dir, mib, runs, journalMode, cli);
        } finally {
            TempDirectory.delete(dir);
        }
    }

    private static void run(Path dir, int mib, int runs, String journalMode, Path cli) throws Exception {
        Path live = Files.createDirectories(dir.resolve("db")).resolve("production.sqlite3");
        int rows = (int) ((long) mib * (1 << 20) / (ROW_BYTES + 40));
        sql(live, "PRAGMA journal_mode=WAL", "CREATE TABLE items(id INTEGER PRIMARY KEY, name TEXT)",
                "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x+1 FROM c WHERE x<" + rows + ") "
                        + "INSERT INTO items SELECT x, hex(randomblob(" + ROW_BYTES / 2 + ")) FROM c",
                "PRAGMA wal_checkpoint(TRUNCATE)", "PRAGMA journal_mode=" + journalMode);
        Path socket = dir.resolve("s.sock");
        Path pulled = dir.resolve("new.sqlite3");
        System.out.println("# Pull into a new file by name and by path, " + Machine.describe() + ", load "
                + Machine.loadAverage());
        System.out.printf(Locale.ROOT, "%n%d MiB, journal mode %s; CPU = user + system seconds%n%n",
                Files.size(live) >> 20, journalMode);
        System.out.println("| run | by name | server CPU | CLI CPU | by path | server CPU | CLI CPU | ratio (path / name) |");
        System.out.println("|---|---:|---:|---:|---:|---:|---:|---:|");
        double[] ratios = new double[runs];
        try (Hotswap hotswap = Hotswap.builder().database("production", live).socket(socket).build().start()) {
            for (int run = 0; run < runs; run++) {
                Files.deleteIfExists(pulled);
                Measured byName = pull(cli, socket, "production", pulled);
                Files.deleteIfExists(pulled);
                Measured byPath = pull(cli, socket, live.toString(), pulled);
                ratios[run] = byPath.seconds / byName.seconds;
                System.out.printf(Locale.ROOT, "| %d | %.2f s | %.2f s | %.2f s | %.2f s | %.2f s | %.2f s | %.2fx |%n",
                        run + 1, byName.seconds, byName.serverCpu, byName.cliCpu, byPath.seconds, byPath.serverCpu,
                        byPath.cliCpu, ratios[run]);
            }
        }
        java.util.Arrays.sort(ratios);
        System.out.printf(Locale.ROOT, "| median | | | | | | | %.2fx |%n", ratios[runs / 2]);
    }

    /** One pull's wall time, and the CPU seconds of the engine's process and of the CLI. */
    private record Measured(double seconds, double serverCpu, double cliCpu) {
    }

    private static Measured pull(Path cli, Path socket, String source, Path destination) throws Exception {
        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        long cpu = os.getProcessCpuTime();
        long start = System.nanoTime();
        List<String> command = new ArrayList<>(List.of("/usr/bin/time", "-f", "cpu %U %S", cli.toString(), "cp",
                source, destination.toString(), "--socket", socket.toString()));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(600, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new IllegalStateException(command + " failed:\n" + output);
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        double serverCpu = (os.getProcessCpuTime() - cpu) / 1e9;
        String[] times = output.lines().filter(line -> line.startsWith("cpu ")).reduce((a, b) -> b).orElseThrow()
                .split(" ");
        return new Measured(seconds, serverCpu, Double.parseDouble(times[1]) + Double.parseDouble(times[2]));
    }

    private static void sql(Path db, String... statements) throws Exception {
        try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + db);
                Statement statement = connection.createStatement()) {
            for (String sql : statements) {
                statement.execute(sql);
            }
        }
    }
}
