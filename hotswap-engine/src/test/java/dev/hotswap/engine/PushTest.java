package dev.hotswap.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The push pipeline in-process: checks, refusals, and what they leave behind. */
@Timeout(30)
class PushTest {
    private final EngineFixture fixture = new EngineFixture();

    @AfterEach
    void cleanUp() throws IOException {
        fixture.close();
    }

    private Hotswap started(Path live) throws IOException {
        return fixture.builder(live).socketEnabled(false).build().start();
    }

    private static InputStream content(Path file) throws IOException {
        return new ByteArrayInputStream(Files.readAllBytes(file));
    }

    @Test
    void swapsValidFileAndReportsEachStep() throws Exception {
        Path live = fixture.versioned("production.sqlite3", false, 1, 10);
        Path incoming = fixture.versioned("incoming.sqlite3", false, 2, 20);
        try (Hotswap hotswap = started(live)) {
            SwapReport report = hotswap.push("production", content(incoming), PushOptions.defaults());

            assertEquals("production", report.database());
            assertEquals(Files.size(incoming), report.bytes());
            assertTrue(report.pauseMicros() >= 0);
            assertTrue(report.integrityCheck().toNanos() > 0);
            assertTrue(report.schemaCheck().toNanos() > 0);
            assertArrayEquals(EngineFixture.bytes(incoming), EngineFixture.bytes(live));
            try (Connection c = hotswap.dataSource("production").getConnection()) {
                assertEquals(List.of("2"), EngineFixture.query(c, "SELECT version FROM meta"));
                assertEquals(List.of("20"), EngineFixture.query(c, "SELECT count(*) FROM items"));
            }
            assertEquals(List.of(), EngineFixture.temps(fixture.dir));
        }
    }

    @Test
    void aCrashBetweenRenameAndUnlinkLeavesOnlyAnOrphanTheNextStartDeletes() throws Exception {
        Path live = fixture.versioned("production.sqlite3", false, 1, 10);
        // What a kill -9 right after the swap's rename leaves: the retired old file, hard-linked.
        Path retired = Files.createLink(TempFiles.fresh(live), fixture.versioned("old.sqlite3", false, 0, 10));
        try (Hotswap hotswap = started(live);
                Connection connection = hotswap.dataSource("production").getConnection()) {
            assertEquals(List.of("1"), EngineFixture.query(connection, "SELECT version FROM meta"));
            assertFalse(Files.exists(retired));
            assertEquals(List.of(), EngineFixture.temps(fixture.dir));
        }
    }

    @Test
    void refusesFileThatFailsIntegrityCheck() throws Exception {
        Path live = fixture.versioned("production.sqlite3", false, 1, 10);
        Path incoming = fixture.versioned("incoming.sqlite3", false, 2, 2000);
        corruptIndexPage(incoming);
        byte[] before = EngineFixture.bytes(live);
        try (Hotswap hotswap = started(live)) {
            SwapRefusedException refused = assertThrows(SwapRefusedException.class,
                    () -> hotswap.push("production", content(incoming), PushOptions.defaults()));

            String[] lines = refused.getMessage().split("\n");
            assertEquals("ERROR: integrity check failed", lines[0]);
            assertTrue(lines.length > 1, refused.getMessage());
            assertTrue(lines.length <= 1 + IntegrityCheck.REPORTED_LINES + 1, refused.getMessage());
        }
        assertArrayEquals(before, EngineFixture.bytes(live));
        assertEquals(List.of(), EngineFixture.temps(fixture.dir));
    }

    @Test
    void refusesSchemaMismatchWithExactDiffLines() throws Exception {
        Path live = fixture.database("production.sqlite3", false,
                "CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT)",
                "CREATE INDEX users_name ON users (name)",
                "CREATE VIEW named AS SELECT name FROM users");
        Path incoming = fixture.database("incoming.sqlite3", false,
                "CREATE TABLE users (id INTEGER PRIMARY KEY,\n    name TEXT,\n    email TEXT)",
                "CREATE INDEX users_name ON users (name)",
                "CREATE INDEX users_email ON users (email)",
                "CREATE VIEW named AS SELECT name FROM users");
        byte[] before = EngineFixture.bytes(live);
        try (Hotswap hotswap = started(live)) {
            SwapRefusedException refused = assertThrows(SwapRefusedException.class,
                    () -> hotswap.push("production", content(incoming), PushOptions.defaults()));

            assertEquals("ERROR: schema mismatch\n"
                    + "+ CREATE INDEX users_email ON users (email)\n"
                    + "- CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT)\n"
                    + "+ CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT, email TEXT)",
                    refused.getMessage());
        }
        assertArrayEquals(before, EngineFixture.bytes(live));
        assertEquals(List.of(), EngineFixture.temps(fixture.dir));
    }

    @Test
    void skippedSchemaCheckLetsDifferentSchemaThrough() throws Exception {
        Path live = fixture.database("production.sqlite3", false, "CREATE TABLE a (x)");
        Path incoming = fixture.database("incoming.sqlite3", false, "CREATE TABLE b (y)");
        try (Hotswap hotswap = started(live)) {
            SwapReport report = hotswap.push("production", content(incoming), new PushOptions(false, true));

            assertEquals(0, report.schemaCheck().toNanos());
            assertEquals(List.of("b"), EngineFixture.query(live, "SELECT name FROM sqlite_master"));
        }
    }

    @Test
    void refusesTruncatedFileEvenWithBothChecksSkipped() throws Exception {
        Path live = fixture.versioned("production.sqlite3", false, 1, 10);
        Path incoming = fixture.versioned("incoming.sqlite3", false, 2, 2000);
        byte[] whole = EngineFixture.bytes(incoming);
        byte[] before = EngineFixture.bytes(live);
        PushOptions skipAll = new PushOptions(true, true);
        try (Hotswap hotswap = started(live)) {
            byte[] halfPages = Arrays.copyOf(whole, whole.length / 4096 / 2 * 4096);
            SwapRefusedException refused = assertThrows(SwapRefusedException.class,
                    () -> hotswap.push("production", new ByteArrayInputStream(halfPages), skipAll));
            assertEquals("ERROR: truncated database: the header says " + whole.length / 4096 + " pages of 4096 bytes ("
                    + whole.length + " bytes), the file has " + halfPages.length + " bytes", refused.getMessage());

            byte[] ragged = Arrays.copyOf(whole, whole.length - 100);
            refused = assertThrows(SwapRefusedException.class,
                    () -> hotswap.push("production", new ByteArrayInputStream(ragged), skipAll));
            assertEquals("ERROR: truncated database: " + ragged.length
                    + " bytes is not a whole number of 4096-byte pages", refused.getMessage());

            refused = assertThrows(SwapRefusedException.class,
                    () -> hotswap.push("production", new ByteArrayInputStream(new byte[0]), skipAll));
            assertEquals("ERROR: not a SQLite database (no \"SQLite format 3\" header)", refused.getMessage());

            byte[] text = "this is not a database, just some text that is long enough to hold a header. ".repeat(3).getBytes();
            refused = assertThrows(SwapRefusedException.class,
                    () -> hotswap.push("production", new ByteArrayInputStream(text), skipAll));
            assertEquals("ERROR: not a SQLite database (no \"SQLite format 3\" header)", refused.getMessage());
        }
        assertArrayEquals(before, EngineFixture.bytes(live));
        assertEquals(List.of(), EngineFixture.temps(fixture.dir));
    }

    @Test
    void refusesSecondPushWhileFirstIsUploading() throws Exception {
        Path live = fixture.versioned("production.sqlite3", false, 1, 10);
        Path incoming = fixture.versioned("incoming.sqlite3", false, 2, 20);
        byte[] bytes = EngineFixture.bytes(incoming);
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        InputStream slow = new InputStream() {
            private int position;

            @Override
            public int read() throws IOException {
                if (position == 100) {
                    started.countDown();
                    try {
                        release.await();
                    } catch (InterruptedException e) {
                        throw new IOException(e);
                    }
                }
                return position < bytes.length ? bytes[position++] & 0xff : -1;
            }
        };
        ExecutorService executor = Executors.newSingleThreadExecutor();
        try (Hotswap hotswap = started(live)) {
            Future<SwapReport> first = executor.submit(() -> hotswap.push("production", slow, PushOptions.defaults()));
            assertTrue(started.await(10, TimeUnit.SECONDS));

            SwapRefusedException refused = assertThrows(SwapRefusedException.class,
                    () -> hotswap.push("production", content(incoming), PushOptions.defaults()));
            assertEquals("ERROR: another push to production is in progress", refused.getMessage());

            release.countDown();
            assertEquals(bytes.length, first.get(10, TimeUnit.SECONDS).bytes());
            hotswap.push("production", content(incoming), PushOptions.defaults()); // free again
        } finally {
            release.countDown();
            executor.shutdownNow();
        }
    }

    @Test
    void abandonsSwapWhenRequestsDoNotDrain() throws Exception {
        Path live = fixture.versioned("production.sqlite3", false, 1, 10);
        Path incoming = fixture.versioned("incoming.sqlite3", false, 2, 20);
        byte[] before = EngineFixture.bytes(live);
        try (Hotswap hotswap = fixture.builder(live).socketEnabled(false)
                .drainTimeout(java.time.Duration.ofMillis(200)).build().start()) {
            SwapGate gate = hotswap.gate();
            gate.enter(); // a request that never finishes in time
            try {
                SwapRefusedException refused = assertThrows(SwapRefusedException.class,
                        () -> hotswap.push("production", content(incoming), PushOptions.defaults()));
                assertEquals("ERROR: in-flight requests did not drain within 200ms; database untouched",
                        refused.getMessage());
                assertFalse(gate.isClosed());
            } finally {
                gate.leave();
            }
            assertArrayEquals(before, EngineFixture.bytes(live));
            assertEquals(List.of(), EngineFixture.temps(fixture.dir));
            hotswap.push("production", content(incoming), PushOptions.defaults()); // drains now
        }
    }

    @Test
    void defaultDrainTimeoutMessageSaysFiveSeconds() {
        assertEquals("5s", Push.format(java.time.Duration.ofSeconds(5)));
        assertEquals("1500ms", Push.format(java.time.Duration.ofMillis(1500)));
    }

    @Test
    void failedUploadDeletesTempFileAndLeavesLiveUntouched() throws Exception {
        Path live = fixture.versioned("production.sqlite3", false, 1, 10);
        byte[] before = EngineFixture.bytes(live);
        InputStream broken = new InputStream() {
            private int count;

            @Override
            public int read() throws IOException {
                if (count++ >= 5000) {
                    throw new IOException("connection reset");
                }
                return 0;
            }
        };
        try (Hotswap hotswap = started(live)) {
            IOException failed = assertThrows(IOException.class,
                    () -> hotswap.push("production", broken, PushOptions.defaults()));
            assertEquals("connection reset", failed.getMessage());
        }
        assertArrayEquals(before, EngineFixture.bytes(live));
        assertEquals(List.of(), EngineFixture.temps(fixture.dir));
    }

    @Test
    void deletesOrphanedTempFilesAtStartup() throws Exception {
        Path live = fixture.versioned("production.sqlite3", false, 1, 10);
        List<String> orphans = List.of(".production.sqlite3.hotswap-123.tmp", ".production.sqlite3.hotswap-123.tmp-journal",
                ".production.sqlite3.hotswap-9.tmp-wal", ".production.sqlite3.hotswap-9.tmp-shm");
        List<String> keep = List.of(".other.sqlite3.hotswap-1.tmp", "production.sqlite3.hotswap-1.tmp",
                ".production.sqlite3.hotswap-1.tmpx", "notes.txt");
        for (String name : orphans) {
            Files.write(fixture.dir.resolve(name), new byte[] {1, 2, 3});
        }
        for (String name : keep) {
            Files.write(fixture.dir.resolve(name), new byte[] {1});
        }
        try (Hotswap hotswap = started(live)) {
            assertTrue(hotswap.dataSource("production") != null);
            List<String> left = fixture.files();
            orphans.forEach(name -> assertFalse(left.contains(name), name));
            keep.forEach(name -> assertTrue(left.contains(name), name));
        }
    }

    @Test
    void walLiveDatabaseStaysWalWithoutStaleFrames() throws Exception {
        Path live = fixture.versioned("production.sqlite3", true, 1, 10);
        Path incoming = fixture.versioned("incoming.sqlite3", false, 2, 20);
        try (Hotswap hotswap = started(live)) {
            // Frames the old file has only in its write-ahead log; none may reach the new file.
            try (Connection c = hotswap.dataSource("production").getConnection(); Statement s = c.createStatement()) {
                s.execute("PRAGMA wal_autocheckpoint=0");
                for (int i = 0; i < 50; i++) {
                    s.execute("INSERT INTO items (version, name) VALUES (1, 'stale " + i + "')");
                }
                s.execute("UPDATE meta SET version = 7");
            }
            assertTrue(Files.size(Sqlite.sideFile(live, "-wal")) > 0);

            hotswap.push("production", content(incoming), PushOptions.defaults());

            assertTrue(DatabaseHeader.read(live).wal());
            try (Connection c = hotswap.dataSource("production").getConnection()) {
                assertEquals(List.of("wal"), EngineFixture.query(c, "PRAGMA journal_mode"));
                assertEquals(List.of("ok"), EngineFixture.query(c, "PRAGMA integrity_check"));
                assertEquals(List.of("2"), EngineFixture.query(c, "SELECT version FROM meta"));
                assertEquals(List.of("20"), EngineFixture.query(c, "SELECT count(*) FROM items"));
                assertEquals(List.of("0"), EngineFixture.query(c, "SELECT count(*) FROM items WHERE name LIKE 'stale%'"));
            }
        }
        assertEquals(List.of("ok"), EngineFixture.query(live, "PRAGMA integrity_check"));
        assertEquals(List.of("2"), EngineFixture.query(live, "SELECT version FROM meta"));
    }

    @Test
    void rollbackLiveDatabaseGetsWalFileInRollbackMode() throws Exception {
        Path live = fixture.versioned("production.sqlite3", false, 1, 10);
        Path incoming = fixture.versioned("incoming.sqlite3", true, 2, 20);
        try (Hotswap hotswap = started(live)) {
            hotswap.push("production", content(incoming), PushOptions.defaults());
        }
        assertFalse(DatabaseHeader.read(live).wal());
        assertEquals(List.of("delete"), EngineFixture.query(live, "PRAGMA journal_mode"));
        assertEquals(List.of("2"), EngineFixture.query(live, "SELECT version FROM meta"));
    }

    @Test
    void refusesSwapWhileAnotherConnectionHoldsWalDatabase() throws Exception {
        Path live = fixture.versioned("production.sqlite3", true, 1, 10);
        Path incoming = fixture.versioned("incoming.sqlite3", false, 2, 20);
        try (Hotswap hotswap = started(live);
                Connection foreign = new org.sqlite.SQLiteConfig().createConnection("jdbc:sqlite:" + live)) {
            EngineFixture.query(foreign, "SELECT count(*) FROM items"); // an app pool the engine was not told about
            byte[] before = EngineFixture.bytes(live);

            SwapRefusedException refused = assertThrows(SwapRefusedException.class,
                    () -> hotswap.push("production", content(incoming), PushOptions.defaults()));

            assertTrue(refused.getMessage().startsWith("ERROR: production is still open elsewhere"), refused.getMessage());
            assertTrue(refused.getMessage().endsWith("; database untouched"), refused.getMessage());
            assertArrayEquals(before, EngineFixture.bytes(live));
            assertEquals(List.of("1"), EngineFixture.query(foreign, "SELECT version FROM meta"));
            assertFalse(hotswap.gate().isClosed());
        }
        assertEquals(List.of(), EngineFixture.temps(fixture.dir));
    }

    @Test
    void listenersAreToldWhileTheGateIsClosed() throws Exception {
        Path live = fixture.versioned("production.sqlite3", false, 1, 10);
        Path incoming = fixture.versioned("incoming.sqlite3", false, 2, 20);
        List<String> calls = new ArrayList<>();
        Hotswap[] holder = new Hotswap[1];
        SwapListener listener = new SwapListener() {
            @Override
            public void beforeSwap(String database, Path path) {
                calls.add("before " + database + " " + path.getFileName() + " " + holder[0].gate().isClosed());
            }

            @Override
            public void afterSwap(String database, Path path) {
                calls.add("after " + database + " " + path.getFileName() + " " + holder[0].gate().isClosed());
            }
        };
        try (Hotswap hotswap = fixture.builder(live).socketEnabled(false).listener(listener).build().start()) {
            holder[0] = hotswap;
            hotswap.push("production", content(incoming), PushOptions.defaults());
        }
        assertEquals(List.of("before production production.sqlite3 true", "after production production.sqlite3 true"), calls);
    }

    @Test
    void failingListenerAbortsSwapAndReopensGate() throws Exception {
        Path live = fixture.versioned("production.sqlite3", false, 1, 10);
        Path incoming = fixture.versioned("incoming.sqlite3", false, 2, 20);
        byte[] before = EngineFixture.bytes(live);
        SwapListener failing = new SwapListener() {
            @Override
            public void beforeSwap(String database, Path path) {
                throw new IllegalStateException("pool busy");
            }
        };
        try (Hotswap hotswap = fixture.builder(live).socketEnabled(false).listener(failing).build().start()) {
            SwapRefusedException refused = assertThrows(SwapRefusedException.class,
                    () -> hotswap.push("production", content(incoming), PushOptions.defaults()));
            assertEquals("ERROR: swap listener failed: java.lang.IllegalStateException: pool busy; database untouched",
                    refused.getMessage());
            assertFalse(hotswap.gate().isClosed());
        }
        assertArrayEquals(before, EngineFixture.bytes(live));
        assertEquals(List.of(), EngineFixture.temps(fixture.dir));
    }

    @Test
    void symlinkedDatabaseSwapsTheTargetAndKeepsTheLink() throws Exception {
        Path releases = Files.createDirectory(fixture.dir.resolve("release-42"));
        Path target = fixture.versioned("release-42/db.sqlite3", false, 1, 10);
        Path link = Files.createSymbolicLink(fixture.dir.resolve("production.sqlite3"), target);
        Path incoming = fixture.versioned("incoming.sqlite3", false, 2, 20);
        try (Hotswap hotswap = started(link)) {
            hotswap.push("production", content(incoming), PushOptions.defaults());
        }
        assertTrue(Files.isSymbolicLink(link));
        assertEquals(target, Files.readSymbolicLink(link));
        assertArrayEquals(EngineFixture.bytes(incoming), EngineFixture.bytes(target));
        assertEquals(List.of(), EngineFixture.temps(releases));
    }

    @Test
    void pooledConnectionHeldOutsideTheGateIsClosedAtSwap() throws Exception {
        Path live = fixture.versioned("production.sqlite3", true, 1, 10);
        Path incoming = fixture.versioned("incoming.sqlite3", false, 2, 20);
        try (Hotswap hotswap = started(live)) {
            Connection leaked = hotswap.dataSource("production").getConnection();
            assertEquals(List.of("1"), EngineFixture.query(leaked, "SELECT version FROM meta"));

            hotswap.push("production", content(incoming), PushOptions.defaults());

            SQLException closed = assertThrows(SQLException.class, () -> EngineFixture.query(leaked, "SELECT 1"));
            assertTrue(closed.getMessage().contains("swapped"), closed.getMessage());
            leaked.close();
            try (Connection c = hotswap.dataSource("production").getConnection()) {
                assertEquals(List.of("2"), EngineFixture.query(c, "SELECT version FROM meta"));
            }
        }
    }

    @Test
    void pullWritesConsistentSnapshotIncludingUncheckpointedWrites() throws Exception {
        Path live = fixture.versioned("production.sqlite3", true, 1, 10);
        try (Hotswap hotswap = started(live)) {
            try (Connection c = hotswap.dataSource("production").getConnection(); Statement s = c.createStatement()) {
                s.execute("PRAGMA wal_autocheckpoint=0");
                s.execute("INSERT INTO items (version, name) VALUES (1, 'only in the wal')");
            }
            java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
            hotswap.pull("production", out);

            Path copy = fixture.dir.resolve("copy.sqlite3");
            Files.write(copy, out.toByteArray());
            assertEquals(List.of("ok"), EngineFixture.query(copy, "PRAGMA integrity_check"));
            assertEquals(List.of("11"), EngineFixture.query(copy, "SELECT count(*) FROM items"));
        }
        assertEquals(List.of(), EngineFixture.temps(fixture.dir));
    }

    @Test
    void unknownDatabaseIsAnIllegalArgument() throws Exception {
        Path live = fixture.versioned("production.sqlite3", false, 1, 10);
        try (Hotswap hotswap = started(live)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> hotswap.dataSource("staging"));
            assertEquals("unknown database staging (managed: production " + live + ")", e.getMessage());
        }
    }

    /** Overwrites the middle of a page in the second half of the file: structure SQLite checks. */
    private static void corruptIndexPage(Path file) throws IOException {
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            long pages = raf.length() / 4096;
            long page = pages - 2;
            raf.seek(page * 4096 + 8);
            byte[] garbage = new byte[2000];
            Arrays.fill(garbage, (byte) 0x5a);
            raf.write(garbage);
        }
    }
}
