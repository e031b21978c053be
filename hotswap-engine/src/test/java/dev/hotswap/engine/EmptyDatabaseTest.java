package dev.hotswap.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.Statement;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link HotswapBuilder#createIfMissing}: a database whose path leads to nothing is created empty
 * (WAL, mode 0600, folders included) and adopted as generation 1, or, by default, refused.
 */
@Timeout(20)
class EmptyDatabaseTest {
    private final EngineFixture fixture = new EngineFixture();

    @AfterEach
    void cleanUp() throws Exception {
        fixture.close();
    }

    @Test
    void aMissingDatabaseIsCreatedEmptyInWalModeWithMode0600AndBecomesGeneration1() throws Exception {
        Path live = fixture.dir.resolve("db/nested/production.sqlite3");
        try (Hotswap hotswap = fixture.builder(live).createIfMissing(true).build().start()) {
            assertEquals(1, hotswap.status().get(0).current().id());
            assertTrue(Files.isSymbolicLink(live), "adopted like any regular file: the live path is a link");
            Path generation = live.toRealPath();
            assertEquals(fixture.dir.resolve("db/nested/.hotswap/production.sqlite3/000001.sqlite3").toRealPath(),
                    generation);
            assertTrue(JournalMode.isWal(generation), "WAL mode");
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(generation)));
            assertEquals(List.of("0"), EngineFixture.query(generation, "SELECT count(*) FROM sqlite_master"));
            assertEquals(List.of(), EngineFixture.temps(live.getParent()), "no temp file left");

            try (Connection connection = hotswap.dataSource("production").getConnection();
                    Statement statement = connection.createStatement()) {
                statement.execute("CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT)"); // the app's migration
                statement.execute("INSERT INTO items (name) VALUES ('first')");
            }
        }
        assertEquals(List.of("first"), EngineFixture.rows(live, "SELECT name FROM items"),
                "a restart finds what the application wrote");
    }

    @Test
    void aCreatedDatabaseTakesPushesWhichKeepItsModeAndJournal() throws Exception {
        Path live = fixture.dir.resolve("production.sqlite3");
        Path next = fixture.database("next.sqlite3", false, "CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT)",
                "INSERT INTO items (name) VALUES ('pushed')");
        try (Hotswap hotswap = fixture.builder(live).createIfMissing(true).build().start()) {
            try (Connection connection = hotswap.dataSource("production").getConnection();
                    Statement statement = connection.createStatement()) {
                statement.execute("CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT)");
            }
            try (InputStream file = Files.newInputStream(next)) {
                hotswap.push("production", file, PushOptions.defaults());
            }
            Path generation = live.toRealPath();
            assertEquals(fixture.generation("production.sqlite3", 2).toRealPath(), generation);
            assertTrue(JournalMode.isWal(generation));
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(generation)));
            assertEquals(List.of("pushed"), EngineFixture.rows(live, "SELECT name FROM items"));
        }
    }

    @Test
    void aMissingDatabaseIsRefusedByDefaultAndNothingIsCreated() throws Exception {
        Path live = fixture.dir.resolve("db/production.sqlite3");
        Hotswap hotswap = fixture.builder(live).build();
        IOException e = assertThrows(IOException.class, hotswap::start);
        assertEquals("database production: " + live + " does not exist", e.getMessage());
        assertFalse(Files.exists(live.getParent()), "not even its folder");
    }

    @Test
    void aLinkThatLeadsNowhereIsNotReplacedByAnEmptyDatabase() throws Exception {
        Path live = fixture.dir.resolve("production.sqlite3");
        Files.createSymbolicLink(live, Path.of("volume/gone.sqlite3"));
        Hotswap hotswap = fixture.builder(live).createIfMissing(true).build();
        IOException e = assertThrows(IOException.class, hotswap::start);
        assertEquals("database production: " + live + " is a symbolic link to volume/gone.sqlite3, which does not exist",
                e.getMessage());
        assertTrue(Files.isSymbolicLink(live));
        assertFalse(Files.exists(fixture.dir.resolve("volume")));
    }

    @Test
    void anExistingDatabaseIsAdoptedAsItIsNotReplaced() throws Exception {
        Path live = fixture.versioned("production.sqlite3", false, 7, 3);
        try (Hotswap hotswap = fixture.builder(live).createIfMissing(true).build().start()) {
            assertEquals(1, hotswap.status().get(0).current().id());
            assertEquals(List.of("7"), EngineFixture.rows(live, "SELECT version FROM meta"));
            assertFalse(JournalMode.isWal(live.toRealPath()), "its journal mode is its own");
        }
    }

    @Test
    void aTempFileACrashedCreationLeftIsDeletedAndTheDatabaseCreatedAgain() throws Exception {
        Path live = fixture.dir.resolve("production.sqlite3");
        Path leftover = Files.write(fixture.dir.resolve(".production.sqlite3.hotswap-42.tmp"), new byte[] {'S', 'Q'});
        try (Hotswap hotswap = fixture.builder(live).createIfMissing(true).build().start()) {
            assertEquals(1, hotswap.status().get(0).current().id());
            assertFalse(Files.exists(leftover, LinkOption.NOFOLLOW_LINKS));
            assertEquals(List.of(), EngineFixture.temps(fixture.dir));
        }
    }

    @Test
    void eachDatabaseCanChooseAndOnlyConfiguredOnesCan() throws Exception {
        Path created = fixture.dir.resolve("created.sqlite3");
        Path required = fixture.dir.resolve("required.sqlite3");
        HotswapBuilder builder = Hotswap.builder().socket(fixture.socket()).createIfMissing(true)
                .database("created", created).database("required", required);
        assertEquals("database other is not managed: call database(other, path) first",
                assertThrows(IllegalArgumentException.class, () -> builder.createIfMissing("other", true)).getMessage());
        Hotswap hotswap = builder.createIfMissing("required", false).build();

        IOException e = assertThrows(IOException.class, hotswap::start);
        assertEquals("database required: " + required + " does not exist", e.getMessage());
        assertTrue(Files.exists(created), "the one that may be created is, before the other is found missing");
    }
}
