package dev.hotswap.testkit;

import java.sql.SQLException;
import java.util.Arrays;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;

/**
 * The test application, whichever server runs it: what each route does with the database, and the
 * handles by which a test holds a request at a chosen point and lets it go. Each adapter's test app
 * parses requests and answers them in its server's own idiom, for Undertow on a worker thread before
 * anything blocks, and calls these methods for the rest:
 * <table>
 * <caption>Routes</caption>
 * <tr><td>{@code GET /items}</td><td>200, {@link #items()}</td></tr>
 * <tr><td>{@code POST /items?note=N}</td><td>201, {@link #write(String) write(N)}</td></tr>
 * <tr><td>{@code GET /checksum}</td><td>200, {@link #checksum()}</td></tr>
 * <tr><td>{@code POST /upload}</td><td>reads the body the server's asynchronous way, then 200,
 *     {@link #uploaded(String)}</td></tr>
 * <tr><td>{@code GET /two-connections}</td><td>200, {@link #readTwiceAroundASwap()}</td></tr>
 * <tr><td>{@code GET /async}</td><td>returns from the handler without answering and hands
 *     {@link #asyncPending} a completion that answers 200, {@link #items()}, on whatever thread runs
 *     it, with the request's pin</td></tr>
 * <tr><td>{@code GET /stream}</td><td>200: writes {@link #streamStart()}, and once that write has
 *     completed, {@link #streamEnd()}</td></tr>
 * <tr><td>{@code /throw}, {@code /respond-then-throw}, {@code /fail}, {@code /decline}</td>
 *     <td>see {@link Ending}</td></tr>
 * </table>
 */
public final class TestRoutes {
    /** How many bytes {@link #streamStart()} writes: far more than loopback socket buffers hold. */
    public static final int STREAM_START_BYTES = 16 * 1024 * 1024;

    private final DataSource dataSource;
    private final CountDownLatch betweenConnections = new CountDownLatch(1);
    private final CountDownLatch secondConnection = new CountDownLatch(1);
    private final BlockingQueue<Runnable> pendingAsync = new LinkedBlockingQueue<>();
    private final CountDownLatch streamStarted = new CountDownLatch(1);
    private volatile boolean streamEndRead;

    /** An app on {@code dataSource}, the engine's data source of the managed database. */
    public TestRoutes(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    // What the app does, on the server's threads.

    /** Every item name of the request's generation, in id order, joined by commas. */
    public String items() throws SQLException {
        return Dataset.readItems(dataSource);
    }

    /** Inserts {@code note} into {@code writes}; returns it. */
    public String write(String note) throws SQLException {
        Dataset.insertWrite(dataSource, note);
        return note;
    }

    /** The {@linkplain Dataset#checksum(DataSource) checksum} of the request's generation's items. */
    public String checksum() throws SQLException {
        return Dataset.checksum(dataSource);
    }

    /** What {@code /upload} answers once {@code body} has arrived: its length, then the items read now. */
    public String uploaded(String body) throws SQLException {
        return body.length() + " bytes, " + items();
    }

    /**
     * Reads the items on one connection, waits (after closing it) until the test calls
     * {@link #releaseSecondConnection()}, then reads them on a second connection; answers both, one
     * per line.
     */
    public String readTwiceAroundASwap() throws SQLException, InterruptedException {
        String first = items();
        betweenConnections.countDown();
        Await.await(secondConnection, Await.PATIENCE, "the test to release the second connection");
        return first + "\n" + items();
    }

    /** Records the completion of an {@code /async} request; {@link #completeAsync()} runs it. */
    public void asyncPending(Runnable completion) {
        pendingAsync.add(completion);
    }

    /** The first part of {@code /stream}: {@value #STREAM_START_BYTES} dots. */
    public byte[] streamStart() {
        byte[] dots = new byte[STREAM_START_BYTES];
        Arrays.fill(dots, (byte) '.');
        streamStarted.countDown();
        return dots;
    }

    /** The end of {@code /stream}, read only once the first part was written: the items. */
    public String streamEnd() throws SQLException {
        streamEndRead = true;
        return items();
    }

    // What the test does.

    /** Waits until a {@code /two-connections} request has closed its first connection. */
    public void awaitBetweenConnections() throws InterruptedException {
        Await.await(betweenConnections, Await.PATIENCE, "a /two-connections request between its connections");
    }

    /** Lets the {@code /two-connections} request take its second connection. */
    public void releaseSecondConnection() {
        secondConnection.countDown();
    }

    /** Waits until an {@code /async} request's handler has returned, leaving the request pending. */
    public void awaitAsyncPending() throws InterruptedException {
        Await.await(() -> !pendingAsync.isEmpty(), Await.PATIENCE, "an /async request to be pending");
    }

    /** Completes the pending {@code /async} request on a new thread of the app's own. */
    public void completeAsync() throws InterruptedException {
        Runnable completion = pendingAsync.poll(Await.PATIENCE.toSeconds(), TimeUnit.SECONDS);
        if (completion == null) {
            throw new AssertionError("no /async request pending within " + Await.PATIENCE.toSeconds() + " s");
        }
        Thread completer = new Thread(completion, "async-completer");
        completer.setDaemon(true);
        completer.start();
    }

    /** Waits until a {@code /stream} request has made its first part. */
    public void awaitStreamStarted() throws InterruptedException {
        Await.await(streamStarted, Await.PATIENCE, "a /stream request to start writing");
    }

    /** Whether the {@code /stream} request has read its end. */
    public boolean streamEndRead() {
        return streamEndRead;
    }

    /** Lets go of whatever is still held, so that a failed test does not leave a server thread stuck. */
    public void releaseAll() {
        secondConnection.countDown();
        Runnable completion;
        while ((completion = pendingAsync.poll()) != null) {
            completion.run();
        }
    }
}
