package dev.hotswap.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PathArgumentTest {
    @TempDir
    Path dir;

    @Test
    void dashIsStdio() {
        PathArgument argument = PathArgument.of("-", dir);
        assertTrue(argument.isStdio());
        assertNull(argument.local());
        assertEquals("-", argument.wire());
    }

    @Test
    void relativePathsAreSentAbsoluteAndNormalized() {
        PathArgument argument = PathArgument.of("db/../db/production.sqlite3", dir);
        assertFalse(argument.isStdio());
        assertEquals(dir.resolve("db/../db/production.sqlite3"), argument.local());
        assertEquals(dir.resolve("db/production.sqlite3").toString(), argument.wire());
    }

    /**
     * Beside a remote side, the local side must match none of the remote server's databases, even
     * where this host has the same layout (pushing /app/db/production.sqlite3 from a staging copy to
     * prod:/app/db/production.sqlite3) or a file named like a database.
     */
    @Test
    void aLocalSideOfARemoteCopyIsSentAsNoPathOrNameAServerCouldMatch() {
        for (String given : new String[] {"/app/db/production.sqlite3", "production", "db/new.sqlite3"}) {
            PathArgument local = PathArgument.of(given, dir).besideRemote();
            assertTrue(local.wire().startsWith("local:/"), local::toString);
            assertFalse(local.isStdio() || local.isRemote(), local::toString);
            assertEquals(PathArgument.of(given, dir).local(), local.local());
        }
        assertEquals("-", PathArgument.of("-", dir).besideRemote().wire());
        PathArgument remote = PathArgument.remote(new RemotePath("prod", "/app/./db/production.sqlite3"));
        assertTrue(remote.isRemote());
        assertFalse(remote.isStdio());
        assertEquals("/app/db/production.sqlite3", remote.wire());
        assertEquals("prod:/app/./db/production.sqlite3", remote.given());
    }

    @Test
    void absolutePathsStay() {
        assertEquals("/srv/app/db/x.sqlite3", PathArgument.of("/srv/app/db/x.sqlite3", dir).wire());
    }

    @Test
    void aBareWordNamingNoFileIsSentAsADatabaseName() {
        PathArgument argument = PathArgument.of("production", dir);
        assertEquals("production", argument.wire());
        assertEquals(dir.resolve("production"), argument.local());
    }

    @Test
    void aBareWordNamingAFileIsSentAsItsPath() throws IOException {
        Files.createFile(dir.resolve("new.sqlite3"));
        assertEquals(dir.resolve("new.sqlite3").toString(), PathArgument.of("new.sqlite3", dir).wire());
    }
}
