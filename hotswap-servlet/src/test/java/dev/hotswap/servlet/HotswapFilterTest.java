package dev.hotswap.servlet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hotswap.testkit.Dataset;
import dev.hotswap.testkit.Hammer;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The Servlet filter on a real embedded Tomcat 11: requests across swaps, asynchronous cycles,
 * dispatches, error pages, and the gate left exactly once on every path.
 */
class HotswapFilterTest {
    private static final int CLIENTS = 8;
    private static final int SWAPS = 20;

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void readersSeeExactlyTheOldOrTheNewDatasetAcrossSwaps(@TempDir Path dir) throws Exception {
        try (TomcatFixture server = TomcatFixture.start(dir, TomcatFixture.PATIENT_DRAIN, false)) {
            server.assertReadersSeeOneDatasetAcrossSwaps(CLIENTS, SWAPS);
        }
    }

    /** WAL, as a web application with writers runs SQLite (see the test kit for why). */
    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void writersNeverFailAcrossSwaps(@TempDir Path dir) throws Exception {
        try (TomcatFixture server = TomcatFixture.start(dir, TomcatFixture.PATIENT_DRAIN, true)) {
            server.assertWritersNeverFailAcrossSwaps(CLIENTS, SWAPS);
        }
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void asyncRequestHoldsTheGateUntilItsCycleCompletes(@TempDir Path dir) throws Exception {
        try (TomcatFixture server = TomcatFixture.start(dir, TomcatFixture.PATIENT_DRAIN, false)) {
            CompletableFuture<HttpResponse<String>> async = server.getAsync("/async");
            server.app.awaitAsync();
            awaitInFlight(server, 1);

            CompletableFuture<Void> swap = CompletableFuture.runAsync(() -> swapQuietly(server, server.newData));
            server.awaitGateClosed();
            CompletableFuture<HttpResponse<String>> queued = server.getAsync("/items");
            assertFalse(swap.isDone(), "the swap waits for the pending asynchronous cycle");

            server.app.completeAsync();
            HttpResponse<String> asyncResponse = async.get();
            assertEquals(200, asyncResponse.statusCode());
            assertEquals(server.oldData.text(), asyncResponse.body(), "completed on the old database");
            swap.get();
            assertEquals(server.newData.text(), queued.get().body(), "queued during the drain, ran after");
            server.awaitGateEmpty();
        }
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void asyncDispatchAndItsSecondCycleStayInTheRequestsOnePassage(@TempDir Path dir) throws Exception {
        try (TomcatFixture server = TomcatFixture.start(dir, Duration.ofSeconds(5), false)) {
            HttpResponse<String> response = server.get("/async-dispatch");

            assertEquals(200, response.statusCode());
            assertEquals("in flight 1", response.body(), "the dispatch passed through, without entering again");
            server.awaitGateEmpty();
        }
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void forwardAndIncludePassThroughWithoutEnteringAgain(@TempDir Path dir) throws Exception {
        try (TomcatFixture server = TomcatFixture.start(dir, Duration.ofSeconds(5), false)) {
            assertEquals("in flight 1", server.get("/forward").body());
            assertEquals("in flight 1", server.get("/include").body());
            server.awaitGateEmpty();
        }
    }

    /**
     * Ways a request ends other than normally, how many requests of each the clients send (the
     * container checks asynchronous timeouts about once a second), and what they answer: the error
     * page, which enters the gate anew once the failed request has left it.
     */
    enum Ending {
        SERVLET_THROWS("/throw", 500, 200),
        SENDS_ERROR("/send-error", 503, 200),
        ASYNC_TIMES_OUT("/async-timeout", 500, 3),
        ASYNC_THEN_THROWS("/async-throw", 500, 200);

        final String path;
        final int status;
        final int perClient;

        Ending(String path, int status, int perClient) {
            this.path = path;
            this.status = status;
            this.perClient = perClient;
        }
    }

    @ParameterizedTest
    @EnumSource(Ending.class)
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void gateIsLeftOnceWhenARequestFailsOrTimesOut(Ending ending, @TempDir Path dir) throws Exception {
        try (TomcatFixture server = TomcatFixture.start(dir, Duration.ofSeconds(5), false)) {
            HttpResponse<String> alone = server.get(ending.path);
            assertEquals(ending.status, alone.statusCode());
            assertEquals("error page, in flight 1", alone.body());

            Hammer clients = Hammer.start(4, ending.perClient, (client, sequence) -> {
                int status = server.get(ending.path).statusCode();
                return status == ending.status ? null : "status " + status;
            });
            Hammer.Tally tally = clients.await();

            assertEquals(4L * ending.perClient, tally.requests());
            assertEquals(0, tally.failureCount(), () -> tally.failures().toString());
            server.awaitGateEmpty();
            server.swapTo(server.newData);
            assertEquals(server.newData.text(), server.items());
        }
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void requestInterruptedWhileASwapDrainsIsAnswered503WithoutEntering(@TempDir Path dir) throws Exception {
        try (TomcatFixture server = TomcatFixture.start(dir, TomcatFixture.PATIENT_DRAIN, false)) {
            CompletableFuture<HttpResponse<String>> async = server.getAsync("/async");
            server.app.awaitAsync();
            CompletableFuture<Void> swap = CompletableFuture.runAsync(() -> swapQuietly(server, server.newData));
            server.awaitGateClosed();

            assertEquals(503, server.get("/interrupted").statusCode());
            assertTrue(server.interrupting.leftInterrupted.get(), "the interrupt flag is restored");

            server.app.completeAsync();
            assertEquals(server.oldData.text(), async.get().body());
            swap.get();
            assertEquals(server.newData.text(), server.items());
            server.awaitGateEmpty();
        }
    }

    private static void awaitInFlight(TomcatFixture server, long expected) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (server.gate().inFlight() != expected && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertEquals(expected, server.gate().inFlight(), "requests in the gate");
    }

    private static void swapQuietly(TomcatFixture server, Dataset dataset) {
        try {
            server.swapTo(dataset);
        } catch (Exception e) {
            throw new IllegalStateException("swap to " + dataset.file() + " failed", e);
        }
    }
}
