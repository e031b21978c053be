package dev.hotswap.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The background hash pass of a generation that became current without its page hashes
 * ({@link HashPass}): a delta push after a whole-file push finds them kept; a write during the pass
 * keeps nothing; closing the engine stops a pass under way. The passes are waited for through
 * {@link Hotswap#settle}, and caught in the middle through {@link Steps#HASHING}.
 */
@Timeout(60)
@SuppressWarnings("try") // a started engine is a resource the body uses only through its socket
class HashPassTest {
    private static final String ROWS = "SELECT id || ' ' || version || ' ' || name FROM items ORDER BY id";

    private final EngineFixture fixture = new EngineFixture();

    @AfterEach
    void cleanUp() throws IOException {
        Steps.listener = step -> { };
        fixture.close();
    }

    @ParameterizedTest(name = "wal={0}")
    @ValueSource(booleans = {true, false})
    void aDeltaPushAfterAWholeFilePushFindsTheHashesKept(boolean wal) throws Exception {
        Path live = fixture.versioned("live.sqlite3", wal, 1, 5000);
        Path whole = changed(live, "whole.sqlite3", "UPDATE items SET version = 2 WHERE id BETWEEN 100 AND 200");
        Path delta = changed(whole, "delta.sqlite3", "UPDATE items SET version = 3 WHERE id BETWEEN 3000 AND 3100");
        try (Hotswap hotswap = PageHashCacheTest.started(fixture.builder(live))) {
            pushWhole(hotswap, whole);
            PageHashCacheTest.settle(hotswap);
            PageHashCacheTest.assertKeptHashesAreTheFilesHashes(fixture, 2);
            PageHashCacheTest.assertBaseCopy(", hashes kept since generation 2 became current, ",
                    PageHashCacheTest.push(fixture, delta, live));
            PageHashCacheTest.assertKeptHashesAreTheFilesHashes(fixture, 3);
        }
        assertEquals(EngineFixture.query(delta, ROWS), EngineFixture.query(live, ROWS));
    }

    /**
     * A commit in the generation's file between the pass's first stamp and its last: what the pass
     * read may be before or after it, page by page, so nothing is kept and the next push hashes.
     */
    @ParameterizedTest(name = "wal={0}")
    @ValueSource(booleans = {true, false})
    void aGenerationWrittenDuringItsPassKeepsNothing(boolean wal) throws Exception {
        Path live = fixture.versioned("live.sqlite3", wal, 1, 5000);
        Path whole = changed(live, "whole.sqlite3", "UPDATE items SET version = 2 WHERE id BETWEEN 100 AND 200");
        Path delta = changed(whole, "delta.sqlite3", "UPDATE items SET version = 3 WHERE id BETWEEN 3000 AND 3100");
        try (Hotswap hotswap = PageHashCacheTest.started(fixture.builder(live))) {
            AtomicBoolean wrote = new AtomicBoolean();
            AtomicReference<Exception> failed = new AtomicReference<>();
            Steps.listener = step -> {
                if (step.equals(Steps.HASHING) && wrote.compareAndSet(false, true)) {
                    try { // a same-size write, checkpointed into the file in WAL mode
                        PageHashCacheTest.run(live, "UPDATE items SET name = upper(name) WHERE id BETWEEN 1000 AND 1100",
                                wal ? "PRAGMA wal_checkpoint(TRUNCATE)" : "SELECT 1");
                    } catch (Exception e) {
                        failed.set(e);
                    }
                }
            };
            pushWhole(hotswap, whole);
            PageHashCacheTest.settle(hotswap);
            assertTrue(wrote.get(), "the pass of generation 2 never started");
            assertEquals(null, failed.get(), "the write during the pass failed");
            assertFalse(hotswap.managed("production").hashCache().covers(2), "hashes kept of a file written meanwhile");
            PageHashCacheTest.assertBaseCopy(", hashed, ", PageHashCacheTest.push(fixture, delta, live));
        }
        assertEquals(EngineFixture.query(delta, ROWS), EngineFixture.query(live, ROWS));
    }

    /** {@code close()} cancels and interrupts a pass under way and returns once its thread has ended. */
    @Test
    void closeStopsAPassUnderWay() throws Exception {
        Path live = fixture.versioned("live.sqlite3", false, 1, 5000);
        Path whole = changed(live, "whole.sqlite3", "UPDATE items SET version = 2 WHERE id BETWEEN 100 AND 200");
        CountDownLatch hashing = new CountDownLatch(1);
        CountDownLatch never = new CountDownLatch(1);
        AtomicReference<Thread> pass = new AtomicReference<>();
        AtomicBoolean interrupted = new AtomicBoolean();
        Hotswap hotswap = PageHashCacheTest.started(fixture.builder(live));
        try {
            Steps.listener = step -> {
                if (step.equals(Steps.HASHING) && pass.compareAndSet(null, Thread.currentThread())) {
                    hashing.countDown();
                    try {
                        never.await(); // held here until close() stops it
                    } catch (InterruptedException e) {
                        interrupted.set(true);
                        Thread.currentThread().interrupt();
                    }
                }
            };
            pushWhole(hotswap, whole);
            assertTrue(hashing.await(30, TimeUnit.SECONDS), "the pass of generation 2 never started");
        } finally {
            hotswap.close();
            never.countDown();
        }
        assertTrue(interrupted.get(), "close() did not interrupt the pass");
        pass.get().join(TimeUnit.SECONDS.toMillis(10));
        assertFalse(pass.get().isAlive(), "the pass's thread still runs after close()");
        assertEquals(List.of(), PageHashCacheTest.pageHashFiles(fixture), "a hash file outlived close()");
    }

    private static void pushWhole(Hotswap hotswap, Path file) throws Exception {
        try (InputStream content = Files.newInputStream(file)) {
            assertEquals(2, hotswap.push("production", content, PushOptions.defaults()).toGeneration());
        }
    }

    /** A copy of {@code from} named {@code name}, in rollback mode (as a CLI builds it), changed by {@code sql}. */
    private Path changed(Path from, String name, String sql) throws Exception {
        Path next = fixture.dir.resolve(name);
        Files.copy(from, next);
        PageHashCacheTest.run(next, "PRAGMA journal_mode=DELETE", sql);
        return next;
    }
}
