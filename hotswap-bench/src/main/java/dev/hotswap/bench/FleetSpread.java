package dev.hotswap.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.logging.Level;
import java.util.logging.Logger;

import dev.hotswap.fleet.DatabaseStatus;
import dev.hotswap.fleet.Expected;
import dev.hotswap.fleet.Fleet;
import dev.hotswap.fleet.FleetConfig;
import dev.hotswap.fleet.FleetNode;
import dev.hotswap.fleet.NodeDatabase;
import dev.hotswap.fleet.RolloutResult;
import dev.hotswap.fleet.SqliteNodeDatabase;
import dev.hotswap.fleet.StageRefusedException;
import dev.hotswap.fleet.StagedFile;
import dev.hotswap.fleet.TestDatabases;

/**
 * Fleet rollouts end to end: N nodes in this JVM (each a real {@code FleetNode} over its own SQLite
 * database, through the fleet's seam over real files) and one coordinator, against a real
 * S3-compatible store. For each poll interval, rollouts one after another; per rollout it takes the
 * time from the push (the coordinator's {@code rollout} call) to the moment the last node flipped, and
 * the spread between the first and the last flip, timed where each node's flip happens. The spread
 * is set side by side with the poll interval: nodes flip on their first poll after the commit, so
 * the spread should stay under one or two intervals.
 *
 * <p>Phase 1 of the fleet: the nodes' databases are the test seam, not yet engines behind HTTP
 * servers, so "failed requests during the rollout" is not measured here yet.
 *
 * <pre>
 * java -cp hotswap-bench.jar dev.hotswap.bench.FleetSpread --endpoint http://127.0.0.1:9000
 *     [--bucket hotswap] [--nodes 5] [--poll-ms 100,500,1000] [--rollouts 10] [--rows 2000] [--dir PATH]
 * </pre>
 * Credentials and region come from the usual AWS environment ({@code bin/hotswap-bench fleet} starts a
 * local S3Proxy and sets them when no endpoint is given).
 */
public final class FleetSpread {
    private static final String DATABASE = "production";

    private FleetSpread() {
    }

    /** What to run; see the class comment for the flags. */
    record Settings(URI endpoint, String bucket, int nodes, List<Integer> pollMillis, int rollouts, int rows,
            Path dir) {

        static Settings parse(String[] args) {
            URI endpoint = null;
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
            if (endpoint == null) {
                throw new IllegalArgumentException("--endpoint URL is required (bin/hotswap-bench fleet starts one)");
            }
            return new Settings(endpoint, bucket, nodes, poll, rollouts, rows, dir);
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
            System.out.println("java -cp hotswap-bench.jar dev.hotswap.bench.FleetSpread --endpoint URL [--bucket hotswap]"
                    + " [--nodes 5] [--poll-ms 100,500,1000] [--rollouts 10] [--rows 2000] [--dir PATH]");
            return;
        }
        Logger.getLogger("dev.hotswap.fleet").setLevel(Level.WARNING);
        Path dir = settings.dir() != null ? Files.createDirectories(settings.dir())
                : Files.createTempDirectory("hotswap-fleet-bench");
        PrintStream out = System.out;
        out.println("## Fleet rollouts: push to every node flipped, and the spread of the flips");
        out.println();
        out.println(Machine.describe());
        out.println("- store: " + settings.endpoint() + ", bucket " + settings.bucket() + "; " + settings.nodes()
                + " nodes in one JVM; " + settings.rollouts() + " rollouts per poll interval of a "
                + settings.rows() + "-row database");
        out.println();
        out.println("| poll interval | rollouts flipped everywhere | push → all flipped, median / p90 / max"
                + " | first → last flip, median / p90 / max | max spread / poll interval |");
        out.println("|---:|---:|---:|---:|---:|");
        String run = Long.toString(System.currentTimeMillis(), 36);
        for (int poll : settings.pollMillis()) {
            out.println(measure(settings, Duration.ofMillis(poll), dir.resolve("poll-" + poll), "bench/" + run
                    + "/poll-" + poll));
        }
    }

    private static String measure(Settings settings, Duration poll, Path dir, String prefix) throws Exception {
        List<Path> files = List.of(
                database(dir.resolve("a.sqlite3"), settings.rows(), "a"),
                database(dir.resolve("b.sqlite3"), settings.rows(), "b"));
        ConcurrentMap<String, Long> flips = new ConcurrentHashMap<>();
        List<FleetNode> nodes = new ArrayList<>();
        long[] total = new long[settings.rollouts()];
        long[] spread = new long[settings.rollouts()];
        int complete = 0;
        try {
            for (int i = 1; i <= settings.nodes(); i++) {
                String node = "node-" + i;
                SqliteNodeDatabase database = SqliteNodeDatabase.create(DATABASE,
                        dir.resolve(node).resolve("production.sqlite3"), files.get(1));
                nodes.add(FleetNode.start(config(settings, prefix, node, poll),
                        List.of(new TimedFlips(database, node, flips))));
            }
            try (Fleet fleet = Fleet.connect(config(settings, prefix, "coordinator", poll))) {
                for (int r = 0; r < settings.rollouts(); r++) {
                    flips.clear();
                    long start = System.nanoTime();
                    RolloutResult result = fleet.rollout(DATABASE, files.get(r % 2), Expected.aliveNodes());
                    if (!result.everyNodeFlipped() || flips.size() != settings.nodes()) {
                        System.err.println("rollout " + result.rolloutId() + " did not flip everywhere: "
                                + result.nodes().stream().map(RolloutResult.NodeOutcome::line).toList());
                        continue;
                    }
                    long first = flips.values().stream().mapToLong(Long::longValue).min().orElseThrow();
                    long last = flips.values().stream().mapToLong(Long::longValue).max().orElseThrow();
                    total[complete] = (last - start) / 1000;
                    spread[complete] = (last - first) / 1000;
                    complete++;
                }
            }
        } finally {
            nodes.forEach(FleetNode::close);
        }
        Distribution totals = Distribution.of(total, complete);
        Distribution spreads = Distribution.of(spread, complete);
        return String.format(Locale.ROOT, "| %d ms | %d of %d | %s / %s / %s | %s / %s / %s | %.2f |", poll.toMillis(),
                complete, settings.rollouts(), ms(totals.median()), ms(totals.percentile(90)), ms(totals.max()),
                ms(spreads.median()), ms(spreads.percentile(90)), ms(spreads.max()),
                complete == 0 ? 0.0 : spreads.max() / 1000.0 / poll.toMillis());
    }

    private static FleetConfig config(Settings settings, String prefix, String node, Duration poll) {
        return FleetConfig.builder(settings.bucket(), node).endpoint(settings.endpoint()).prefix(prefix)
                .pollInterval(poll).heartbeatInterval(Duration.ofSeconds(5)).answerDeadline(Duration.ofMinutes(1))
                .flipTimeout(Duration.ofSeconds(30)).build();
    }

    private static Path database(Path file, int rows, String marker) throws IOException {
        String[] names = new String[rows];
        for (int i = 0; i < rows; i++) {
            names[i] = marker + "-" + i;
        }
        return TestDatabases.create(file, TestDatabases.ITEMS, names);
    }

    private static String ms(long micros) {
        return String.format(Locale.ROOT, "%.1f ms", micros / 1000.0);
    }

    /** The node's database, stamping {@code System.nanoTime()} where each flip happens. */
    private record TimedFlips(NodeDatabase database, String node, ConcurrentMap<String, Long> flips)
            implements NodeDatabase {

        @Override
        public String name() {
            return database.name();
        }

        @Override
        public StagedFile stage(InputStream content, String rolloutId) throws StageRefusedException, IOException {
            StagedFile staged = database.stage(content, rolloutId);
            return new StagedFile() {
                @Override
                public long generation() {
                    return staged.generation();
                }

                @Override
                public long activate() throws StageRefusedException, IOException {
                    long pause = staged.activate();
                    flips.put(node, System.nanoTime());
                    return pause;
                }

                @Override
                public void close() throws IOException {
                    staged.close();
                }
            };
        }

        @Override
        public DatabaseStatus status() throws IOException {
            return database.status();
        }

        @Override
        public long rollback(long generation) throws StageRefusedException, IOException {
            return database.rollback(generation);
        }
    }
}
