package dev.hotswap.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.OptionalLong;

import javax.sql.DataSource;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.sqlite.SQLiteConfig;

/** Generations on disk: rollback, the keep policy, adoption, and what a restart finds. */
@Timeout(30)
class GenerationsTest {
    private final EngineFixture fixture = new EngineFixture();

    @AfterEach
    void cleanUp() throws IOException {
        fixture.close();
    }

    private Hotswap started(Path live, int keep) throws IOException {
        return fixture.builder(live).socketEnabled(false).keep(keep).build().start();
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

    @Test
    void rollbackMakesThePreviousGenerationCurrentAgainAndBack() throws Exception {
        Path live = fixture.versioned("production.sqlite3", false, 1, 1);
        try (Hotswap hotswap = started(live, 1)) {
            push(hotswap, 2);

            SwapReport back = hotswap.rollback("production", OptionalLong.empty());
            assertEquals(2, back.fromGeneration());
            assertEquals(1, back.toGeneration());
            assertEquals("1", version(hotswap));
            assertEquals(fixture.generation("production.sqlite3", 1).toRealPath(), live.toRealPath());

            hotswap.rollback("production", OptionalLong.empty());
            assertEquals("2", version(hotswap), "the previous one is the one just left");
            assertEquals(List.of(1L, 2L), fixture.generations("production.sqlite3"));
        }
    }

    @Test
    void rollbackToANamedGenerationAndTheRefusals() throws Exception {
        Path live = fixture.versioned("production.sqlite3", false, 1, 1);
        try (Hotswap hotswap = started(live, 3)) {
            SwapRefusedException none = assertThrows(SwapRefusedException.class,
                    () -> hotswap.rollback("production", OptionalLong.empty()));
            assertEquals("ERROR: production has no earlier generation to roll back to", none.getMessage());
            assertEquals(SwapRefusedException.Reason.NO_SUCH_GENERATION, none.reason());
            push(hotswap, 2);
            push(hotswap, 3);

            assertEquals(1, hotswap.rollback("production", OptionalLong.of(1)).toGeneration());
            assertEquals("1", version(hotswap));
            SwapRefusedException current = assertThrows(SwapRefusedException.class,
                    () -> hotswap.rollback("production", OptionalLong.of(1)));
            assertEquals("ERROR: generation 1 of production is current already", current.getMessage());
            SwapRefusedException unknown = assertThrows(SwapRefusedException.class,
                    () -> hotswap.rollback("production", OptionalLong.of(9)));
            assertEquals("ERROR: production has no generation 9 (kept: 3, 2)", unknown.getMessage());
        }
    }

    @Test
    void rollbackRefusesADamagedGenerationAndChangesNothing() throws Exception {
        Path live = fixture.versioned("production.sqlite3", false, 1, 1);
        try (Hotswap hotswap = started(live, 1)) {
            push(hotswap, 2);
            Path first = fixture.generation("production.sqlite3", 1);
            assertTrue(waitUntil(() -> hotswap.status().get(0).kept().get(0).requests() == 0));
            Files.write(first, new byte[4096]); // someone overwrote the kept file

            SwapRefusedException refused = assertThrows(SwapRefusedException.class,
                    () -> hotswap.rollback("production", OptionalLong.empty()));
            assertEquals("ERROR: generation 1 of production (" + first.toRealPath()
                    + ") is damaged: not a SQLite database (no \"SQLite format 3\" header)", refused.getMessage());
            assertEquals(SwapRefusedException.Reason.UNREADABLE, refused.reason());
            assertEquals("2", version(hotswap));
        }
    }

    @Test
    void keepDeletesOlderGenerationsOnceNothingHoldsThem() throws Exception {
        Path live = fixture.versioned("production.sqlite3", false, 1, 1);
        try (Hotswap hotswap = started(live, 1)) {
            Pin pin = hotswap.gate().enter(); // a request still on generation 1
            push(hotswap, 2);
            push(hotswap, 3);

            assertEquals(List.of(1L, 2L, 3L), fixture.generations("production.sqlite3"), "1 is pinned, 2 is kept");
            DatabaseStatus status = hotswap.status().get(0);
            assertEquals(List.of(2L), status.kept().stream().map(GenerationStatus::id).toList());
            assertEquals(List.of(1L), status.retiring().stream().map(GenerationStatus::id).toList());
            assertEquals(1, status.retiring().get(0).requests());
            assertEquals(1, status.requests());

            pin.leave();
            assertTrue(waitUntil(() -> fixture.generations("production.sqlite3").equals(List.of(2L, 3L))),
                    "generation 1 is deleted once released: " + fixture.generations("production.sqlite3"));
            assertEquals(List.of(), hotswap.status().get(0).retiring());
        }
    }

    @Test
    void keepZeroKeepsOnlyTheCurrentGeneration() throws Exception {
        Path live = fixture.versioned("production.sqlite3", false, 1, 1);
        try (Hotswap hotswap = started(live, 0)) {
            push(hotswap, 2);
            assertTrue(waitUntil(() -> fixture.generations("production.sqlite3").equals(List.of(2L))));
            assertThrows(SwapRefusedException.class, () -> hotswap.rollback("production", OptionalLong.empty()));
        }
    }

    @Test
    void restartFindsTheCurrentAndKeptGenerationsFromTheLinkAndTheHistory() throws Exception {
        Path live = fixture.versioned("production.sqlite3", false, 1, 1);
        try (Hotswap hotswap = started(live, 2)) {
            push(hotswap, 2);
            push(hotswap, 3);
            hotswap.rollback("production", OptionalLong.of(2));
        }
        try (Hotswap hotswap = started(live, 2)) {
            DatabaseStatus status = hotswap.status().get(0);
            assertEquals(2, status.current().id());
            assertEquals(List.of(3L, 1L), status.kept().stream().map(GenerationStatus::id).toList(),
                    "kept: most recently current first");
            assertEquals("2", version(hotswap));
            assertEquals(4, push(hotswap, 4).toGeneration());
        }
    }

    @Test
    void restartDeletesAGenerationThatNeverWentLive() throws Exception {
        Path live = fixture.versioned("production.sqlite3", false, 1, 1);
        try (Hotswap hotswap = started(live, 1)) {
            push(hotswap, 2);
        }
        // What a crash between staging and the link leaves: a complete file with no history line.
        Files.copy(fixture.versioned("v9.sqlite3", false, 9, 1), fixture.generation("production.sqlite3", 3));
        try (Hotswap hotswap = started(live, 1)) {
            assertEquals(List.of(1L, 2L), fixture.generations("production.sqlite3"));
            assertEquals("2", version(hotswap));
            assertEquals(1, hotswap.rollback("production", OptionalLong.empty()).toGeneration());
        }
    }

    @Test
    void operatorLinkIsServedWhereItLiesAndNeverMovedOrDeleted() throws Exception {
        Path volume = Files.createDirectory(fixture.dir.resolve("volume"));
        Path data = fixture.versioned("volume/prod.sqlite3", false, 1, 1);
        Path live = Files.createSymbolicLink(fixture.dir.resolve("production.sqlite3"), data);
        try (Hotswap hotswap = started(live, 0)) {
            assertEquals(data, Files.readSymbolicLink(live), "untouched until the first swap");
            push(hotswap, 2);

            Path folder = volume.resolve(GenerationFolder.DIRECTORY).resolve("prod.sqlite3");
            assertEquals(GenerationFolder.fileName(folder.toRealPath(), 2), live.toRealPath(),
                    "generations live beside the data, on its volume");
            assertEquals(List.of("1"), EngineFixture.rows(data, "SELECT version FROM meta"));
            push(hotswap, 3); // keep 0: generation 1 is not ours to delete
            assertTrue(waitUntil(() -> Files.notExists(GenerationFolder.fileName(folder, 2))), "generation 2 is deleted");
            assertTrue(Files.exists(data), "the operator's file stays");
        }
        try (Hotswap hotswap = started(live, 3)) {
            assertEquals("3", version(hotswap));
        }
    }

    @Test
    void operatorLinkedFileCanBeRolledBackTo() throws Exception {
        Files.createDirectory(fixture.dir.resolve("volume"));
        Path data = fixture.versioned("volume/prod.sqlite3", false, 1, 1);
        Path live = Files.createSymbolicLink(fixture.dir.resolve("production.sqlite3"), data);
        try (Hotswap hotswap = started(live, 1)) {
            push(hotswap, 2);
            hotswap.rollback("production", OptionalLong.empty());
            assertEquals(data, live.toRealPath());
            assertEquals("1", version(hotswap));
        }
    }

    @Test
    void adoptionRefusesAFileAnotherProcessHolds() throws Exception {
        Path live = fixture.versioned("production.sqlite3", true, 1, 1);
        try (Connection other = new SQLiteConfig().createConnection("jdbc:sqlite:" + live);
                Statement s = other.createStatement()) {
            s.execute("INSERT INTO log (note) VALUES ('held open')"); // an open WAL database elsewhere
            IOException e = assertThrows(IOException.class, () -> started(live, 1));
            assertTrue(e.getMessage().startsWith("database production: " + live + " is open in another process ("),
                    e.getMessage());
            assertFalse(Files.isSymbolicLink(live), "the file was left as it was");
        }
        try (Hotswap hotswap = started(live, 1)) {
            assertTrue(Files.isSymbolicLink(live), "adopted once nothing else holds it");
            assertEquals("1", version(hotswap));
        }
    }

    @Test
    void adoptionKeepsWhatAWriteAheadLogHeld() throws Exception {
        Path live = fixture.versioned("production.sqlite3", true, 1, 1);
        Path wal = Sqlite.sideFile(live, "-wal");
        try (Connection writer = new SQLiteConfig().createConnection("jdbc:sqlite:" + live);
                Statement s = writer.createStatement()) {
            s.execute("PRAGMA wal_autocheckpoint=0");
            s.execute("UPDATE meta SET version = 5");
            // A crash now: the log holds the update, the file does not.
            Files.copy(wal, fixture.dir.resolve("crashed-wal"));
        }
        Files.copy(fixture.dir.resolve("crashed-wal"), wal);
        try (Hotswap hotswap = started(live, 1)) {
            assertEquals("5", version(hotswap));
            assertFalse(Files.exists(wal), "nothing is left under the live path's own name");
        }
    }

    @Test
    @Timeout(10) // the defect: the last warm-up borrow waited the pool's 30 s, then the rollback was refused
    void rollbackToAGenerationAJobStillHoldsSucceedsAtOnceWhateverItsPoolHasOut() throws Exception {
        Path live = fixture.versioned("production.sqlite3", false, 1, 1);
        try (Hotswap hotswap = fixture.builder(live).socketEnabled(false).poolSize(2).build().start()) {
            DataSource db = hotswap.dataSource("production");
            try (Connection first = db.getConnection(); Connection second = db.getConnection()) {
                assertEquals("1", EngineFixture.query(first, "SELECT version FROM meta").get(0));
                assertEquals("1", EngineFixture.query(second, "SELECT version FROM meta").get(0));
            } // generation 1's pool has grown to its two connections
            try (Connection job = db.getConnection()) { // a scheduled job, outside any request, on generation 1
                push(hotswap, 2);

                SwapReport back = hotswap.rollback("production", OptionalLong.empty());

                assertEquals(1, back.toGeneration());
                assertEquals("1", version(hotswap));
                assertEquals("1", EngineFixture.query(job, "SELECT version FROM meta").get(0));
            }
        }
    }

    @Test
    void rollbackAndKeepFollowTheOrderGenerationsBecameCurrentNotTheirClock() throws Exception {
        Path live = fixture.versioned("production.sqlite3", false, 1, 1);
        started(live, 1).close();
        // The clock stepped back after generation 1 went live (NTP, a VM restore): its instant is
        // two hours ahead of every later one.
        Path history = fixture.folder("production.sqlite3").resolve("history");
        List<String> lines = Files.readAllLines(history);
        String[] fields = lines.get(0).split("\t", -1);
        fields[1] = java.time.Instant.parse(fields[1]).plus(Duration.ofHours(2)).toString();
        Files.write(history, List.of(String.join("\t", fields)));
        try (Hotswap hotswap = started(live, 1)) {
            push(hotswap, 2);
            push(hotswap, 3);
            assertTrue(waitUntil(() -> fixture.generations("production.sqlite3").equals(List.of(2L, 3L))),
                    "generation 2 is kept, 1 deleted: " + fixture.generations("production.sqlite3"));

            assertEquals(2, hotswap.rollback("production", OptionalLong.empty()).toGeneration());
            assertEquals("2", version(hotswap));
        }
    }

    @Test
    void generationIdsAreNeverReusedAfterARollbackDeletedTheNewestOneNorAfterARestart() throws Exception {
        Path live = fixture.versioned("production.sqlite3", false, 1, 1);
        try (Hotswap hotswap = started(live, 0)) {
            try (Connection job = hotswap.dataSource("production").getConnection()) { // holds generation 1
                push(hotswap, 2);
                assertEquals(1, hotswap.rollback("production", OptionalLong.empty()).toGeneration());
                assertTrue(waitUntil(() -> fixture.generations("production.sqlite3").equals(List.of(1L))),
                        "keep 0: generation 2 is deleted once it retired");

                assertEquals(3, push(hotswap, 3).toGeneration(), "generation 2 existed: its id is not given again");
                assertEquals("1", EngineFixture.query(job, "SELECT version FROM meta").get(0));
            }
        }
        try (Hotswap hotswap = started(live, 0)) {
            try (Connection job = hotswap.dataSource("production").getConnection()) { // holds generation 3
                push(hotswap, 4);
                assertEquals(3, hotswap.rollback("production", OptionalLong.empty()).toGeneration());
                assertTrue(waitUntil(() -> fixture.generations("production.sqlite3").equals(List.of(3L))));
                assertEquals("3", EngineFixture.query(job, "SELECT version FROM meta").get(0));
            }
        }
        try (Hotswap hotswap = started(live, 0)) {
            assertEquals(5, push(hotswap, 5).toGeneration(), "generation 4 existed before the restart");
        }
    }

    @Test
    void generationsFolderHoldsOnlyWhatTheEngineMade() throws Exception {
        Path live = fixture.versioned("production.sqlite3", false, 1, 1);
        try (Hotswap hotswap = started(live, 1)) {
            push(hotswap, 2);
        }
        assertEquals(List.of("000001.sqlite3", "000002.sqlite3", "history", "lock"),
                EngineFixture.files(fixture.folder("production.sqlite3")));
        assertEquals(2, Files.readAllLines(fixture.folder("production.sqlite3").resolve("history")).size());
    }

    /** Polls {@code condition} for up to 10 s: retirement happens on the engine's background thread. */
    private static boolean waitUntil(Check condition) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!condition.holds()) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            Thread.sleep(5);
        }
        return true;
    }

    @FunctionalInterface
    private interface Check {
        boolean holds() throws Exception;
    }
}
