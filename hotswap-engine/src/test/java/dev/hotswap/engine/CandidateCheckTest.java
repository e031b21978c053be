package dev.hotswap.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The application's own checks on a push, in process: when they run, what they see, and what a refusal leaves. */
@Timeout(30)
class CandidateCheckTest {
    private final EngineFixture fixture = new EngineFixture();

    @AfterEach
    void cleanUp() throws IOException {
        fixture.close();
    }

    private static InputStream content(Path file) throws IOException {
        return new ByteArrayInputStream(Files.readAllBytes(file));
    }

    /** Refuses a candidate with fewer items than the current generation. */
    private static CandidateCheck noShrinking() {
        return (candidate, current) -> {
            long now = count(current, "SELECT count(*) FROM items");
            long next = count(candidate, "SELECT count(*) FROM items");
            return next >= now ? CandidateCheck.Verdict.pass()
                    : CandidateCheck.Verdict.refuse("items would shrink from " + now + " to " + next);
        };
    }

    private static long count(Connection connection, String sql) throws SQLException {
        return Long.parseLong(EngineFixture.query(connection, sql).get(0));
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void refusingCheckRefusesThePushWithItsNameAndMessageAndLeavesTheLiveFileUntouched(boolean wal) throws Exception {
        Path live = fixture.versioned("production.sqlite3", wal, 1, 10);
        Path incoming = fixture.versioned("incoming.sqlite3", wal, 2, 3);
        try (Hotswap hotswap = fixture.builder(live).socketEnabled(false).check("no-shrinking", noShrinking())
                .build().start()) {
            byte[] before = EngineFixture.bytes(fixture.generation("production.sqlite3", 1));
            SwapRefusedException refused = assertThrows(SwapRefusedException.class,
                    () -> hotswap.push("production", content(incoming), PushOptions.defaults()));

            assertEquals(SwapRefusedException.Reason.CHECK, refused.reason());
            assertEquals("ERROR: check no-shrinking refused: items would shrink from 10 to 3", refused.getMessage());
            assertArrayEquals(before, EngineFixture.bytes(live));
            assertEquals(List.of(1L), fixture.generations("production.sqlite3"));
            assertEquals(List.of(), EngineFixture.temps(fixture.dir));
            assertEquals(1, hotswap.status().get(0).current().id());
        }
    }

    @Test
    void passingCheckLetsThePushThrough() throws Exception {
        Path live = fixture.versioned("production.sqlite3", false, 1, 10);
        Path incoming = fixture.versioned("incoming.sqlite3", false, 2, 30);
        try (Hotswap hotswap = fixture.builder(live).socketEnabled(false).check("no-shrinking", noShrinking())
                .build().start()) {
            assertEquals(2, hotswap.push("production", content(incoming), PushOptions.defaults()).toGeneration());
        }
    }

    @Test
    void checksSeeTheCandidateAndTheCurrentGenerationReadOnly() throws Exception {
        Path live = fixture.versioned("production.sqlite3", true, 1, 10);
        Path incoming = fixture.versioned("incoming.sqlite3", true, 2, 30);
        List<String> seen = new CopyOnWriteArrayList<>();
        CandidateCheck writer = (candidate, current) -> {
            seen.add(EngineFixture.query(candidate, "SELECT version FROM meta").get(0) + "/"
                    + EngineFixture.query(current, "SELECT version FROM meta").get(0));
            for (Connection connection : List.of(candidate, current)) {
                try (Statement statement = connection.createStatement()) {
                    statement.executeUpdate("DELETE FROM items");
                    seen.add("wrote");
                } catch (SQLException e) {
                    seen.add("read-only");
                }
            }
            return CandidateCheck.Verdict.pass();
        };
        try (Hotswap hotswap = fixture.builder(live).socketEnabled(false).check("writer", writer).build().start()) {
            hotswap.push("production", content(incoming), PushOptions.defaults());
            assertEquals(List.of("2/1", "read-only", "read-only"), seen);
            assertEquals(List.of("30"), EngineFixture.query(live, "SELECT count(*) FROM items"));
            assertEquals(List.of("10"), EngineFixture.query(fixture.generation("production.sqlite3", 1),
                    "SELECT count(*) FROM items"));
        }
    }

    @Test
    void checksRunInTheOrderAddedAndTheFirstRefusalEndsThePush() throws Exception {
        Path live = fixture.versioned("production.sqlite3", false, 1, 10);
        Path incoming = fixture.versioned("incoming.sqlite3", false, 2, 10);
        List<String> ran = new CopyOnWriteArrayList<>();
        try (Hotswap hotswap = fixture.builder(live).socketEnabled(false)
                .check("a", (c, l) -> { ran.add("a"); return CandidateCheck.Verdict.pass(); })
                .check("production", "b", (c, l) -> { ran.add("b"); return CandidateCheck.Verdict.refuse("no"); })
                .check("c", (c, l) -> { ran.add("c"); return CandidateCheck.Verdict.pass(); })
                .build().start()) {
            SwapRefusedException refused = assertThrows(SwapRefusedException.class,
                    () -> hotswap.push("production", content(incoming), PushOptions.defaults()));
            assertEquals("ERROR: check b refused: no", refused.getMessage());
            // the checks for every database first, then the database's own
            assertEquals(List.of("a", "c", "b"), ran);
        }
    }

    @Test
    void checkThatThrowsRefusesThePushNamingTheCheck() throws Exception {
        Path live = fixture.versioned("production.sqlite3", false, 1, 10);
        Path incoming = fixture.versioned("incoming.sqlite3", false, 2, 10);
        try (Hotswap hotswap = fixture.builder(live).socketEnabled(false)
                .check("products", CandidateCheck.sql("SELECT count(*) > 0 FROM products"))
                .check("buggy", (c, l) -> { throw new IllegalStateException("bug in the app"); })
                .build().start()) {
            SwapRefusedException refused = assertThrows(SwapRefusedException.class,
                    () -> hotswap.push("production", content(incoming), PushOptions.defaults()));
            assertEquals("ERROR: check products failed: [SQLITE_ERROR] SQL error or missing database (no such table: products)",
                    refused.getMessage());
            SwapRefusedException buggy = assertThrows(SwapRefusedException.class, () -> hotswap.push("production",
                    content(incoming), PushOptions.defaults().skippingChecks("products")));
            assertEquals("ERROR: check buggy failed: bug in the app", buggy.getMessage());
            assertEquals(List.of(1L), fixture.generations("production.sqlite3"));
        }
    }

    @Test
    void skippedCheckDoesNotRunAndAnUnknownNameIsRefused() throws Exception {
        Path live = fixture.versioned("production.sqlite3", false, 1, 10);
        Path incoming = fixture.versioned("incoming.sqlite3", false, 2, 3);
        AtomicInteger runs = new AtomicInteger();
        CandidateCheck counted = (c, l) -> {
            runs.incrementAndGet();
            return CandidateCheck.Verdict.refuse("always");
        };
        try (Hotswap hotswap = fixture.builder(live).socketEnabled(false).check("always-no", counted).build().start()) {
            IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class, () -> hotswap.push(
                    "production", content(incoming), PushOptions.defaults().skippingChecks("always-noo")));
            assertEquals("no check named 'always-noo' on production (checks: always-no)", unknown.getMessage());

            SwapReport report = hotswap.push("production", content(incoming),
                    PushOptions.defaults().skippingChecks("always-no"));
            assertEquals(2, report.toGeneration());
            assertEquals(0, runs.get());
        }
    }

    @Test
    void databaseCheckRunsOnItsDatabaseOnly() throws Exception {
        Path live = fixture.versioned("production.sqlite3", false, 1, 10);
        Path otherLive = fixture.versioned("staging.sqlite3", false, 1, 10);
        Path incoming = fixture.versioned("incoming.sqlite3", false, 2, 10);
        try (Hotswap hotswap = fixture.builder(live).database("staging", otherLive).socketEnabled(false)
                .check("staging", "never", (c, l) -> CandidateCheck.Verdict.refuse("not on staging"))
                .build().start()) {
            assertEquals(2, hotswap.push("production", content(incoming), PushOptions.defaults()).toGeneration());
            assertThrows(SwapRefusedException.class,
                    () -> hotswap.push("staging", content(incoming), PushOptions.defaults()));
            assertThrows(IllegalArgumentException.class, () -> hotswap.push("production", content(incoming),
                    PushOptions.defaults().skippingChecks("never")));
        }
    }

    @Test
    void builderRefusesMalformedAndDuplicateCheckNames() {
        Path live = fixture.dir.resolve("production.sqlite3");
        CandidateCheck pass = (c, l) -> CandidateCheck.Verdict.pass();
        HotswapBuilder builder = fixture.builder(live).check("a", pass);
        assertEquals("check a is already added", assertThrows(IllegalArgumentException.class,
                () -> builder.check("a", pass)).getMessage());
        assertThrows(IllegalArgumentException.class, () -> builder.check("production", "a", pass));
        assertEquals("check name 'a,b' must be 1 to 64 letters, digits, '.', '_' or '-'",
                assertThrows(IllegalArgumentException.class, () -> builder.check("a,b", pass)).getMessage());
        assertThrows(IllegalArgumentException.class, () -> builder.check("nowhere", "b", pass));
    }

    @Test
    void stagingForAFleetRunsTheChecks() throws Exception {
        Path live = fixture.versioned("production.sqlite3", false, 1, 10);
        Path incoming = fixture.versioned("incoming.sqlite3", false, 2, 3);
        try (Hotswap hotswap = fixture.builder(live).socketEnabled(false).check("no-shrinking", noShrinking())
                .build().start()) {
            SwapRefusedException refused = assertThrows(SwapRefusedException.class,
                    () -> hotswap.stage("production", content(incoming), PushOptions.defaults(), "r-1"));
            assertEquals(SwapRefusedException.Reason.CHECK, refused.reason());
            assertEquals(List.of(1L), fixture.generations("production.sqlite3"));
            assertEquals(List.of(), EngineFixture.temps(fixture.dir));
        }
    }

    @Test
    void rollbackDoesNotRunTheChecks() throws Exception {
        Path live = fixture.versioned("production.sqlite3", false, 1, 10);
        Path incoming = fixture.versioned("incoming.sqlite3", false, 2, 30);
        // Passes the push (30 >= 10); would refuse going back to 10 items.
        try (Hotswap hotswap = fixture.builder(live).socketEnabled(false).check("no-shrinking", noShrinking())
                .build().start()) {
            hotswap.push("production", content(incoming), PushOptions.defaults());
            SwapReport back = hotswap.rollback("production", OptionalLong.empty());
            assertEquals(1, back.toGeneration());
            assertEquals(List.of("10"), EngineFixture.query(live, "SELECT count(*) FROM items"));
        }
    }

    @Test
    void dryRunRunsEveryCheckAndLeavesNothingBehind() throws Exception {
        Path live = fixture.versioned("production.sqlite3", true, 1, 10);
        Path incoming = fixture.versioned("incoming.sqlite3", true, 2, 30);
        Path shrunk = fixture.versioned("shrunk.sqlite3", true, 2, 3);
        List<String> heard = new CopyOnWriteArrayList<>();
        try (Hotswap hotswap = fixture.builder(live).socketEnabled(false).check("no-shrinking", noShrinking())
                .listener(outcome -> heard.add(outcome.toString())).build().start()) {
            byte[] before = EngineFixture.bytes(live);
            CheckReport report = hotswap.check("production", content(incoming), PushOptions.defaults());

            assertEquals("production", report.database());
            assertEquals(Files.size(incoming), report.bytes());
            assertTrue(report.integrityCheck().toNanos() > 0);
            assertTrue(report.schemaCheck().toNanos() > 0);
            assertEquals(List.of("no-shrinking"), List.copyOf(report.checks().keySet()));

            SwapRefusedException refused = assertThrows(SwapRefusedException.class,
                    () -> hotswap.check("production", content(shrunk), PushOptions.defaults()));
            assertEquals("ERROR: check no-shrinking refused: items would shrink from 10 to 3", refused.getMessage());

            assertArrayEquals(before, EngineFixture.bytes(live));
            assertEquals(List.of(1L), fixture.generations("production.sqlite3"));
            assertEquals(List.of(), EngineFixture.temps(fixture.dir));
            assertEquals(1, hotswap.status().get(0).current().id());
            assertEquals(List.of(), heard);
            // and the database is free again: a push goes through
            assertEquals(2, hotswap.push("production", content(incoming), PushOptions.defaults()).toGeneration());
        }
    }

    @Test
    void dryRunRefusesWhatThePushWouldRefuse() throws Exception {
        Path live = fixture.versioned("production.sqlite3", false, 1, 10);
        Path other = fixture.database("other.sqlite3", false, "CREATE TABLE t (x)");
        try (Hotswap hotswap = fixture.builder(live).socketEnabled(false).build().start()) {
            SwapRefusedException schema = assertThrows(SwapRefusedException.class,
                    () -> hotswap.check("production", content(other), PushOptions.defaults()));
            SwapRefusedException pushed = assertThrows(SwapRefusedException.class,
                    () -> hotswap.push("production", content(other), PushOptions.defaults()));
            assertEquals(pushed.getMessage(), schema.getMessage());
            assertEquals(SwapRefusedException.Reason.SCHEMA, schema.reason());
            // with the schema check skipped, as the push would: nothing else refuses
            assertTrue(hotswap.check("production", content(other), new PushOptions(false, true)).checks().isEmpty());
            assertEquals(List.of(1L), fixture.generations("production.sqlite3"));
            assertEquals(List.of(), EngineFixture.temps(fixture.dir));
        }
    }
}
