package dev.hotswap.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.time.Duration;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Disk steps that fail, or that race a retirement, through the {@link FaultyDisk} seam: what the
 * engine reports is what a restart serves, no file the live path leads to is deleted, and the
 * history never loses a generation that went live.
 */
@Timeout(30)
class DiskFaultsTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    private final EngineFixture fixture = new EngineFixture();

    @AfterEach
    void cleanUp() throws IOException {
        fixture.close();
    }

    private Hotswap started(Path live, int keep, Disk disk) throws IOException {
        return fixture.builder(live).socketEnabled(false).keep(keep).disk(disk).build().start();
    }

    private SwapReport push(Hotswap hotswap, int version) throws Exception {
        Path file = fixture.versioned("v" + version + "-" + System.nanoTime() + ".sqlite3", false, version, version);
        try (InputStream content = Files.newInputStream(file)) {
            return hotswap.push("production", content, PushOptions.defaults());
        }
    }

    private static String version(Hotswap hotswap) throws Exception {
        try (Connection c = hotswap.dataSource("production").getConnection()) {
            return EngineFixture.query(c, "SELECT version FROM meta").get(0);
        }
    }

    private String versionAfterRestart(Path live) throws Exception {
        try (Hotswap hotswap = started(live, 3, Disk.REAL)) {
            return version(hotswap);
        }
    }

    private List<Long> historyIds() throws IOException {
        Path folder = fixture.folder("production.sqlite3").toRealPath();
        return List.copyOf(new GenerationHistory(folder, Disk.REAL).read().keySet());
    }

    @Test
    void linkWhoseDirectoryFsyncFailsIsLiveAndReportedLiveAndARestartServesIt() throws Exception {
        Path live = fixture.versioned("production.sqlite3", false, 1, 1);
        FaultyDisk disk = new FaultyDisk();
        try (Hotswap hotswap = started(live, 1, disk)) {
            // The live path's directory turned -wx for the engine: the rename works, its fsync does not.
            disk.rule(call -> call.op() == FaultyDisk.Op.SYNC_DIRECTORY && call.path().equals(live.getParent())
                    ? new FaultyDisk.Fail(new IOException("Permission denied (injected)")) : null);

            SwapReport report = push(hotswap, 2);

            assertEquals(2, report.toGeneration());
            assertEquals("2", version(hotswap));
            assertTrue(Files.exists(live), "the live path leads to a file: " + live.toRealPath());
        }
        assertEquals("2", versionAfterRestart(live), "a restart serves what the push reported");
    }

    @Test
    void pushWhoseFolderFsyncFailsAfterThePermanentNameLeavesNoGenerationFileBehind() throws Exception {
        Path live = fixture.versioned("production.sqlite3", false, 1, 1);
        FaultyDisk disk = new FaultyDisk();
        try (Hotswap hotswap = started(live, 1, disk)) {
            Path folder = fixture.folder("production.sqlite3").toRealPath();
            disk.rule(call -> call.op() == FaultyDisk.Op.SYNC_DIRECTORY && call.path().equals(folder)
                    ? new FaultyDisk.Fail(new IOException("Input/output error (injected)")) : null);

            IOException failed = assertThrows(IOException.class, () -> push(hotswap, 2));

            assertTrue(failed.getMessage().contains("Input/output error"), failed.getMessage());
            assertEquals(List.of(1L), fixture.generations("production.sqlite3"), "the staged file is gone");
            assertEquals(List.of(), EngineFixture.temps(fixture.dir));
            assertEquals("1", version(hotswap));
            disk.rule(call -> null);
            assertEquals("2", version(hotswap, push(hotswap, 2)));
        }
    }

    private static String version(Hotswap hotswap, SwapReport report) throws Exception {
        assertEquals(report.toGeneration(), hotswap.status().get(0).current().id());
        return version(hotswap);
    }

    @Test
    void rollbackThatRacesTheRetirementOfItsTargetGoesLiveOnAFileThatStays() throws Exception {
        Path live = fixture.versioned("production.sqlite3", false, 1, 1);
        FaultyDisk disk = new FaultyDisk();
        CountDownLatch retiring = new CountDownLatch(1);
        CountDownLatch retire = new CountDownLatch(1);
        CountDownLatch linking = new CountDownLatch(1);
        CountDownLatch link = new CountDownLatch(1);
        try (Hotswap hotswap = started(live, 0, disk)) {
            ManagedDatabase db = hotswap.managed("production");
            Connection job = hotswap.dataSource("production").getConnection(); // holds generation 1 open
            push(hotswap, 2);
            disk.hook(call -> {
                if (call.op() == FaultyDisk.Op.STEP && call.step().equals(Steps.RETIRING)) {
                    retiring.countDown();
                    await(retire, "the test lets the retirement of generation 1 go on");
                } else if (call.op() == FaultyDisk.Op.SYMLINK) {
                    linking.countDown();
                    await(link, "the test lets the rollback point the live path");
                }
            });
            job.close(); // generation 1 retired: its pool closes, and keep(0) says its file goes
            await(retiring, "generation 1 begins to retire");

            CompletableFuture<SwapReport> rollback = CompletableFuture.supplyAsync(() -> {
                try {
                    return hotswap.rollback("production", OptionalLong.of(1));
                } catch (IOException | SwapRefusedException e) {
                    throw new IllegalStateException(e);
                }
            });
            await(linking, "the rollback, past its target's checks, is about to point the live path");
            retire.countDown();
            awaitCondition(() -> db.openGenerations().stream().noneMatch(g -> g.id() == 1),
                    "the retirement of generation 1 is done (closed, keep policy applied)");
            link.countDown();

            assertEquals(1, rollback.get(WAIT.toSeconds(), TimeUnit.SECONDS).toGeneration());
            assertTrue(Files.exists(live), "the live path leads to a file: " + Files.readSymbolicLink(live));
            assertEquals("1", version(hotswap));
        }
        assertEquals("1", versionAfterRestart(live));
    }

    @Test
    void rollbackThatCrashedBetweenItsLinkAndItsHistoryLineIsRecordedCurrentAtTheRestart() throws Exception {
        Path live = fixture.versioned("production.sqlite3", false, 1, 1);
        FaultyDisk disk = new FaultyDisk();
        Hotswap crashed = started(live, 3, disk);
        push(crashed, 2);
        push(crashed, 3);
        disk.rule(call -> call.op() == FaultyDisk.Op.STEP && call.step().equals(Steps.LINKED)
                ? new FaultyDisk.CrashHere() : null);
        assertThrows(FaultyDisk.Crash.class, () -> crashed.rollback("production", OptionalLong.empty()));
        crashed.close();

        try (Hotswap hotswap = started(live, 3, Disk.REAL)) {
            assertEquals("2", version(hotswap), "the link was replaced: generation 2 is current");
            push(hotswap, 4);
        }
        try (Hotswap hotswap = started(live, 3, Disk.REAL)) {
            assertEquals(2, hotswap.rollback("production", OptionalLong.empty()).toGeneration(),
                    "generation 2 was current just before 4, not 3");
        }
    }

    @Test
    void appendAfterATornLastLineStartsALineOfItsOwn() throws Exception {
        Path live = fixture.versioned("production.sqlite3", false, 1, 1);
        started(live, 3, Disk.REAL).close();
        Path history = fixture.folder("production.sqlite3").resolve("history");
        Files.write(history, "2\t2026-12-0".getBytes(StandardCharsets.UTF_8), StandardOpenOption.APPEND); // power loss

        try (Hotswap hotswap = started(live, 3, Disk.REAL)) {
            push(hotswap, 2);
            push(hotswap, 3);
        }

        assertEquals(List.of(1L, 2L, 3L), historyIds());
        try (Hotswap hotswap = started(live, 3, Disk.REAL)) {
            assertEquals(List.of(1L, 2L, 3L), fixture.generations("production.sqlite3"));
            assertEquals(2, hotswap.rollback("production", OptionalLong.empty()).toGeneration());
        }
    }

    @Test
    void failedHistoryAppendIsWrittenWholeByTheNextSwap() throws Exception {
        Path live = fixture.versioned("production.sqlite3", false, 1, 1);
        FaultyDisk disk = new FaultyDisk();
        try (Hotswap hotswap = started(live, 3, disk)) {
            disk.rule(call -> call.op() == FaultyDisk.Op.APPEND && call.path().endsWith("history")
                    ? new FaultyDisk.Fail(new IOException("No space left on device (injected)")) : null);
            assertEquals(2, push(hotswap, 2).toGeneration(), "the link is replaced: the push happened");
            disk.rule(call -> null);
            push(hotswap, 3);
        }

        assertEquals(List.of(1L, 2L, 3L), historyIds());
        try (Hotswap hotswap = started(live, 3, Disk.REAL)) {
            assertEquals(List.of(1L, 2L, 3L), fixture.generations("production.sqlite3"),
                    "generation 2 went live: it is kept, not deleted as never live");
            assertEquals(2, hotswap.rollback("production", OptionalLong.empty()).toGeneration());
        }
    }

    @Test
    void pruneRewritingTheHistoryNeverDropsALineAppendedMeanwhile() throws Exception {
        Path live = fixture.versioned("production.sqlite3", false, 1, 1);
        FaultyDisk disk = new FaultyDisk();
        try (Hotswap hotswap = started(live, 1, disk)) {
            Connection job = hotswap.dataSource("production").getConnection(); // holds generation 1
            push(hotswap, 2);
            Pin request = hotswap.gate().enter(); // holds generation 2, so that no later prune rewrites
            push(hotswap, 3);
            CompletableFuture<SwapReport> fourth = new CompletableFuture<>();
            Thread pusher = new Thread(() -> {
                try {
                    fourth.complete(push(hotswap, 4));
                } catch (Exception e) {
                    fourth.completeExceptionally(e);
                }
            }, "pusher");
            Path history = fixture.folder("production.sqlite3").resolve("history");
            CountDownLatch linking = new CountDownLatch(1);
            CountDownLatch link = new CountDownLatch(1);
            disk.hook(call -> {
                boolean fromPusher = Thread.currentThread() == pusher;
                if (fromPusher && call.op() == FaultyDisk.Op.SYMLINK) {
                    linking.countDown();
                    await(link, "the prune's rewrite is written");
                } else if (call.op() == FaultyDisk.Op.RENAME && call.path().endsWith("history")
                        && Thread.currentThread().getName().equals("hotswap-retire")) {
                    // The prune's rewrite is written, not yet renamed over the history: the swap goes on now.
                    link.countDown();
                    awaitCondition(() -> Files.readString(history).contains("\n4\t") || blockedInTheDatabase(pusher),
                            "the fourth push appends its line, or waits for the prune to finish");
                }
            });
            pusher.start();
            await(linking, "the fourth push is about to point the live path");
            job.close(); // generation 1 retires; keep(1) deletes it and the history is rewritten

            assertEquals(4, fourth.get(WAIT.toSeconds(), TimeUnit.SECONDS).toGeneration());
            request.leave();
        }
        assertTrue(historyIds().contains(4L), "generation 4 went live and has its line: " + historyIds());
    }

    private static boolean blockedInTheDatabase(Thread thread) {
        return thread.getState() == Thread.State.BLOCKED && List.of(thread.getStackTrace()).stream()
                .anyMatch(frame -> frame.getClassName().equals(Generations.class.getName()));
    }

    private static void await(CountDownLatch latch, String what) {
        try {
            if (!latch.await(WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new AssertionError("waited " + WAIT + " for: " + what);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while waiting for: " + what, e);
        }
    }

    private static void awaitCondition(Check check, String what) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        try {
            while (!check.holds()) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("waited " + WAIT + " for: " + what);
                }
                Thread.sleep(2);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while waiting for: " + what, e);
        } catch (Exception e) {
            throw new AssertionError(what, e);
        }
    }

    @FunctionalInterface
    private interface Check {
        boolean holds() throws Exception;
    }
}
