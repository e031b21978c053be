package dev.hotswap.bench;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Queue;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicBoolean;

import javax.sql.DataSource;

import dev.hotswap.engine.Pin;
import dev.hotswap.engine.SwapGate;

/**
 * One reader thread: requests through the engine's gate and data source until told to stop, as a
 * server thread would run them: {@code gate.enter()}, a connection from the data source, one page of
 * rows by primary-key range (checked to come from one file), {@code pin.leave()}. A failed request is
 * counted and the reader goes on with the next one. Fields are read after {@code join}.
 */
final class Reader implements Runnable {
    /** Rows per read request: a page of results. */
    static final int PAGE = 20;
    /** At most this many failures are kept with their stack traces; all are counted. */
    private static final int KEPT_FAILURES = 5;

    final Thread thread;
    final ReadLog log = new ReadLog();
    private final SwapGate gate;
    private final DataSource data;
    private final int rows;
    private final AtomicBoolean stop;
    private final Queue<Throwable> kept;
    private final SplittableRandom random;
    /** Reads done so far, for the harness to wait until every reader is warm. */
    volatile long reads;
    long failures;

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
        while (!stop.get()) {
            int from = 1 + random.nextInt(rows - PAGE + 1);
            long start = System.nanoTime();
            Pin pin = gate.enter();
            long entered = System.nanoTime();
            long connected = 0;
            long leaving;
            int version = 0;
            try (Connection connection = data.getConnection()) {
                connected = System.nanoTime();
                version = read(connection, from);
            } catch (Exception | AssertionError e) {
                failures++;
                if (kept.size() < KEPT_FAILURES) {
                    kept.add(e);
                }
            } finally {
                leaving = System.nanoTime();
                pin.leave();
            }
            long end = System.nanoTime();
            if (version != 0) {
                log.add(start, entered, connected, leaving, end, version);
            }
            reads++;
        }
    }

    /** One page of rows from {@code from}; returns the version of the file it came from. */
    private static int read(Connection connection, int from) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(BenchDatabase.QUERY)) {
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
        }
    }
}
