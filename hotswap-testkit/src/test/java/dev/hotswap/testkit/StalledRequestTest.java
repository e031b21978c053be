package dev.hotswap.testkit;

import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpTimeoutException;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class StalledRequestTest {

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void aTimeoutNamesTheThreadStuckInServerCodeAndWhatTheEngineHeld() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch waiting = new CountDownLatch(1);
        Thread handler = new Thread(() -> stuckHandler(waiting, release), "request-handler-7");
        handler.start();
        try {
            Await.await(waiting, Await.PATIENCE, "the handler to start waiting");
            Await.await(() -> handler.getState() == Thread.State.WAITING, Await.PATIENCE, "the handler to park");
            HttpTimeoutException timeout = new HttpTimeoutException("request timed out");

            HttpTimeoutException explained = StalledRequest.explained(timeout, "GET http://127.0.0.1/items",
                    List.of("generation 3: 1 requests, 1 connections"));

            String message = explained.getMessage();
            assertTrue(message.startsWith("request timed out (GET http://127.0.0.1/items)"), message);
            assertTrue(message.contains("generation 3: 1 requests, 1 connections"), message);
            assertTrue(message.contains("\"request-handler-7\" WAITING"), message);
            assertTrue(message.contains("StalledRequestTest.stuckHandler"), message);
            assertSame(timeout, explained.getCause());
        } finally {
            release.countDown();
            handler.join(TimeUnit.SECONDS.toMillis(10));
        }
    }

    private static void stuckHandler(CountDownLatch waiting, CountDownLatch release) {
        waiting.countDown();
        try {
            release.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
