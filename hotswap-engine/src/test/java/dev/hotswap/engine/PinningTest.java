package dev.hotswap.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import javax.sql.DataSource;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;

/** Requests pin generations: nothing waits for them, and nothing of one generation reaches another. */
@Timeout(60)
class PinningTest {
    private final EngineFixture fixture = new EngineFixture();

    @AfterEach
    void cleanUp() throws IOException {
        fixture.close();
    }

    private static String version(DataSource data) throws Exception {
        try (Connection c = data.getConnection()) {
            return EngineFixture.query(c, "SELECT version FROM meta").get(0);
        }
    }

    @Test
    void aRequestInFlightDoesNotDelayAPushAndFinishesOnItsGeneration() throws Exception {
        Path live = fixture.versioned("production.sqlite3", true, 1, 10);
        byte[] next = Files.readAllBytes(fixture.versioned("next.sqlite3", true, 2, 20));
        try (Hotswap hotswap = fixture.builder(live).socketEnabled(false).build().start()) {
            DataSource data = hotswap.dataSource("production");
            Pin slow = hotswap.gate().enter(); // a request that will run for a long time
            assertEquals("1", version(data));

            SwapReport report = CompletableFuture.supplyAsync(() -> {
                try {
                    return hotswap.push("production", new ByteArrayInputStream(next), PushOptions.defaults());
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }).get(20, TimeUnit.SECONDS);

            assertNull(report.released(), "the old generation is still pinned");
            assertEquals("1", version(data), "the slow request still sees its generation");
            assertEquals("2", CompletableFuture.supplyAsync(() -> {
                try {
                    return version(data);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }).get(10, TimeUnit.SECONDS), "a new request sees the new one");
            assertEquals(1, hotswap.status().get(0).kept().get(0).requests());

            slow.leave();
            assertEquals("2", version(data), "outside any request: the current generation");
            assertEquals(0, hotswap.status().get(0).requests());
        }
    }

    @Test
    void aRequestSeesOneGenerationOfEveryDatabase() throws Exception {
        Path production = fixture.versioned("production.sqlite3", false, 1, 1);
        Path reports = fixture.versioned("reports.sqlite3", false, 1, 1);
        try (Hotswap hotswap = fixture.builder(production).database("reports", reports).socketEnabled(false)
                .build().start()) {
            Pin pin = hotswap.gate().enter();
            try (var content = Files.newInputStream(fixture.versioned("r2.sqlite3", false, 2, 1))) {
                hotswap.push("reports", content, PushOptions.defaults());
            }
            assertEquals("1", version(hotswap.dataSource("reports")), "the request's view of reports");
            pin.leave();
            assertEquals("2", version(hotswap.dataSource("reports")));
        }
    }

    @Test
    void writerOutsideAnyRequestLosesNothingOfAnyPushedFileAcross200Swaps() throws Exception {
        int rows = 2000;
        Path live = fixture.versioned("production.sqlite3", true, 0, rows);
        List<byte[]> files = new ArrayList<>();
        for (int v = 1; v <= 2; v++) {
            files.add(Files.readAllBytes(fixture.versioned("v" + v + ".sqlite3", true, v, rows)));
        }
        try (Hotswap hotswap = fixture.builder(live).socketEnabled(false).build().start()) {
            DataSource data = hotswap.dataSource("production");
            // A scheduled job: a connection per write, no request, no gate.
            LoopingWriter writer = LoopingWriter.start("background-writer", Duration.ZERO, n -> {
                try (Connection c = data.getConnection();
                        PreparedStatement insert = c.prepareStatement("INSERT INTO log (note) VALUES (?)")) {
                    insert.setString(1, "job " + n);
                    insert.executeUpdate();
                }
            });
            try (writer) {
                for (int swap = 0; swap < 200; swap++) {
                    int version = swap % 2 + 1;
                    SwapReport report = hotswap.push("production", new ByteArrayInputStream(files.get(version - 1)),
                            PushOptions.defaults());
                    assertEquals(swap + 2, report.toGeneration());
                    try (Connection c = data.getConnection()) {
                        assertEquals(List.of(Integer.toString(version), Integer.toString(rows), Integer.toString(rows)),
                                EngineFixture.query(c, "SELECT version FROM meta UNION ALL SELECT count(*) FROM items"
                                        + " WHERE version = " + version + " UNION ALL SELECT count(DISTINCT name) FROM items"),
                                "every row of the pushed file is there after swap " + (swap + 1));
                    }
                }
            }
            assertTrue(writer.written() > 0, "the writer wrote");
            try (Connection c = data.getConnection()) {
                assertEquals(List.of("ok"), EngineFixture.query(c, "PRAGMA integrity_check"));
            }
        }
    }

    @Test
    void aGenerationPinnedPastThePinWarningIsLoggedWithItsRequests() throws Exception {
        Path live = fixture.versioned("production.sqlite3", false, 1, 1);
        List<String> warnings = new CopyOnWriteArrayList<>();
        Logger logger = Logger.getLogger(Views.class.getName());
        Handler handler = new Handler() {
            @Override
            public void publish(LogRecord record) {
                warnings.add(java.text.MessageFormat.format(record.getMessage(), record.getParameters()));
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        logger.addHandler(handler);
        try (Hotswap hotswap = fixture.builder(live).socketEnabled(false).pinWarning(Duration.ofMillis(100))
                .build().start()) {
            Pin pin = hotswap.gate().enter();
            try (var content = Files.newInputStream(fixture.versioned("v2.sqlite3", false, 2, 1))) {
                hotswap.push("production", content, PushOptions.defaults());
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (warnings.stream().noneMatch(w -> w.contains("generation 1 is still held")) && System.nanoTime() < deadline) {
                Thread.sleep(10); // the pin watch runs every 50 ms here
            }
            pin.leave();
        } finally {
            logger.removeHandler(handler);
        }
        String warning = warnings.stream().filter(w -> w.contains("generation 1 is still held")).findFirst().orElse(null);
        assertNotNull(warning, warnings.toString());
        assertTrue(warning.startsWith("production: generation 1 is still held by 1 request(s) and 0 connection(s) "),
                warning);
        assertTrue(warning.endsWith(" after it was superseded; it stays open until they finish"), warning);
    }

    @Test
    void poolFactoryGivesEachGenerationItsOwnPoolAndClosesItWhenTheGenerationRetires() throws Exception {
        Path live = fixture.versioned("production.sqlite3", true, 1, 10);
        List<HikariDataSource> pools = new CopyOnWriteArrayList<>();
        List<Path> files = new CopyOnWriteArrayList<>();
        PoolFactory hikari = (database, file) -> {
            HikariConfig config = new HikariConfig();
            config.setJdbcUrl("jdbc:sqlite:" + file);
            config.setMaximumPoolSize(4);
            config.setPoolName(database + "-" + file.getFileName());
            HikariDataSource pool = new HikariDataSource(config);
            pools.add(pool);
            files.add(file);
            return pool;
        };
        try (Hotswap hotswap = fixture.builder(live).socketEnabled(false).pool(hikari).build().start()) {
            DataSource data = hotswap.dataSource("production");
            assertEquals("1", version(data));
            try (var content = Files.newInputStream(fixture.versioned("v2.sqlite3", false, 2, 20))) {
                hotswap.push("production", content, PushOptions.defaults());
            }
            assertEquals("2", version(data));
            try (Connection c = data.getConnection()) {
                assertEquals(List.of("2"), EngineFixture.query(c, "SELECT version FROM meta"));
                assertEquals(1, pools.get(1).getHikariPoolMXBean().getActiveConnections(), "lent by Hikari");
            }
            assertEquals(List.of(fixture.generation("production.sqlite3", 1).toRealPath(),
                    fixture.generation("production.sqlite3", 2).toRealPath()), files, "opened on each generation's own file");
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (!pools.get(0).isClosed() && System.nanoTime() < deadline) {
                Thread.sleep(5); // the old generation retires on the engine's background thread
            }
            assertTrue(pools.get(0).isClosed(), "the old generation's pool is closed");
            assertTrue(!pools.get(1).isClosed(), "the current one's is not");
        }
        assertTrue(pools.get(1).isClosed(), "closing the engine closes it");
        assertTrue(Files.notExists(Sqlite.sideFile(fixture.generation("production.sqlite3", 2), "-wal")),
                "the last close checkpointed it");
    }
}
