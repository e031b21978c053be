package dev.hotswap.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

import dev.hotswap.fleet.FleetConfig;

/**
 * Fleet rollouts end to end: N servers in this JVM, each a hotswap engine joined to the fleet behind
 * Jetty on loopback, with one client per server reading it in a loop, against a real S3-compatible
 * store; rollouts are started with the jlink CLI ({@code hotswap cp FILE production --fleet}) through
 * the first server, one after another, alternating two databases. Per rollout: the time from the
 * CLI's start until the last server's client saw the new database, and the spread between the first
 * and the last server's client seeing it (the flip as users see it, within one request's latency),
 * set against the poll interval; and, over all rollouts, the requests served and failed.
 *
 * <pre>
 * java -cp hotswap-bench.jar dev.hotswap.bench.FleetSpread --endpoint http://127.0.0.1:9000 --cli PATH
 *     [--bucket hotswap] [--nodes 5] [--poll-ms 100,500,1000] [--rollouts 10] [--rows 2000] [--dir PATH]
 * </pre>
 * Credentials and region come from the usual AWS environment ({@code bin/hotswap-bench fleet} starts a
 * local S3Proxy and sets them when no endpoint is given).
 */
public final class FleetSpread {
    private static final int ROW_BYTES = 200;

    private FleetSpread() {
    }

    /** What to run; see the class comment for the flags. */
    record Settings(URI endpoint, Path cli, String bucket, int nodes, List<Integer> pollMillis, int rollouts, int rows,
            Path dir) {

        static Settings parse(String[] args) {
            URI endpoint = null;
            Path cli = null;
            String bucket = "hotswap";
            int nodes = 5;
            List<Integer> poll = List.of(100, 500, 1000);
            int rollouts = 10;
            int rows = 2000;
            Path dir = null;
            for (int i = 0; i < args.length; i++) {
                String value = i + 1 < args.length ? args[i + 1] : null;
                switch (args[i]) {
                    case "--endpoint" -> endpoint = URI.create(require(args[i], value));
                    case "--cli" -> cli = Path.of(require(args[i], value));
                    case "--bucket" -> bucket = require(args[i], value);
                    case "--nodes" -> nodes = Integer.parseInt(require(args[i], value));
                    case "--poll-ms" -> poll = Arrays.stream(require(args[i], value).split(","))
                            .map(Integer::parseInt).toList();
                    case "--rollouts" -> rollouts = Integer.parseInt(require(args[i], value));
                    case "--rows" -> rows = Integer.parseInt(require(args[i], value));
                    case "--dir" -> dir = Path.of(require(args[i], value));
                    case "-h", "--help" -> {
                        return null;
                    }
                    default -> throw new IllegalArgumentException("unknown option " + args[i]);
                }
                i++;
            }
            if (endpoint == null || cli == null) {
                throw new IllegalArgumentException("--endpoint URL and --cli PATH are required (bin/hotswap-bench fleet"
                        + " gives both)");
            }
            return new Settings(endpoint, cli, bucket, nodes, poll, rollouts, rows, dir);
        }

        private static String require(String option, String value) {
            if (value == null) {
                throw new IllegalArgumentException(option + " needs a value");
            }
            return value;
        }
    }

    public static void main(String[] args) throws Exception {
        Settings settings;
        try {
            settings = Settings.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("ERROR: " + e.getMessage());
            System.exit(2);
            return;
        }
        if (settings == null) {
            System.out.println("java -cp hotswap-bench.jar dev.hotswap.bench.FleetSpread --endpoint URL --cli PATH"
                    + " [--bucket hotswap] [--nodes 5] [--poll-ms 100,500,1000] [--rollouts 10] [--rows 2000]"
                    + " [--dir PATH]");
            return;
        }
        QuietLogs.install();
        Path dir = settings.dir() != null ? Files.createDirectories(settings.dir()) : TempDirectory.create();
        PrintStream out = System.out;
        out.println("## Fleet rollouts: CLI push to every server flipped, the spread of the flips, failed requests");
        out.println();
        out.println(Machine.describe());
        out.println("- store: " + settings.endpoint() + ", bucket " + settings.bucket() + "; " + settings.nodes()
                + " servers (engine + Jetty) in one JVM, one reading client each; " + settings.rollouts()
                + " rollouts per poll interval of a " + settings.rows() + "-row database ("
                + Files.size(BenchDatabase.build(dir.resolve("probe.sqlite3"), 0, settings.rows(), ROW_BYTES, false))
                + " bytes)");
        out.println();
        out.println("| poll interval | rollouts flipped everywhere | CLI push → all flipped, median / p90 / max"
                + " | first → last flip, median / p90 / max | max spread / poll interval | requests | failed |");
        out.println("|---:|---:|---:|---:|---:|---:|---:|");
        String run = Long.toString(System.currentTimeMillis(), 36);
        try {
            for (int poll : settings.pollMillis()) {
                out.println(measure(settings, Duration.ofMillis(poll), Files.createDirectories(dir.resolve("p" + poll)),
                        "bench/" + run + "/poll-" + poll));
            }
        } finally {
            if (settings.dir() == null) {
                TempDirectory.delete(dir);
            }
        }
    }

    private static String measure(Settings settings, Duration poll, Path dir, String prefix) throws Exception {
        List<Path> files = List.of(
                BenchDatabase.build(dir.resolve("v1.sqlite3"), 1, settings.rows(), ROW_BYTES, false),
                BenchDatabase.build(dir.resolve("v2.sqlite3"), 2, settings.rows(), ROW_BYTES, false));
        List<FleetServer> servers = new ArrayList<>();
        long[] total = new long[settings.rollouts()];
        long[] spread = new long[settings.rollouts()];
        int complete = 0;
        long requests;
        long failed;
        List<String> failures = new ArrayList<>();
        try {
            for (int i = 1; i <= settings.nodes(); i++) {
                String node = "node-" + i;
                Path live = dir.resolve(node).resolve("production.sqlite3");
                Files.createDirectories(live.getParent());
                BenchDatabase.build(live, 0, settings.rows(), ROW_BYTES, false);
                servers.add(FleetServer.start(node, live, dir.resolve(node).resolve("s.sock"),
                        config(settings, prefix, node, poll)));
            }
            long requestsBefore = servers.stream().mapToLong(FleetServer::requests).sum();
            for (int r = 0; r < settings.rollouts(); r++) {
                int version = r % 2 + 1;
                servers.forEach(server -> server.await(version));
                long start = System.nanoTime();
                String failure = push(settings.cli(), files.get(version - 1), dir.resolve("node-1").resolve("s.sock"));
                long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                while (failure == null && servers.stream().anyMatch(s -> s.seenAt() == 0)) {
                    if (System.nanoTime() > until) {
                        failure = "some clients never saw version " + version + " after the CLI said every node flipped";
                    }
                    Thread.sleep(1);
                }
                if (failure != null) {
                    System.err.println("rollout " + (r + 1) + " did not flip everywhere: " + failure);
                    continue;
                }
                long first = servers.stream().mapToLong(FleetServer::seenAt).min().orElseThrow();
                long last = servers.stream().mapToLong(FleetServer::seenAt).max().orElseThrow();
                total[complete] = (last - start) / 1000;
                spread[complete] = (last - first) / 1000;
                complete++;
            }
            requests = servers.stream().mapToLong(FleetServer::requests).sum() - requestsBefore;
            failed = servers.stream().mapToLong(FleetServer::failed).sum();
            servers.forEach(server -> failures.addAll(server.failures()));
        } finally {
            for (FleetServer server : servers) {
                server.close();
            }
        }
        failures.forEach(failure -> System.err.println("failed request: " + failure));
        Distribution totals = Distribution.of(total, complete);
        Distribution spreads = Distribution.of(spread, complete);
        return String.format(Locale.ROOT, "| %d ms | %d of %d | %s / %s / %s | %s / %s / %s | %.2f | %d | %d |",
                poll.toMillis(), complete, settings.rollouts(), ms(totals.median()), ms(totals.percentile(90)),
                ms(totals.max()), ms(spreads.median()), ms(spreads.percentile(90)), ms(spreads.max()),
                complete == 0 ? 0.0 : spreads.max() / 1000.0 / poll.toMillis(), requests, failed);
    }

    /** Runs {@code hotswap cp FILE production --fleet}; returns null if it said OK, else what it said. */
    private static String push(Path cli, Path file, Path socket) throws Exception {
        Process process = new ProcessBuilder(cli.toString(), "cp", file.toString(), "production", "--fleet",
                "--socket", socket.toString()).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(120, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            return "the CLI did not end within 120 s:\n" + output;
        }
        return process.exitValue() == 0 ? null : "exit " + process.exitValue() + ":\n" + output;
    }

    private static FleetConfig config(Settings settings, String prefix, String node, Duration poll) {
        return FleetConfig.builder(settings.bucket(), node).endpoint(settings.endpoint()).prefix(prefix)
                .pollInterval(poll).heartbeatInterval(Duration.ofSeconds(5)).answerDeadline(Duration.ofMinutes(1))
                .flipTimeout(Duration.ofSeconds(30)).build();
    }

    private static String ms(long micros) {
        return String.format(Locale.ROOT, "%.1f ms", micros / 1000.0);
    }
}
