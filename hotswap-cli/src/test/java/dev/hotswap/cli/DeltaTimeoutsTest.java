package dev.hotswap.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Delta transfers through the CLI against an engine whose timeouts are shortened to 1 s through its
 * builder: each side's timers count only the other side's part, so a server slow at its own work
 * fails nothing.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class DeltaTimeoutsTest {
    private static final Duration IDLE = Duration.ofSeconds(1);

    @TempDir
    Path dir;

    private EngineServer server;

    @BeforeEach
    void startEngine() throws Exception {
        server = EngineServer.start(builder -> builder.idleTimeout(IDLE));
    }

    @AfterEach
    void stopEngine() throws Exception {
        server.close();
    }

    /**
     * The server's base copy waits three idle timeouts for a writer's lock (rollback-journal mode:
     * its read transaction cannot start before the writer's ends). Neither the upload's minimum rate
     * nor the idle timeout may count that against the CLI, which waits for the offer meanwhile.
     */
    @Test
    void aDeltaPushWhoseBaseCopyOutlastsTheIdleTimeoutSwaps() throws Exception {
        EngineServer.database(dir.resolve("next.sqlite3"), 2);
        CommandRun.Result run;
        try (Connection writer = DriverManager.getConnection("jdbc:sqlite:" + server.live);
                Statement statement = writer.createStatement()) {
            assertEquals("delete", journalMode(statement), "the lock must hold readers off");
            statement.execute("BEGIN EXCLUSIVE");
            CompletableFuture<Void> release = CompletableFuture.runAsync(() -> {
                try {
                    Thread.sleep(IDLE.toMillis() * 3);
                    statement.execute("ROLLBACK");
                } catch (InterruptedException | java.sql.SQLException e) {
                    throw new AssertionError("could not release the writer's lock", e);
                }
            });
            run = CommandRun.in(dir).socket(server.socket).run("cp", "--delta", "next.sqlite3", "production");
            release.get(10, TimeUnit.SECONDS);
        }

        assertEquals(0, run.code(), run::toString);
        assertEquals("OK\n", run.stdout());
        Matcher baseCopy = Pattern.compile("base copy of \\d+ pages, [^,]+, in (\\d+) ms").matcher(run.stderr());
        assertTrue(baseCopy.find(), run::toString);
        assertTrue(Long.parseLong(baseCopy.group(1)) > IDLE.toMillis(),
                "the base copy did not outlast the idle timeout, so this test proved nothing: " + run);
        assertTrue(run.stderr().contains(" by delta in "), run::toString);
        assertEquals(2, server.liveVersion());
    }

    private static String journalMode(Statement statement) throws java.sql.SQLException {
        try (var rows = statement.executeQuery("PRAGMA journal_mode")) {
            rows.next();
            return rows.getString(1);
        }
    }
}
