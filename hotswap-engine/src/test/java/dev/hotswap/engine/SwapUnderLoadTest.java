package dev.hotswap.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import javax.sql.DataSource;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Swaps under concurrent readers and writers that go through the gate and the engine's data source:
 * no operation fails, and every request sees one generation, old or new, never a mix, even across
 * the separate connections it takes.
 */
@Timeout(60)
class SwapUnderLoadTest {
    private static final int READERS = 3;
    private static final int WRITERS = 2;
    private static final int SWAPS = 3;

    private final EngineFixture fixture = new EngineFixture();

    @AfterEach
    void cleanUp() throws IOException {
        fixture.close();
    }

    @ParameterizedTest(name = "wal={0}")
    @ValueSource(booleans = {true, false})
    void readersAndWritersNeverFailAndSeeOneDatabase(boolean wal) throws Exception {
        Path live = fixture.versioned("production.sqlite3", wal, 1, 100);
        List<byte[]> versions = new ArrayList<>();
        for (int v = 2; v <= SWAPS + 1; v++) {
            // Version v has 100 * v rows, all tagged v: a mixed read shows as a wrong count or tag.
            versions.add(Files.readAllBytes(fixture.versioned("v" + v + ".sqlite3", !wal, v, 100 * v)));
        }
        AtomicBoolean stop = new AtomicBoolean();
        Queue<Throwable> failures = new ConcurrentLinkedQueue<>();
        AtomicLong reads = new AtomicLong();
        AtomicLong writes = new AtomicLong();
        ExecutorService workers = Executors.newFixedThreadPool(READERS + WRITERS);
        try (Hotswap hotswap = fixture.builder(live).socketEnabled(false).build().start()) {
            SwapGate gate = hotswap.gate();
            DataSource data = hotswap.dataSource("production");
            List<Future<?>> running = new ArrayList<>();
            for (int i = 0; i < READERS; i++) {
                running.add(workers.submit(() -> {
                    int lastVersion = 1;
                    while (!stop.get()) {
                        try {
                            int version = readOnce(gate, data);
                            if (version < lastVersion) {
                                throw new AssertionError("saw version " + version + " after " + lastVersion);
                            }
                            lastVersion = version;
                            reads.incrementAndGet();
                        } catch (Throwable e) {
                            failures.add(e);
                            return;
                        }
                    }
                }));
            }
            for (int i = 0; i < WRITERS; i++) {
                int writer = i;
                running.add(workers.submit(() -> {
                    while (!stop.get()) {
                        try {
                            writeOnce(gate, data, "writer " + writer);
                            writes.incrementAndGet();
                            // Requests, not a hot loop: in rollback mode back-to-back writers can starve
                            // readers past any busy timeout, which is SQLite's locking, not the swap.
                            Thread.sleep(1);
                        } catch (Throwable e) {
                            failures.add(e);
                            return;
                        }
                    }
                }));
            }
            for (byte[] version : versions) {
                waitForProgress(reads, writes, failures);
                hotswap.push("production", new ByteArrayInputStream(version), PushOptions.defaults());
            }
            waitForProgress(reads, writes, failures);
            stop.set(true);
            for (Future<?> future : running) {
                future.get(30, TimeUnit.SECONDS);
            }
            assertTrue(failures.isEmpty(), () -> describe(failures));
            try (Connection c = data.getConnection()) {
                assertEquals(List.of(Integer.toString(SWAPS + 1)), EngineFixture.query(c, "SELECT version FROM meta"));
                assertEquals(List.of("ok"), EngineFixture.query(c, "PRAGMA integrity_check"));
                assertEquals(List.of(wal ? "wal" : "delete"), EngineFixture.query(c, "PRAGMA journal_mode"));
            }
        } finally {
            stop.set(true);
            workers.shutdownNow();
        }
    }

    /** Both counters move (and nothing failed) since the call: the workers run on the current file. */
    private static void waitForProgress(AtomicLong reads, AtomicLong writes, Queue<Throwable> failures)
            throws InterruptedException {
        long readsBefore = reads.get() + 5;
        long writesBefore = writes.get() + 5;
        while ((reads.get() < readsBefore || writes.get() < writesBefore) && failures.isEmpty()) {
            Thread.sleep(5);
        }
        assertTrue(failures.isEmpty(), () -> describe(failures));
    }

    /** Failures with their stack traces: where an operation failed matters more than that it did. */
    private static String describe(Queue<Throwable> failures) {
        java.io.StringWriter text = new java.io.StringWriter();
        failures.forEach(failure -> failure.printStackTrace(new java.io.PrintWriter(text, true)));
        return text.toString();
    }

    /**
     * One read request: the version from one connection, the items from a second one taken after it
     * was closed; both must be of the generation the request pinned.
     */
    private static int readOnce(SwapGate gate, DataSource data) throws Exception {
        Pin pin = gate.enter();
        try {
            int version;
            try (Connection c = data.getConnection(); Statement s = c.createStatement();
                    ResultSet row = s.executeQuery("SELECT version FROM meta")) {
                row.next();
                version = row.getInt(1);
            }
            Thread.yield(); // room for a swap between the two connections
            try (Connection c = data.getConnection(); PreparedStatement s = c.prepareStatement(
                    "SELECT count(*), sum(version <> ?) FROM items")) {
                s.setInt(1, version);
                try (ResultSet row = s.executeQuery()) {
                    row.next();
                    if (row.getInt(1) != 100 * version || row.getInt(2) != 0) {
                        throw new AssertionError("version " + version + " but " + row.getInt(1) + " items, "
                                + row.getInt(2) + " of another version");
                    }
                }
            }
            return version;
        } finally {
            pin.leave();
        }
    }

    private static void writeOnce(SwapGate gate, DataSource data, String note) throws Exception {
        Pin pin = gate.enter();
        try (Connection c = data.getConnection(); PreparedStatement s = c.prepareStatement("INSERT INTO log (note) VALUES (?)")) {
            s.setString(1, note);
            s.executeUpdate();
        } finally {
            pin.leave();
        }
    }
}
