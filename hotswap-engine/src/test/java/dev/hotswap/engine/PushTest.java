package dev.hotswap.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;

import javax.sql.DataSource;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The push pipeline in-process: a new generation per file, the checks, refusals, and what they leave behind. */
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
    void pushedFileBecomesTheNextGenerationAndTheLivePathLinksToIt() throws Exception {
        Path live = fixture.versioned("production.sqlite3", false, 1, 10);
        Object adoptedKey = Files.readAttributes(live, java.nio.file.attribute.BasicFileAttributes.class).fileKey();
        Path incoming = fixture.versioned("incoming.sqlite3", false, 2, 20);
        try (Hotswap hotswap = started(live)) {
            SwapReport report = hotswap.push("production", content(incoming), PushOptions.defaults());

            assertEquals("production", report.database());
            assertEquals(1, report.fromGeneration());
            assertEquals(2, report.toGeneration());
            assertEquals(Files.size(incoming), report.bytes());
            assertTrue(report.integrityCheck().toNanos() > 0);
            assertTrue(report.schemaCheck().toNanos() > 0);
            assertTrue(report.swap().compareTo(java.time.Duration.ofNanos(report.pauseMicros() * 1000)) >= 0);
            assertEquals(Path.of(".hotswap/production.sqlite3/000002.sqlite3"), Files.readSymbolicLink(live));
            assertArrayEquals(EngineFixture.bytes(incoming), EngineFixture.bytes(fixture.generation("production.sqlite3", 2)));
            // The file found at the live path became generation 1 at start: the same file, its own name.
            assertEquals(adoptedKey, Files.readAttributes(fixture.generation("production.sqlite3", 1),
                    java.nio.file.attribute.BasicFileAttributes.class).fileKey());
            assertEquals(List.of("1"), EngineFixture.rows(fixture.generation("production.sqlite3", 1), "SELECT version FROM meta"));
            try (Connection c = hotswap.dataSource("production").getConnection()) {
                assertEquals(List.of("2"), EngineFixture.query(c, "SELECT version FROM meta"));
                assertEquals(List.of("20"), EngineFixture.query(c, "SELECT count(*) FROM items"));
            }
            assertEquals(List.of("2"), EngineFixture.rows(live, "SELECT version FROM meta"));
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
            assertEquals(SwapRefusedException.Reason.INTEGRITY, refused.reason());
            assertEquals("ERROR: integrity check failed", lines[0]);
            assertTrue(lines.length > 1, refused.getMessage());
            assertTrue(lines.length <= 1 + IntegrityCheck.REPORTED_LINES + 1, refused.getMessage());
        }
        assertUntouched(live, before);
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

            assertEquals(SwapRefusedException.Reason.SCHEMA, refused.reason());
            assertEquals("ERROR: schema mismatch\n"
                    + "+ CREATE INDEX users_email ON users (email)\n"
                    + "- CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT)\n"
                    + "+ CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT, email TEXT)",
                    refused.getMessage());
        }
        assertUntouched(live, before);
    }

    @Test
    void skippedSchemaCheckLetsDifferentSchemaThrough() throws Exception {
        Path live = fixture.database("production.sqlite3", false, "CREATE TABLE a (x)");
        Path incoming = fixture.database("incoming.sqlite3", false, "CREATE TABLE b (y)");
        try (Hotswap hotswap = started(live)) {
            SwapReport report = hotswap.push("production", content(incoming), new PushOptions(false, true));

            assertEquals(0, report.schemaCheck().toNanos());
            assertEquals(List.of("b"), EngineFixture.rows(live, "SELECT name FROM sqlite_master"));
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
            assertEquals(SwapRefusedException.Reason.NOT_A_DATABASE, refused.reason());
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
        assertUntouched(live, before);
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
            assertTrue(started.await(10, TimeUnit.SECONDS), "the first push started uploading");

            SwapRefusedException refused = assertThrows(SwapRefusedException.class,
                    () -> hotswap.push("production", content(incoming), PushOptions.defaults()));
            assertEquals("ERROR: another push or rollback of production is in progress", refused.getMessage());
            assertEquals(SwapRefusedException.Reason.BUSY, refused.reason());

            release.countDown();
            assertEquals(bytes.length, first.get(10, TimeUnit.SECONDS).bytes());
            hotswap.push("production", content(incoming), PushOptions.defaults()); // free again
        } finally {
            release.countDown();
            executor.shutdownNow();
        }
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
        assertUntouched(live, before);
    }

    @Test
    void deletesOrphanedTempFilesAtStartup() throws Exception {
        Path live = fixture.versioned("production.sqlite3", false, 1, 10);
        Path folder = Files.createDirectories(fixture.folder("production.sqlite3"));
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
        Files.createSymbolicLink(fixture.dir.resolve(".production.sqlite3.hotswap-77.tmp"), live);
        Files.write(folder.resolve(".incoming-5.tmp"), new byte[] {1});
        Files.write(folder.resolve(".incoming-5.tmp-wal"), new byte[] {1});
        try (Hotswap hotswap = started(live)) {
            assertTrue(hotswap.dataSource("production") != null);
            List<String> left = fixture.files();
            orphans.forEach(name -> assertFalse(left.contains(name), name));
            keep.forEach(name -> assertTrue(left.contains(name), name));
            assertFalse(left.contains(".production.sqlite3.hotswap-77.tmp"), "an orphaned temp link");
            assertEquals(List.of(), EngineFixture.temps(fixture.dir).stream().filter(name -> name.contains("/")).toList());
        }
    }

    @Test
    void walLiveDatabaseStaysWalAndItsUncheckpointedFramesStayInTheOldGeneration() throws Exception {
        Path live = fixture.versioned("production.sqlite3", true, 1, 10);
        Path incoming = fixture.versioned("incoming.sqlite3", false, 2, 20);
        try (Hotswap hotswap = started(live)) {
            try (Connection c = hotswap.dataSource("production").getConnection(); Statement s = c.createStatement()) {
                s.execute("PRAGMA wal_autocheckpoint=0");
                for (int i = 0; i < 50; i++) {
                    s.execute("INSERT INTO items (version, name) VALUES (1, 'stale " + i + "')");
                }
                s.execute("UPDATE meta SET version = 7");
            }
            assertTrue(Files.size(Sqlite.sideFile(live.toRealPath(), "-wal")) > 0);

            hotswap.push("production", content(incoming), PushOptions.defaults());

            assertTrue(DatabaseHeader.read(live).wal());
            try (Connection c = hotswap.dataSource("production").getConnection()) {
                assertEquals(List.of("wal"), EngineFixture.query(c, "PRAGMA journal_mode"));
                assertEquals(List.of("ok"), EngineFixture.query(c, "PRAGMA integrity_check"));
                assertEquals(List.of("2"), EngineFixture.query(c, "SELECT version FROM meta"));
                assertEquals(List.of("0"), EngineFixture.query(c, "SELECT count(*) FROM items WHERE name LIKE 'stale%'"));
            }
        }
        // The old generation keeps what was written to it; its log went into it when it closed.
        Path first = fixture.generation("production.sqlite3", 1);
        assertFalse(Files.exists(Sqlite.sideFile(first, "-wal")), () -> "generation 1 was checkpointed when it closed: " + listing(first.getParent()));
        assertEquals(List.of("7"), EngineFixture.rows(first, "SELECT version FROM meta"));
        assertEquals(List.of("50"), EngineFixture.rows(first, "SELECT count(*) FROM items WHERE name LIKE 'stale%'"));
        assertEquals(List.of("2"), EngineFixture.rows(live, "SELECT version FROM meta"));
    }

    @Test
    void rollbackJournalLiveDatabaseGetsTheNewFileInRollbackMode() throws Exception {
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
    void connectionTakenOutsideAnyRequestKeepsItsGenerationUntilClosed() throws Exception {
        Path live = fixture.versioned("production.sqlite3", true, 1, 10);
        Path incoming = fixture.versioned("incoming.sqlite3", false, 2, 20);
        try (Hotswap hotswap = started(live)) {
            Connection held = hotswap.dataSource("production").getConnection();
            EngineFixture.query(held, "SELECT version FROM meta");

            SwapReport report = hotswap.push("production", content(incoming), PushOptions.defaults());

            assertNull(report.released(), "the old generation is still held by a connection");
            assertEquals(List.of("1"), EngineFixture.query(held, "SELECT version FROM meta"));
            try (Statement s = held.createStatement()) {
                s.execute("INSERT INTO items (version, name) VALUES (1, 'late write')");
            }
            try (Connection c = hotswap.dataSource("production").getConnection()) {
                assertEquals(List.of("2"), EngineFixture.query(c, "SELECT version FROM meta"));
            }
            Generation old = hotswap.managed("production").openGenerations().stream()
                    .filter(generation -> generation.id() == 1).findFirst().orElseThrow();
            held.close();
            assertTrue(old.awaitRetired(java.time.Duration.ofSeconds(10)) > 0, "generation 1 retires once released");
        }
        assertEquals(List.of("1"), EngineFixture.rows(fixture.generation("production.sqlite3", 1),
                "SELECT count(*) FROM items WHERE name = 'late write'"));
    }

    @Test
    void newGenerationOpensAsManyConnectionsAsTheCurrentOneHadBeforeItGoesLive() throws Exception {
        Path live = fixture.versioned("production.sqlite3", true, 1, 10);
        Path incoming = fixture.versioned("incoming.sqlite3", true, 2, 20);
        try (Hotswap hotswap = started(live)) {
            DataSource data = hotswap.dataSource("production");
            List<Connection> three = List.of(data.getConnection(), data.getConnection(), data.getConnection());
            assertEquals(3, ((ConnectionPool) hotswap.managed("production").current().pool()).size());
            for (Connection connection : three) {
                connection.close();
            }
            hotswap.push("production", content(incoming), PushOptions.defaults());

            ConnectionPool pool = (ConnectionPool) hotswap.managed("production").current().pool();
            assertEquals(3, pool.size(), "opened before the flip, not by the first requests after it");
        }
    }

    @Test
    void listenersHearEveryOutcomeAndCannotBreakASwap() throws Exception {
        Path live = fixture.versioned("production.sqlite3", false, 1, 10);
        Path incoming = fixture.versioned("incoming.sqlite3", false, 2, 20);
        Path other = fixture.database("other.sqlite3", false, "CREATE TABLE b (y)");
        List<SwapOutcome> heard = new CopyOnWriteArrayList<>();
        try (Hotswap hotswap = fixture.builder(live).socketEnabled(false)
                .listener(outcome -> {
                    throw new IllegalStateException("a broken listener");
                })
                .listener(heard::add)
                .build().start()) {
            hotswap.push("production", content(incoming), PushOptions.defaults());
            assertThrows(SwapRefusedException.class,
                    () -> hotswap.push("production", content(other), PushOptions.defaults()));
            hotswap.rollback("production", java.util.OptionalLong.empty());
        }
        assertEquals(3, heard.size(), heard.toString());
        assertEquals(SwapOutcome.Result.SWAPPED, heard.get(0).result());
        assertEquals(2, heard.get(0).report().toGeneration());
        assertEquals(SwapOutcome.Result.REFUSED, heard.get(1).result());
        assertTrue(heard.get(1).message().startsWith("ERROR: schema mismatch"), heard.get(1).message());
        assertEquals(SwapOutcome.Operation.ROLLBACK, heard.get(2).operation());
        assertEquals(1, heard.get(2).report().toGeneration());
    }

    @Test
    void stagedGenerationGoesLiveOnlyWhenActivatedAndIsDeletedWhenDiscarded() throws Exception {
        Path live = fixture.versioned("production.sqlite3", false, 1, 10);
        Path incoming = fixture.versioned("incoming.sqlite3", false, 2, 20);
        try (Hotswap hotswap = started(live)) {
            Path discarded;
            try (StagedGeneration staged = hotswap.stage("production", content(incoming), PushOptions.defaults(), "r-1")) {
                discarded = staged.file();
                assertTrue(Files.exists(discarded));
                assertEquals(List.of("1"), EngineFixture.rows(live, "SELECT version FROM meta"));
                assertThrows(SwapRefusedException.class,
                        () -> hotswap.push("production", content(incoming), PushOptions.defaults()));
            }
            assertFalse(Files.exists(discarded));

            try (StagedGeneration staged = hotswap.stage("production", content(incoming), PushOptions.defaults(), "r-2")) {
                SwapReport report = hotswap.activate(staged);
                assertEquals(staged.id(), report.toGeneration());
                assertThrows(IllegalStateException.class, () -> hotswap.activate(staged));
            }
            assertEquals(List.of("2"), EngineFixture.rows(live, "SELECT version FROM meta"));
            assertEquals("r-2", hotswap.status().get(0).current().rolloutId());
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
            ByteArrayOutputStream out = new ByteArrayOutputStream();
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

    /**
     * The live path still leads to generation 1, the file it was, byte for byte, and no other
     * generation or temp file was left.
     */
    private void assertUntouched(Path live, byte[] before) throws IOException {
        String name = live.getFileName().toString();
        assertEquals(fixture.generation(name, 1).toRealPath(), live.toRealPath());
        assertArrayEquals(before, EngineFixture.bytes(live));
        assertEquals(List.of(1L), fixture.generations(name));
        assertEquals(List.of(), EngineFixture.temps(fixture.dir));
    }

    private static String listing(Path dir) {
        try (java.util.stream.Stream<Path> files = Files.list(dir)) {
            return files.map(f -> f.getFileName() + ":" + f.toFile().length()).sorted().toList().toString();
        } catch (IOException e) {
            return e.toString();
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
