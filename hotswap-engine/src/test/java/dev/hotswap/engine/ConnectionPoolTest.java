package dev.hotswap.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.sqlite.SQLiteConnection;

/** A generation's connections: the engine's pool behind leased connections, reuse, reset, bounds, retirement. */
@Timeout(20)
class ConnectionPoolTest {
    private final EngineFixture fixture = new EngineFixture();
    private final List<Generation> retired = new ArrayList<>();

    @AfterEach
    void cleanUp() throws IOException {
        fixture.close();
    }

    private Generation generation(int poolSize) throws SQLException {
        Path file = fixture.versioned("production.sqlite3", true, 1, 3);
        ConnectionPool pool = new ConnectionPool("production", file, poolSize, Duration.ofSeconds(5), Duration.ofMillis(200));
        return new Generation("production", 0, 1, file, pool, retired::add);
    }

    @Test
    void closeReturnsThePhysicalConnectionForReuse() throws Exception {
        Generation generation = generation(2);
        SQLiteConnection first;
        try (Connection c = generation.lend()) {
            first = c.unwrap(SQLiteConnection.class);
        }
        try (Connection c = generation.lend()) {
            assertSame(first, c.unwrap(SQLiteConnection.class));
        }
        generation.pool().close();
    }

    @Test
    void connectionsCarryABusyTimeout() throws Exception {
        Generation generation = generation(1);
        try (Connection c = generation.lend()) {
            assertEquals(5000, c.unwrap(SQLiteConnection.class).getBusyTimeout());
        }
        generation.pool().close();
    }

    @Test
    void returnRollsBackAnOpenTransactionAndClosesStatements() throws Exception {
        Generation generation = generation(1);
        Statement leftOpen;
        try (Connection c = generation.lend()) {
            c.setAutoCommit(false);
            leftOpen = c.createStatement();
            leftOpen.executeUpdate("INSERT INTO log (note) VALUES ('uncommitted')");
        }
        assertTrue(leftOpen.isClosed());
        try (Connection c = generation.lend()) {
            assertTrue(c.getAutoCommit());
            assertEquals(List.of("0"), EngineFixture.query(c, "SELECT count(*) FROM log"));
        }
        generation.pool().close();
    }

    @Test
    void closedConnectionRefusesUseAndCountsOnce() throws Exception {
        Generation generation = generation(1);
        Connection c = generation.lend();
        assertEquals(1, generation.connectionsOut());
        c.close();
        c.close(); // idempotent
        assertEquals(0, generation.connectionsOut());
        assertTrue(c.isClosed());
        assertFalse(c.isValid(1));
        SQLException e = assertThrows(SQLException.class, c::createStatement);
        assertEquals("connection to database production is closed", e.getMessage());
        generation.pool().close();
    }

    @Test
    void exhaustedPoolTimesOutWithTheLimitInTheMessage() throws Exception {
        Generation generation = generation(1);
        try (Connection held = generation.lend()) {
            SQLException e = assertThrows(SQLException.class, generation::lend);
            assertEquals("no connection to database production free within 200ms (pool size 1)", e.getMessage());
            assertFalse(held.isClosed());
            assertEquals(1, generation.connectionsOut(), "the failed borrow holds nothing");
        }
        generation.pool().close();
    }

    @Test
    void lastHoldRetiresTheGenerationOnceAndThenItLendsNothing() throws Exception {
        Generation generation = generation(2);
        Connection out = generation.lend();
        generation.release(); // the creator's hold
        assertEquals(List.of(), retired, "a connection still holds it");

        out.close();
        assertEquals(List.of(generation), retired);
        assertTrue(generation.isRetired());
        assertEquals(null, generation.lend());
        assertThrows(IllegalStateException.class, generation::release);
        generation.pool().close();
    }
}
