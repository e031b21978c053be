package dev.hotswap.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The builder's validation and the start/close lifecycle. */
@Timeout(20)
class HotswapLifecycleTest {
    private final EngineFixture fixture = new EngineFixture();

    @AfterEach
    void cleanUp() throws IOException {
        fixture.close();
    }

    @Test
    void builderRefusesBadValuesWithTheOffendingValue() {
        HotswapBuilder builder = Hotswap.builder();
        assertEquals("database name 'a b' must be non-empty, not '-', without whitespace or '/'",
                assertThrows(IllegalArgumentException.class, () -> builder.database("a b", Path.of("x"))).getMessage());
        assertThrows(IllegalArgumentException.class, () -> builder.database("-", Path.of("x")));
        assertThrows(IllegalArgumentException.class, () -> builder.database("", Path.of("x")));
        builder.database("production", fixture.dir.resolve("p.sqlite3"));
        assertEquals("database production is already managed",
                assertThrows(IllegalArgumentException.class, () -> builder.database("production", Path.of("y"))).getMessage());
        assertEquals("database path " + fixture.dir.resolve("p.sqlite3") + " is already managed",
                assertThrows(IllegalArgumentException.class,
                        () -> builder.database("other", fixture.dir.resolve("sub/../p.sqlite3"))).getMessage());
        assertEquals("keep -1 is outside 0..1000",
                assertThrows(IllegalArgumentException.class, () -> builder.keep(-1)).getMessage());
        assertEquals("pin warning PT0S is outside 100 ms..1 day",
                assertThrows(IllegalArgumentException.class, () -> builder.pinWarning(Duration.ZERO)).getMessage());
        assertEquals("max connections 0 is outside 1..64",
                assertThrows(IllegalArgumentException.class, () -> builder.maxConnections(0)).getMessage());
        assertEquals("uid -1 is negative",
                assertThrows(IllegalArgumentException.class, () -> builder.allowedUids(0, -1)).getMessage());
    }

    @Test
    void buildNeedsADatabaseAndAShortEnoughSocketPath() {
        assertEquals("no database configured: call database(name, path)",
                assertThrows(IllegalStateException.class, () -> Hotswap.builder().build()).getMessage());
        Path longSocket = Path.of("/tmp/" + "x".repeat(120) + ".sock");
        IllegalStateException tooLong = assertThrows(IllegalStateException.class,
                () -> Hotswap.builder().database("p", Path.of("p.sqlite3")).socket(longSocket).build());
        assertTrue(tooLong.getMessage().endsWith("bytes, more than the 107 a Unix socket allows"), tooLong.getMessage());
        // Without a socket the path does not matter.
        Hotswap.builder().database("p", Path.of("p.sqlite3")).socket(longSocket).socketEnabled(false).build().close();
    }

    @Test
    void defaultSocketIsTmpSocketsUnderTheWorkingDirectory() {
        Hotswap hotswap = Hotswap.builder().database("p", Path.of("p.sqlite3")).socketEnabled(false).build();
        assertEquals(Path.of("tmp/sockets/hotswap.sock").toAbsolutePath(), hotswap.socketPath());
        hotswap.close();
    }

    @Test
    void builtInstanceKeepsItsConfigurationAndStartsOnce() throws Exception {
        Path live = fixture.versioned("production.sqlite3", false, 1, 1);
        HotswapBuilder builder = fixture.builder(live).socketEnabled(false);
        Hotswap hotswap = builder.build();
        builder.database("other", fixture.dir.resolve("other.sqlite3")); // changes the builder, not what it built
        hotswap.start();
        try {
            assertEquals(List.of("production"), hotswap.status().stream().map(DatabaseStatus::name).toList());
            assertThrows(IllegalStateException.class, hotswap::start);
        } finally {
            hotswap.close();
        }
        assertThrows(IllegalStateException.class, hotswap::start);
    }

    @Test
    void pushAndPullNeedAStartedInstance() throws Exception {
        Path live = fixture.versioned("production.sqlite3", false, 1, 1);
        Hotswap hotswap = fixture.builder(live).socketEnabled(false).build();
        assertThrows(IllegalStateException.class,
                () -> hotswap.push("production", new ByteArrayInputStream(new byte[0]), PushOptions.defaults()));
        assertThrows(IllegalStateException.class, () -> hotswap.pull("production", new ByteArrayOutputStream()));
        assertThrows(IllegalStateException.class, hotswap::status);
        assertThrows(SQLException.class, () -> hotswap.dataSource("production").getConnection());
        hotswap.close();
    }

    @Test
    void startFailsForAMissingDatabaseFile() {
        Path missing = fixture.dir.resolve("missing.sqlite3");
        Hotswap hotswap = fixture.builder(missing).socketEnabled(false).build();
        IOException e = assertThrows(IOException.class, hotswap::start);
        assertEquals("database production: " + missing + " does not exist", e.getMessage());
        assertFalse(Files.exists(missing));
        assertFalse(Files.exists(fixture.dir.resolve(GenerationFolder.DIRECTORY)), "nothing was made");
    }

    @Test
    void startFailsForADanglingLinkNamingItsTarget() throws Exception {
        Path live = Files.createSymbolicLink(fixture.dir.resolve("production.sqlite3"), Path.of("gone.sqlite3"));
        IOException e = assertThrows(IOException.class, fixture.builder(live).socketEnabled(false).build()::start);
        assertEquals("database production: " + live + " is a symbolic link to gone.sqlite3, which does not exist",
                e.getMessage());
    }

    @Test
    void startFailsForTwoNamesOfOneFile() throws Exception {
        Path live = fixture.versioned("production.sqlite3", false, 1, 1);
        Path alias = Files.createSymbolicLink(fixture.dir.resolve("alias.sqlite3"), live);
        Hotswap hotswap = fixture.builder(live).database("alias", alias).socketEnabled(false).build();
        IOException e = assertThrows(IOException.class, hotswap::start);
        assertEquals("databases production and alias are one file, " + live.toRealPath() + "; manage it once",
                e.getMessage());
    }

    @Test
    void secondEngineOnTheSameDatabaseFailsAndTouchesNothing() throws Exception {
        Path live = fixture.versioned("production.sqlite3", false, 1, 1);
        Path alias = Files.createSymbolicLink(fixture.dir.resolve("alias.sqlite3"), live);
        try (Hotswap first = fixture.builder(live).socketEnabled(false).build().start()) {
            Path folder = fixture.folder("production.sqlite3");
            Path temp = Files.write(folder.resolve(".incoming-1.tmp"), new byte[] {1}); // the first one's upload
            Hotswap second = Hotswap.builder().database("production", alias).socketEnabled(false).build();
            IOException e = assertThrows(IOException.class, second::start);
            assertEquals("database production: " + alias + " is managed already by another engine in this process ("
                    + folder.toRealPath().resolve("lock") + " is locked)", e.getMessage());
            assertTrue(Files.exists(temp), "the first engine's temp file is untouched");
            assertEquals(1, first.status().get(0).current().id());
        }
    }

    @Test
    void secondServerOnALiveSocketFailsBeforeTouchingItsDatabases() throws Exception {
        Path live = fixture.versioned("production.sqlite3", false, 1, 1);
        Path other = fixture.versioned("other.sqlite3", false, 1, 1);
        try (Hotswap first = fixture.builder(live).build().start()) {
            Path orphan = Files.write(fixture.dir.resolve(".other.sqlite3.hotswap-5.tmp"), new byte[] {1});
            Hotswap second = Hotswap.builder().database("other", other).socket(first.socketPath()).build();
            IOException e = assertThrows(IOException.class, second::start);
            assertEquals("a live server answers on " + first.socketPath() + "; refusing to start a second one",
                    e.getMessage());
            assertTrue(Files.exists(orphan), "its temp files are left alone");
            assertFalse(Files.exists(fixture.folder("other.sqlite3")), "and no folder was made");
        }
    }

    @Test
    void closeEndsAnUploadInProgressAndRemovesTheSocket() throws Exception {
        Path live = fixture.versioned("production.sqlite3", false, 1, 1);
        Hotswap hotswap = fixture.builder(live).build().start();
        try (EngineFixture.Client client = EngineFixture.connect(hotswap.socketPath()).hello()
                .request("cp", "/tmp/new.sqlite3", "production")) {
            client.next(); // READY
            client.next(); // PHASE upload: the temp file exists
            assertEquals(1, EngineFixture.temps(fixture.dir).size(), EngineFixture.temps(fixture.dir).toString());
            hotswap.close();
            assertEquals(List.of(), EngineFixture.temps(fixture.dir));
            assertFalse(Files.exists(hotswap.socketPath(), LinkOption.NOFOLLOW_LINKS));
        }
    }
}
