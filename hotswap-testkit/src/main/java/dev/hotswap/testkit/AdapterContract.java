package dev.hotswap.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hotswap.engine.Hotswap;
import dev.hotswap.engine.SwapReport;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * What every server adapter must do, as one suite that each adapter's tests run on their server: a
 * subclass starts its server with the adapter in front of the {@link TestRoutes test app} and says
 * what the server answers for each {@link Ending}:
 * <pre>{@code
 * class JettyAdapterTest extends AdapterContract {
 *     protected RunningServer start(Hotswap hotswap, TestRoutes app) throws Exception { ... }
 *     protected int status(Ending ending) { ... }
 * }
 * }</pre>
 *
 * <p>The contract: a push never waits for requests; every request sees exactly one generation, the one
 * current when it arrived, however long it runs and on whichever threads the server continues it;
 * every request leaves the gate exactly once, however it ends.
 */
public abstract class AdapterContract {
    private static final int CLIENTS = 8;
    private static final int SWAPS = 50;
    private static final int REQUEST_CAP = 5_000;
    private static final Duration TRICKLE_PAUSE = Duration.ofMillis(20);

    /** Starts the server under test; see {@link LiveServer.Factory#start}. */
    protected abstract RunningServer start(Hotswap hotswap, TestRoutes app) throws Exception;

    /** The status the server answers when a request ends {@code ending}'s way. */
    protected abstract int status(Ending ending);

    private LiveServer serve(Path dir, boolean wal) throws Exception {
        return LiveServer.start(dir, wal, this::start);
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void readersSeeExactlyTheOldOrTheNewDatasetAcrossFiftySwaps(@TempDir Path dir) throws Exception {
        try (LiveServer server = serve(dir, false)) {
            Hammer readers = Hammer.start(CLIENTS, REQUEST_CAP, (client, sequence) -> {
                HttpResponse<String> response = server.get("/items");
                if (response.statusCode() != 200) {
                    return "status " + response.statusCode() + ": " + response.body();
                }
                String body = response.body();
                return body.equals(server.oldData.text()) || body.equals(server.newData.text())
                        ? null : "neither dataset: " + body;
            });
            readers.awaitEveryClient();
            for (int i = 0; i < SWAPS; i++) {
                Dataset next = i % 2 == 0 ? server.newData : server.oldData;
                server.swapTo(next);
                assertEquals(next.text(), server.items(), "right after swap " + (i + 1));
            }
            Hammer.Tally tally = readers.stop();

            assertEquals(0, tally.failureCount(), () -> tally.failures().toString());
            assertTrue(tally.requests() >= CLIENTS, "requests: " + tally.requests());
            server.awaitIdle();
        }
    }

    /** WAL, as a web application with writers runs SQLite. */
    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void writersNeverFailAcrossFiftySwaps(@TempDir Path dir) throws Exception {
        try (LiveServer server = serve(dir, true)) {
            Hammer writers = Hammer.start(CLIENTS, REQUEST_CAP, (client, sequence) -> {
                String note = "c" + client + "-" + sequence;
                HttpResponse<String> response = server.post("/items?note=" + note);
                return response.statusCode() == 201 && response.body().equals(note)
                        ? null : "status " + response.statusCode() + ": " + response.body();
            });
            writers.awaitEveryClient();
            for (int i = 0; i < SWAPS; i++) {
                server.swapTo(i % 2 == 0 ? server.newData : server.oldData);
            }
            Hammer.Tally tally = writers.stop();

            assertEquals(0, tally.failureCount(), () -> tally.failures().toString());
            assertTrue(tally.requests() >= CLIENTS, "requests: " + tally.requests());
            server.awaitIdle();
        }
    }

    /**
     * A client sends a POST body a byte at a time; a push lands meanwhile. The push returns while the
     * body is still coming (the last byte goes only after it), other requests get the new generation
     * meanwhile, and the upload is answered from the generation it started on.
     */
    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void pushLandsAtOnceWhileABodyTricklesInAndTheUploadFinishesOnItsGeneration(@TempDir Path dir)
            throws Exception {
        try (LiveServer server = serve(dir, false);
                SlowClient upload = SlowClient.open(server.port(), "POST", "/upload", 64)) {
            byte[] body = new byte[64];
            Arrays.fill(body, (byte) 'x');
            CountDownLatch pushed = new CountDownLatch(1);
            CompletableFuture<SlowClient.Answer> answer = inBackground("upload", () -> {
                upload.trickle(Arrays.copyOf(body, body.length - 1), TRICKLE_PAUSE);
                Await.await(pushed, Await.PATIENCE, "the push to return");
                upload.send(new byte[] {body[body.length - 1]});
                return upload.answer();
            });
            Await.await(() -> server.gate().inFlight() == 1, Await.PATIENCE, "the upload to enter the gate");

            swapPast(server, "the upload");
            Hammer others = Hammer.start(4, 25, (client, sequence) -> {
                String items = server.items();
                return items.equals(server.newData.text()) ? null : "not the new dataset: " + items;
            });
            Hammer.Tally tally = others.await();
            assertEquals(0, tally.failureCount(), () -> tally.failures().toString());
            assertFalse(answer.isDone(), "the upload is still waiting for its last byte");
            pushed.countDown();

            SlowClient.Answer uploaded = Await.result(answer, Await.PATIENCE, "the upload's answer");
            assertEquals(200, uploaded.status(), uploaded.body());
            assertEquals(body.length + " bytes, " + server.oldData.text(), uploaded.body(),
                    "answered from the generation it started on");
            server.awaitIdle();
        }
    }

    /** A client that gives up halfway through its body: the server ends the request, which leaves. */
    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void uploadAbandonedMidBodyLeavesTheGate(@TempDir Path dir) throws Exception {
        try (LiveServer server = serve(dir, false)) {
            try (SlowClient upload = SlowClient.open(server.port(), "POST", "/upload", 64)) {
                upload.trickle(new byte[8], TRICKLE_PAUSE);
                Await.await(() -> server.gate().inFlight() == 1, Await.PATIENCE, "the upload to enter the gate");
            }
            server.awaitIdle();
            assertEquals(server.oldData.text(), server.items());
        }
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void requestSeesOneGenerationAcrossTwoConnectionsWithASwapBetweenThem(@TempDir Path dir) throws Exception {
        try (LiveServer server = serve(dir, false)) {
            CompletableFuture<HttpResponse<String>> twice = server.getAsync("/two-connections");
            server.app.awaitBetweenConnections();

            swapPast(server, "the request between its connections");
            server.app.releaseSecondConnection();

            HttpResponse<String> response = Await.result(twice, Await.PATIENCE, "the /two-connections answer");
            assertEquals(200, response.statusCode(), response.body());
            assertEquals(server.oldData.text() + "\n" + server.oldData.text(), response.body(),
                    "both connections of the old generation");
            server.awaitIdle();
        }
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void asyncRequestFinishesOnItsGenerationOnAnotherThreadAndLeavesOnce(@TempDir Path dir) throws Exception {
        try (LiveServer server = serve(dir, false)) {
            CompletableFuture<HttpResponse<String>> async = server.getAsync("/async");
            server.app.awaitAsyncPending();
            assertEquals(1, server.gate().inFlight(), "the handler returned; the request is still in flight");

            swapPast(server, "the pending request");
            server.app.completeAsync();

            HttpResponse<String> response = Await.result(async, Await.PATIENCE, "the /async answer");
            assertEquals(200, response.statusCode(), response.body());
            assertEquals(server.oldData.text(), response.body(), "completed on the generation it started on");
            server.awaitIdle();
        }
    }

    /**
     * A response whose first part fills the socket buffers: the server finishes it only as the client
     * reads, which it does after a swap. The end, read from the database only then, is of the old
     * generation.
     */
    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void streamedResponseFinishesOnItsGenerationWhenItsWriteCompletesAfterASwap(@TempDir Path dir)
            throws Exception {
        try (LiveServer server = serve(dir, false);
                SlowClient stream = SlowClient.open(server.port(), "GET", "/stream", 0)) {
            server.app.awaitStreamStarted();

            swapPast(server, "the stream");
            assertFalse(server.app.streamEndRead(), "the first part is still being written");

            SlowClient.Answer answer = stream.answer();
            assertEquals(200, answer.status());
            assertEquals(TestRoutes.STREAM_START_BYTES + server.oldData.text().length(), answer.body().length());
            assertEquals(server.oldData.text(), answer.body().substring(TestRoutes.STREAM_START_BYTES),
                    "the end was read from the generation the request started on");
            server.awaitIdle();
        }
    }

    /**
     * A job of the app writes through the engine's data source in a tight loop, outside any request,
     * while 200 pushes of a WAL database of a few thousand rows land: no write fails, every push's
     * rows are all there right after it, and the database is intact at the end.
     */
    @Test
    @Timeout(value = 180, unit = TimeUnit.SECONDS)
    void backgroundWriterOutsideRequestsLosesNoPushedRowAcross200Swaps(@TempDir Path dir) throws Exception {
        try (LiveServer server = serve(dir, true)) {
            Dataset[] pushed = {
                Dataset.create(dir.resolve("a.sqlite3"), "a", 3_000, true),
                Dataset.create(dir.resolve("b.sqlite3"), "b", 3_001, true),
            };
            DataSource dataSource = server.hotswap().dataSource(LiveServer.DATABASE);
            Hammer writer = Hammer.start(1, Integer.MAX_VALUE, (job, sequence) -> {
                Dataset.insertWrite(dataSource, "bg-" + sequence);
                return null;
            });
            writer.awaitEveryClient();
            for (int i = 0; i < 200; i++) {
                Dataset next = pushed[i % 2];
                server.swapTo(next);
                assertEquals(next.checksum(), server.read("/checksum"), "right after push " + (i + 1));
            }
            Await.await(() -> count(dataSource, "SELECT count(*) FROM writes") > 0, Await.PATIENCE,
                    "the writer's first row in the last pushed generation");
            Hammer.Tally tally = writer.stop();

            assertEquals(0, tally.failureCount(), () -> tally.failures().toString());
            try (Connection connection = dataSource.getConnection();
                    Statement statement = connection.createStatement();
                    ResultSet check = statement.executeQuery("PRAGMA integrity_check")) {
                assertTrue(check.next());
                assertEquals("ok", check.getString(1));
            }
            server.awaitIdle();
        }
    }

    @ParameterizedTest
    @EnumSource(Ending.class)
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void gateIsLeftOnceHoweverTheHandlerEnds(Ending ending, @TempDir Path dir) throws Exception {
        int expected = status(ending);
        try (LiveServer server = serve(dir, false)) {
            Hammer clients = Hammer.start(4, 100, (client, sequence) -> {
                int status = getAgainIfDropped(server, ending.path()).statusCode();
                return status == expected ? null : "status " + status + ", expected " + expected;
            });
            Hammer.Tally tally = clients.await();

            assertEquals(400, tally.requests());
            assertEquals(0, tally.failureCount(), () -> tally.failures().toString());
            server.awaitIdle();
            SwapReport report = server.swapTo(server.newData);
            assertNotNull(report.released(), "nothing holds the old generation");
            assertEquals(server.newData.text(), server.items());
        }
    }

    /**
     * {@code GET path}, sent once more if the connection failed before any answer came, as HTTP
     * clients do for an idempotent request: after a handler threw, a server may close the
     * keep-alive connection (Tomcat does once the answer was committed) just as the client sends the
     * next request on it. A request that never reached the server never entered the gate.
     */
    private static HttpResponse<String> getAgainIfDropped(LiveServer server, String path)
            throws IOException, InterruptedException {
        try {
            return server.get(path);
        } catch (IOException dropped) {
            return server.get(path);
        }
    }

    /**
     * Pushes the new dataset while {@code holder}, a request in flight, holds the old generation: the
     * push returns without waiting for it (its report says the old generation is still in use), and a
     * new request gets the new generation.
     */
    private static void swapPast(LiveServer server, String holder) throws Exception {
        SwapReport report = server.swapTo(server.newData);
        assertNull(report.released(), holder + " still holds the old generation");
        assertEquals(server.newData.text(), server.items(), "a new request gets the new generation");
    }

    private static long count(DataSource dataSource, String sql) {
        try (Connection connection = dataSource.getConnection();
                Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery(sql)) {
            rows.next();
            return rows.getLong(1);
        } catch (SQLException e) {
            throw new AssertionError(sql + " failed: " + e, e);
        }
    }

    /** Runs {@code work} on a new daemon thread named {@code name}; its result or failure completes the future. */
    private static <T> CompletableFuture<T> inBackground(String name, Callable<T> work) {
        CompletableFuture<T> result = new CompletableFuture<>();
        Thread thread = new Thread(() -> {
            try {
                result.complete(work.call());
            } catch (Throwable e) {
                result.completeExceptionally(e);
            }
        }, name);
        thread.setDaemon(true);
        thread.start();
        return result;
    }
}
