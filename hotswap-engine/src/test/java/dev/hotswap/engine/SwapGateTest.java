package dev.hotswap.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The request gate on its own: concurrency, draining, timeouts, release. */
@Timeout(20)
class SwapGateTest {
    private final SwapGate gate = new SwapGate();
    private final ExecutorService threads = Executors.newCachedThreadPool();

    @AfterEach
    void stop() {
        threads.shutdownNow();
    }

    @Test
    void requestsPassConcurrently() throws Exception {
        int n = 8;
        CountDownLatch inside = new CountDownLatch(n);
        CountDownLatch release = new CountDownLatch(1);
        for (int i = 0; i < n; i++) {
            threads.submit(() -> {
                gate.enter();
                try {
                    inside.countDown();
                    release.await();
                } finally {
                    gate.leave();
                }
                return null;
            });
        }
        assertTrue(inside.await(10, TimeUnit.SECONDS), "all requests inside at once");
        assertEquals(n, gate.inFlight());
        release.countDown();
        threads.shutdown();
        assertTrue(threads.awaitTermination(10, TimeUnit.SECONDS));
        assertEquals(0, gate.inFlight());
    }

    @Test
    void closeWaitsForInFlightRequestsToDrain() throws Exception {
        gate.enter();
        Future<Boolean> closing = threads.submit(() -> gate.closeAndDrain(Duration.ofSeconds(10)));
        assertThrows(TimeoutException.class, () -> closing.get(100, TimeUnit.MILLISECONDS));
        gate.leave();
        assertTrue(closing.get(10, TimeUnit.SECONDS));
        assertTrue(gate.isClosed());
        gate.open();
    }

    @Test
    void leaveOnAnotherThreadCountsToo() throws Exception {
        gate.enter();
        threads.submit(gate::leave).get(10, TimeUnit.SECONDS);
        assertEquals(0, gate.inFlight());
        assertTrue(gate.closeAndDrain(Duration.ofSeconds(1)));
        gate.open();
    }

    @Test
    void drainTimeoutReopensTheGate() throws Exception {
        gate.enter();
        try {
            assertFalse(gate.closeAndDrain(Duration.ofMillis(50)));
            assertFalse(gate.isClosed());
            threads.submit(() -> {
                gate.enter();
                gate.leave();
                return null;
            }).get(10, TimeUnit.SECONDS);
        } finally {
            gate.leave();
        }
    }

    @Test
    void waitingRequestsResumeWhenTheGateOpens() throws Exception {
        assertTrue(gate.closeAndDrain(Duration.ofSeconds(1)));
        CountDownLatch entered = new CountDownLatch(1);
        Future<?> request = threads.submit(() -> {
            gate.enter();
            entered.countDown();
            gate.leave();
            return null;
        });
        assertFalse(entered.await(100, TimeUnit.MILLISECONDS), "a request passed a closed gate");
        gate.open();
        request.get(10, TimeUnit.SECONDS);
        assertEquals(0, gate.inFlight());
    }

    @Test
    void interruptedWaiterHasNotEntered() throws Exception {
        assertTrue(gate.closeAndDrain(Duration.ofSeconds(1)));
        java.util.concurrent.atomic.AtomicReference<Throwable> outcome = new java.util.concurrent.atomic.AtomicReference<>();
        Thread request = new Thread(() -> {
            try {
                gate.enter();
                outcome.set(new AssertionError("entered a closed gate"));
            } catch (InterruptedException e) {
                outcome.set(e);
            }
        });
        request.start();
        while (request.getState() != Thread.State.WAITING) {
            Thread.sleep(1);
        }
        request.interrupt();
        request.join(10_000);
        gate.open();
        assertTrue(outcome.get() instanceof InterruptedException, String.valueOf(outcome.get()));
        assertEquals(0, gate.inFlight());
    }
}
