package dev.hotswap.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.sqlite.SQLiteConnection;

/** The engine-owned pool: reuse, reset on return, bounds, eviction. */
@Timeout(20)
class ConnectionPoolTest {
    private final EngineFixture fixture = new EngineFixture();

    @AfterEach
    void cleanUp() throws IOException {
        fixture.close();
    }

    private ConnectionPool pool(int size) throws SQLException {
        Path file = fixture.versioned("production.sqlite3", true, 1, 3);
        return new ConnectionPool("production", file, size, Duration.ofSeconds(5));
    }

    @Test
    void closeReturnsThePhysicalConnectionForReuse() throws Exception {
        ConnectionPool pool = pool(2);
        SQLiteConnection first;
        try (Connection c = pool.getConnection()) {
            first = c.unwrap(SQLiteConnection.class);
        }
        try (Connection c = pool.getConnection()) {
            assertEquals(first, c.unwrap(SQLiteConnection.class));
        }
        pool.close();
    }

    @Test
    void connectionsCarryABusyTimeout() throws Exception {
        ConnectionPool pool = pool(1);
        try (Connection c = pool.getConnection()) {
            assertEquals(5000, c.unwrap(SQLiteConnection.class).getBusyTimeout());
        }
        pool.close();
    }

    @Test
    void returnRollsBackAnOpenTransactionAndClosesStatements() throws Exception {
        ConnectionPool pool = pool(1);
        Statement leftOpen;
        try (Connection c = pool.getConnection()) {
            c.setAutoCommit(false);
            leftOpen = c.createStatement();
            leftOpen.executeUpdate("INSERT INTO log (note) VALUES ('uncommitted')");
        }
        assertTrue(leftOpen.isClosed());
        try (Connection c = pool.getConnection()) {
            assertTrue(c.getAutoCommit());
            assertEquals(List.of("0"), EngineFixture.query(c, "SELECT count(*) FROM log"));
        }
        pool.close();
    }

    @Test
    void closedWrapperRefusesUse() throws Exception {
        ConnectionPool pool = pool(1);
        Connection c = pool.getConnection();
        c.close();
        c.close(); // idempotent
        assertTrue(c.isClosed());
        SQLException e = assertThrows(SQLException.class, c::createStatement);
        assertEquals("connection to database production is closed", e.getMessage());
        pool.close();
    }

    @Test
    void exhaustedPoolTimesOutWithTheLimitInTheMessage() throws Exception {
        ConnectionPool pool = pool(1);
        pool.setLoginTimeout(1);
        try (Connection held = pool.getConnection()) {
            SQLException e = assertThrows(SQLException.class, pool::getConnection);
            assertEquals("no connection to database production free within 1 s (pool size 1)", e.getMessage());
            assertFalse(held.isClosed());
        }
        pool.close();
    }

    @Test
    void evictClosesIdleAndHandedOutConnections() throws Exception {
        ConnectionPool pool = pool(2);
        Connection idle = pool.getConnection();
        SQLiteConnection idlePhysical = idle.unwrap(SQLiteConnection.class);
        idle.close();
        Connection out = pool.getConnection();

        assertEquals(1, pool.evict());

        assertTrue(idlePhysical.isClosed());
        assertTrue(out.isClosed());
        out.close();
        try (Connection fresh = pool.getConnection()) {
            assertNotSame(idlePhysical, fresh.unwrap(SQLiteConnection.class));
            assertEquals(List.of("1"), EngineFixture.query(fresh, "SELECT version FROM meta"));
        }
        pool.close();
        assertThrows(SQLException.class, pool::getConnection);
    }
}
