package dev.hotswap.undertow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hotswap.engine.SwapRefusedException;
import dev.hotswap.testkit.Dataset;
import dev.hotswap.testkit.Hammer;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The Undertow gate on a real server: exchanges across swaps, dispatch, async ends, failures, interrupts. */
class HotswapUndertowTest {
    private static final int CLIENTS = 8;
    private static final int SWAPS = 50;
    private static final int REQUEST_CAP = 5_000;

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void readersSeeExactlyTheOldOrTheNewDatasetAcrossFiftySwaps(@TempDir Path dir) throws Exception {
        try (UndertowFixture server = UndertowFixture.start(dir, UndertowFixture.PATIENT_DRAIN)) {
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
            server.awaitGateEmpty();
        }
    }

    /**
     * WAL, as a web application with writers runs SQLite. In rollback-journal mode continuous writers
     * hold off the engine's read of the live schema (before the pause, waiting up to its busy
     * timeout), which slows every swap down and once made pushes fail; the engine's own load test
     * covers both journal modes.
     */
    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void writersNeverFailAcrossSwaps(@TempDir Path dir) throws Exception {
        try (UndertowFixture server = UndertowFixture.start(dir, UndertowFixture.PATIENT_DRAIN, true)) {
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
            server.awaitGateEmpty();
        }
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void applicationRunsOnAWorkerThreadNeverOnAnIoThread(@TempDir Path dir) throws Exception {
        try (UndertowFixture server = UndertowFixture.start(dir, UndertowFixture.PATIENT_DRAIN)) {
            HttpResponse<String> response = server.get("/thread");

            assertEquals(200, response.statusCode());
            assertEquals("worker", response.body());
            server.awaitGateEmpty();
        }
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void asyncExchangeHoldsTheGateUntilItEnds(@TempDir Path dir) throws Exception {
        try (UndertowFixture server = UndertowFixture.start(dir, UndertowFixture.PATIENT_DRAIN)) {
            CompletableFuture<HttpResponse<String>> async = server.getAsync("/async");
            server.app.awaitAsync();
            assertEquals(1, server.gate().inFlight(), "the handler returned, the exchange is open");

            CompletableFuture<Void> swap = CompletableFuture.runAsync(() -> swapQuietly(server, server.newData));
            server.awaitGateClosed();
            CompletableFuture<HttpResponse<String>> queued = server.getAsync("/items");
            assertFalse(swap.isDone(), "the swap waits for the open exchange");

            server.app.completeAsync();
            HttpResponse<String> asyncResponse = async.get();
            assertEquals(200, asyncResponse.statusCode());
            assertEquals(server.oldData.text(), asyncResponse.body(), "ended on the old database");
            swap.get();
            assertEquals(server.newData.text(), queued.get().body(), "queued during the drain, ran after");
            server.awaitGateEmpty();
        }
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void swapGivesUpWhenARequestOutlivesTheDrainTimeoutAndTheRequestStillCompletes(@TempDir Path dir)
            throws Exception {
        try (UndertowFixture server = UndertowFixture.start(dir, Duration.ofMillis(200))) {
            CompletableFuture<HttpResponse<String>> held = server.getAsync("/hold");
            server.app.awaitHeld();

            SwapRefusedException refused = assertThrows(SwapRefusedException.class,
                    () -> server.swapTo(server.newData));
            assertTrue(refused.getMessage().startsWith("ERROR: "), refused.getMessage());
            assertTrue(refused.getMessage().contains("drain"), refused.getMessage());
            assertFalse(server.gate().isClosed(), "the gate reopened");
            assertEquals(server.oldData.text(), server.items(), "requests pass, on the untouched database");

            server.app.releaseHeld();
            HttpResponse<String> heldResponse = held.get();
            assertEquals(200, heldResponse.statusCode());
            assertEquals(server.oldData.text(), heldResponse.body());
            server.awaitGateEmpty();
            server.swapTo(server.newData);
            assertEquals(server.newData.text(), server.items());
        }
    }

    /** Ways an application handler throws instead of ending the exchange. */
    enum Failure {
        THROWS("/throw"),
        DISPATCHED_HANDLER_THROWS("/dispatched-throw");

        final String path;

        Failure(String path) {
            this.path = path;
        }
    }

    @ParameterizedTest
    @EnumSource(Failure.class)
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void gateIsLeftOnceWhenHandlerThrows(Failure failure, @TempDir Path dir) throws Exception {
        // Undertow logs every exception with its stack trace; these thousand are on purpose.
        Logger requestLogger = Logger.getLogger("io.undertow.request");
        Level level = requestLogger.getLevel();
        requestLogger.setLevel(Level.OFF);
        try (UndertowFixture server = UndertowFixture.start(dir, Duration.ofSeconds(5))) {
            Hammer clients = Hammer.start(4, 250, (client, sequence) -> {
                int status = server.get(failure.path).statusCode();
                return status == 500 ? null : "status " + status;
            });
            Hammer.Tally tally = clients.await();

            assertEquals(1_000, tally.requests());
            assertEquals(0, tally.failureCount(), () -> tally.failures().toString());
            server.awaitGateEmpty();
            server.swapTo(server.newData);
            assertEquals(server.newData.text(), server.items());
        } finally {
            requestLogger.setLevel(level);
        }
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void requestInterruptedWhileASwapDrainsIsAnswered503WithoutEntering(@TempDir Path dir) throws Exception {
        try (UndertowFixture server = UndertowFixture.start(dir, UndertowFixture.PATIENT_DRAIN)) {
            CompletableFuture<HttpResponse<String>> held = server.getAsync("/hold");
            server.app.awaitHeld();
            CompletableFuture<Void> swap = CompletableFuture.runAsync(() -> swapQuietly(server, server.newData));
            server.awaitGateClosed();

            HttpResponse<String> interrupted = server.get("/interrupted");
            assertEquals(503, interrupted.statusCode());
            assertTrue(server.interrupting.leftInterrupted.get(), "the interrupt flag is restored");

            server.app.releaseHeld();
            assertEquals(server.oldData.text(), held.get().body());
            swap.get();
            assertEquals(server.newData.text(), server.items());
            server.awaitGateEmpty();
        }
    }

    private static void swapQuietly(UndertowFixture server, Dataset dataset) {
        try {
            server.swapTo(dataset);
        } catch (Exception e) {
            throw new IllegalStateException("swap to " + dataset.file() + " failed", e);
        }
    }
}
