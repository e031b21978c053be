package dev.hotswap.fleet;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

import dev.hotswap.engine.HotswapBuilder;
import dev.hotswap.testkit.LocalS3;

import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A fleet for one test, as a JUnit extension ({@code @RegisterExtension final TestFleet fleet = new
 * TestFleet();}): a fresh bucket on the shared S3Proxy and a temp folder; nodes, each a real hotswap
 * engine with its own SQLite database ({@code production}) in its own folder, joined through
 * {@link HotswapFleet} as an app joins. After each test every node is closed and the folder deleted.
 */
final class TestFleet implements BeforeEachCallback, AfterEachCallback {
    static final String DATABASE = "production";
    /** Earlier generations each node keeps: enough for the rollback tests to go back several rollouts. */
    static final int KEEP = 3;
    private static final AtomicInteger BUCKETS = new AtomicInteger();

    private final StoreFactory storeFactory;
    private LocalS3 s3;
    private URI endpoint;
    private Path dir;
    private String bucket;
    private final Map<String, TestNode> nodes = new LinkedHashMap<>();
    private final List<AutoCloseable> resources = new ArrayList<>();

    /** A fleet on the shared S3Proxy of the current version. */
    TestFleet() {
        this(null);
    }

    /** A fleet on the store {@code storeFactory} gives when each test starts. */
    TestFleet(StoreFactory storeFactory) {
        this.storeFactory = storeFactory;
    }

    /** An S3-compatible store for a test fleet: where it listens, and how a bucket is made there. */
    interface Store {
        URI endpoint();

        void createBucket(String bucket) throws IOException;
    }

    /** The store of a test fleet, looked up when each test starts (it may be started by the class). */
    interface StoreFactory {
        Store store() throws Exception;
    }

    @Override
    public void beforeEach(ExtensionContext context) throws Exception {
        dir = Files.createTempDirectory("hotswap-fleet-test");
        bucket = "fleet-" + BUCKETS.incrementAndGet();
        if (storeFactory == null) {
            s3 = LocalS3.shared();
            endpoint = s3.endpoint();
            s3.createBucket(bucket);
        } else {
            Store store = storeFactory.store();
            endpoint = store.endpoint();
            store.createBucket(bucket);
        }
    }

    @Override
    public void afterEach(ExtensionContext context) throws Exception {
        try {
            close();
        } finally {
            try (Stream<Path> files = Files.walk(dir)) {
                for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(file);
                }
            }
        }
    }

    /** The test's temp folder. */
    Path dir() {
        return dir;
    }

    String bucket() {
        return bucket;
    }

    /** The shared S3Proxy this fleet runs on; null for a fleet on another store. */
    LocalS3 s3() {
        return s3;
    }

    /** Where this fleet's store listens. */
    URI endpoint() {
        return endpoint;
    }

    /** A configuration for {@code node} on this fleet's bucket. */
    FleetConfig.Builder config(String node) {
        return config(endpoint, bucket, node);
    }

    /** A configuration for node {@code node} on {@code bucket} of {@code s3}, with test-sized intervals. */
    static FleetConfig.Builder config(LocalS3 s3, String bucket, String node) {
        return config(s3.endpoint(), bucket, node);
    }

    /** A configuration for node {@code node} on {@code bucket} of the store at {@code endpoint}. */
    static FleetConfig.Builder config(URI endpoint, String bucket, String node) {
        return FleetConfig.builder(bucket, node)
                .endpoint(endpoint)
                .credentials(LocalS3.ACCESS_KEY, LocalS3.SECRET_KEY)
                .pollInterval(Duration.ofMillis(100))
                .heartbeatInterval(Duration.ofSeconds(2))
                .answerDeadline(Duration.ofSeconds(30))
                .flipTimeout(Duration.ofSeconds(10))
                .requestTimeout(Duration.ofSeconds(10));
    }

    /** Creates node {@code node} whose live database has {@code schema} and the row {@code row}, and starts it. */
    TestNode add(String node, String schema, String row) throws IOException {
        return add(node, schema, row, UnaryOperator.identity());
    }

    TestNode add(String node, String schema, String row, UnaryOperator<FleetConfig.Builder> tweak) throws IOException {
        return start(node, prepare(node, schema, row), tweak);
    }

    /** The live path node {@code node} serves, holding {@code schema} and the row {@code row}; not started. */
    Path prepare(String node, String schema, String row) throws IOException {
        return TestDatabases.create(live(node), schema, row);
    }

    Path live(String node) {
        return dir.resolve(node).resolve("db").resolve("production.sqlite3");
    }

    /** Starts node {@code node} again on the database it left on disk, as a restarted server would. */
    TestNode restart(String node) throws IOException {
        return start(node, live(node), UnaryOperator.identity());
    }

    /** Starts an engine on {@code live} joined to this fleet as node {@code node}, with {@code tweak} on its config. */
    TestNode start(String node, Path live, UnaryOperator<FleetConfig.Builder> tweak) throws IOException {
        TestNode started = TestNode.start(node, live, tweak.apply(config(node)).build(), KEEP);
        nodes.put(node, started);
        return started;
    }

    /** Creates and starts node {@code node} as {@link #add} does, with {@code engine} applied to its engine's builder. */
    TestNode addWithEngine(String node, String schema, String row, UnaryOperator<HotswapBuilder> engine) throws IOException {
        TestNode started = TestNode.start(node, prepare(node, schema, row), config(node).build(), KEEP, engine);
        nodes.put(node, started);
        return started;
    }

    /**
     * Starts node {@code node} on a disk without its database (a new server): the engine fetches the
     * fleet's copy, or with {@code tweak} lets it create an empty one.
     */
    TestNode join(String node, UnaryOperator<HotswapBuilder> tweak) throws IOException {
        TestNode started = TestNode.start(node, live(node), config(node).build(), KEEP, tweak);
        nodes.put(node, started);
        return started;
    }

    /** Stops node {@code node} cleanly: it leaves the fleet (deregisters), then its engine closes. */
    void stop(String node) {
        nodes.remove(node).close();
    }

    TestNode node(String node) {
        return nodes.get(node);
    }

    /** What requests on {@code node} read now. */
    List<String> served(String node) throws IOException {
        return nodes.get(node).served();
    }

    /** A new database file to roll out. */
    Path file(String name, String schema, String... rows) throws IOException {
        return TestDatabases.create(dir.resolve(name), schema, rows);
    }

    Fleet coordinator() throws FleetException {
        return coordinator(UnaryOperator.identity());
    }

    Fleet coordinator(UnaryOperator<FleetConfig.Builder> tweak) throws FleetException {
        Fleet fleet = Fleet.connect(tweak.apply(config("ci")).build());
        resources.add(fleet);
        return fleet;
    }

    /** Keeps {@code resource} open until the fleet closes. */
    <T extends AutoCloseable> T track(T resource) {
        resources.add(resource);
        return resource;
    }

    /** Waits for {@code condition}, at most {@code timeout}, failing with what was awaited. */
    static void await(Duration timeout, String what, Check condition) throws Exception {
        long until = System.nanoTime() + timeout.toNanos();
        while (!condition.holds()) {
            if (System.nanoTime() > until) {
                throw new AssertionError("timed out after " + timeout.toMillis() + " ms waiting for " + what);
            }
            Thread.sleep(20);
        }
    }

    /** A condition that may read files or the store. */
    interface Check {
        boolean holds() throws Exception;
    }

    private void close() throws IOException {
        for (TestNode node : nodes.values()) {
            node.close();
        }
        for (AutoCloseable resource : resources) {
            try {
                resource.close();
            } catch (IOException | RuntimeException e) {
                throw e;
            } catch (Exception e) {
                throw new IOException("closing " + resource, e);
            }
        }
    }
}
