package dev.hotswap.engine;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * One engine managing {@code production} in a fixture directory, as {@link DatabaseModelTest} drives
 * it: its {@link FaultyDisk}, a wall clock that tests step, the jobs' connections and the requests'
 * pins it hands out, and crashing it and starting a new one on the same files.
 */
final class EngineUnderTest implements AutoCloseable {
    static final String NAME = "production";
    /** How long a step may leave retirements running on the background thread. */
    private static final Duration SETTLE = Duration.ofSeconds(10);

    private final EngineFixture fixture = new EngineFixture();
    private final SteppingClock clock = new SteppingClock();
    private final int keep;
    private final Path live;
    private final List<Connection> jobs = new ArrayList<>();
    private final List<Pin> requests = new ArrayList<>();
    private FaultyDisk disk;
    /** The fault armed for the step that runs now, or null. */
    private Consumer<FaultyDisk> armed;
    private Hotswap engine;
    /** Whether a failure was injected into a delete since the engine started: a file may stay behind. */
    private boolean deleteFailed;

    EngineUnderTest(int keep, boolean wal) throws Exception {
        this.keep = keep;
        this.live = fixture.versioned(NAME + ".sqlite3", wal, 1, 1);
        start(new FaultyDisk());
    }

    private void start(FaultyDisk fresh) throws IOException {
        disk = fresh;
        deleteFailed = false;
        engine = fixture.builder(live).socketEnabled(false).keep(keep).poolSize(4).disk(disk).clock(clock).build();
        engine.start();
    }

    Hotswap engine() {
        return engine;
    }

    Path live() {
        return live;
    }

    /** The file of generation {@code id}. */
    Path generation(long id) {
        return fixture.generation(NAME + ".sqlite3", id);
    }

    /** The generation files on disk, ascending. */
    List<Long> generationsOnDisk() throws IOException {
        return fixture.generations(NAME + ".sqlite3");
    }

    boolean deleteFailed() {
        return deleteFailed;
    }

    /** Pushes the file of {@code version}. */
    SwapReport push(int version) throws IOException, SwapRefusedException {
        return engine.push(NAME, new ByteArrayInputStream(PushedFiles.version(version)), PushOptions.defaults());
    }

    /** Pushes a file the checks refuse. */
    SwapReport pushRefused(DatabaseOp.Refusal refusal) throws IOException, SwapRefusedException {
        return engine.push(NAME, new ByteArrayInputStream(PushedFiles.refused(refusal)), PushOptions.defaults());
    }

    SwapReport rollback(OptionalLong to) throws IOException, SwapRefusedException {
        return engine.rollback(NAME, to);
    }

    /** A job takes a connection outside any request and writes {@code row} through it. */
    void jobTake(String row) throws SQLException {
        Connection connection = engine.dataSource(NAME).getConnection();
        jobs.add(connection);
        insert(connection, row);
    }

    Connection job(int index) {
        return jobs.get(index);
    }

    void jobRelease(int index) throws SQLException {
        jobs.remove(index).close();
    }

    /** Hands job {@code index}'s connection to the caller, to close it elsewhere. */
    Connection jobTakenAway(int index) {
        return jobs.remove(index);
    }

    /** A request enters; the test thread stays outside it. */
    void requestEnter() {
        Pin pin = engine.gate().enter();
        pin.unbind();
        requests.add(pin);
    }

    /** Runs {@code work} on a connection taken inside request {@code index}, closed after. */
    <T> T inRequest(int index, SqlWork<T> work) throws Exception {
        return requests.get(index).call(() -> {
            try (Connection connection = engine.dataSource(NAME).getConnection()) {
                return work.on(connection);
            }
        });
    }

    void requestLeave(int index) {
        requests.remove(index).leave();
    }

    /** A write outside any request, on a connection taken for it. */
    void write(String row) throws SQLException {
        try (Connection connection = engine.dataSource(NAME).getConnection()) {
            insert(connection, row);
        }
    }

    static void insert(Connection connection, String row) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.executeUpdate("INSERT INTO log (note) VALUES ('" + row + "')");
        }
    }

    /** meta.version through {@code connection}. */
    static int version(Connection connection) throws SQLException {
        return Integer.parseInt(EngineFixture.query(connection, "SELECT version FROM meta").get(0));
    }

    /** meta.version of the current generation, through a connection taken outside any request. */
    int servedVersion() throws SQLException {
        try (Connection connection = engine.dataSource(NAME).getConnection()) {
            return version(connection);
        }
    }

    /** The rows of generation {@code id}'s file, read through a connection of the test's own. */
    List<String> rowsInFile(long id) throws SQLException {
        return EngineFixture.query(generation(id), "SELECT note FROM log ORDER BY id");
    }

    void stepClock(int hours) {
        clock.step(Duration.ofHours(hours));
    }

    /**
     * Fails the {@code call}-th disk call (from 1, named steps not counted) from now on with {@code errno}.
     */
    void failAt(DatabaseOp.Errno errno, int call) {
        arm(disk -> {
            AtomicInteger calls = new AtomicInteger();
            disk.rule(c -> {
                if (c.op() == FaultyDisk.Op.STEP || calls.incrementAndGet() != call) {
                    return null;
                }
                if (c.op() == FaultyDisk.Op.DELETE) {
                    deleteFailed = true;
                }
                String where = " (injected at " + c + ")";
                return new FaultyDisk.Fail(switch (errno) {
                    case EIO -> new IOException("Input/output error" + where);
                    case ENOSPC -> new IOException("No space left on device" + where);
                    case EACCES -> new AccessDeniedException(String.valueOf(c.path()), null, "Permission denied" + where);
                });
            });
        });
    }

    /** Crashes the engine at the {@code call}-th disk call or named step (from 1) from now on. */
    void crashAt(int call) {
        arm(disk -> {
            AtomicInteger calls = new AtomicInteger();
            disk.rule(c -> calls.incrementAndGet() == call ? new FaultyDisk.CrashHere() : null);
        });
    }

    private void arm(Consumer<FaultyDisk> fault) {
        armed = fault;
        fault.accept(disk);
    }

    /** Lets every disk call through again. */
    void noFaults() {
        armed = null;
        disk.rule(c -> null);
    }

    boolean crashed() {
        return disk.crashedAt() != null;
    }

    FaultyDisk.Call crashedAt() {
        return disk.crashedAt();
    }

    /** Waits for the retirements and prunes the last step queued. */
    void settle() throws InterruptedException {
        if (!engine.settle(SETTLE)) {
            throw new AssertionError("retirements still running " + SETTLE + " after the step");
        }
    }

    /**
     * The process dies (or the engine closes), and a new engine starts on the same files, under the
     * fault armed for this step unless the old engine crashed already; a start that fails is followed
     * by one on a sound disk.
     *
     * @return the failure of the first start, or null
     */
    Throwable restart() throws IOException {
        Consumer<FaultyDisk> fault = crashed() ? null : armed;
        noFaults();
        stop();
        FaultyDisk next = new FaultyDisk();
        if (fault != null) {
            fault.accept(next);
        }
        try {
            start(next);
            return null;
        } catch (IOException | FaultyDisk.Crash e) {
            if (engine != null) {
                engine.databases().forEach(ManagedDatabase::close); // a crashed start left its folder locked
            }
            start(new FaultyDisk());
            return e;
        } finally {
            noFaults();
        }
    }

    /** Drops every job and request, as a process that dies does, and closes the engine. */
    private void stop() {
        for (Connection job : jobs) {
            try {
                job.close();
            } catch (SQLException | FaultyDisk.Crash e) {
                // the process is gone: its connections with it
            }
        }
        jobs.clear();
        for (Pin request : requests) {
            try {
                request.leave();
            } catch (FaultyDisk.Crash e) {
                // as above
            }
        }
        requests.clear();
        try {
            engine.close();
        } catch (FaultyDisk.Crash e) {
            // as above
        }
    }

    @Override
    public void close() throws IOException {
        try {
            stop();
        } finally {
            fixture.close();
        }
    }

    /** Work on a connection. */
    @FunctionalInterface
    interface SqlWork<T> {
        T on(Connection connection) throws SQLException;
    }

}
