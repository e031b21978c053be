package dev.hotswap.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CLI finds the server that manages a database from the database's path, through the pointer the
 * engine leaves in its generation folder, from any working directory and without {@code --socket};
 * a pointer that someone else could have written is refused, never followed.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SocketPointerTest {
    @TempDir
    Path elsewhere;

    private EngineServer server;
    private Path pointer;

    @BeforeEach
    void startEngine() throws Exception {
        server = EngineServer.start();
        pointer = server.dir.resolve("db/.hotswap/production.sqlite3/socket");
    }

    @AfterEach
    void stopEngine() throws Exception {
        server.close();
    }

    @Test
    void aPushByAbsolutePathFromAnotherDirectoryFindsTheServer() throws Exception {
        EngineServer.database(elsewhere.resolve("new.sqlite3"), 2);
        CommandRun.Result run = CommandRun.in(elsewhere).run("cp", "new.sqlite3", server.live.toString());
        assertEquals(0, run.code(), run::toString);
        assertEquals("OK\n", run.stdout());
        assertEquals(2, server.liveVersion());
    }

    @Test
    void aPullAndARollbackByPathFindTheServerToo() throws Exception {
        EngineServer.database(elsewhere.resolve("new.sqlite3"), 2);
        assertEquals(0, CommandRun.in(elsewhere).run("cp", "new.sqlite3", server.live.toString()).code());
        CommandRun.Result pull = CommandRun.in(elsewhere).run("cp", server.live.toString(), "copy.sqlite3");
        assertEquals(0, pull.code(), pull::toString);
        assertEquals(2, EngineServer.version(elsewhere.resolve("copy.sqlite3")));
        CommandRun.Result rollback = CommandRun.in(elsewhere).run("rollback", server.live.toString());
        assertEquals(0, rollback.code(), rollback::toString);
        assertEquals(1, server.liveVersion());
    }

    @Test
    void thePointerHoldsTheSocketsAbsolutePathAndIsGoneOnceTheEngineCloses() throws Exception {
        assertEquals(server.socket.toAbsolutePath() + "\n", Files.readString(pointer));
        assertEquals("rw-r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(pointer)));
        server.stop();
        assertFalse(Files.exists(pointer), "the engine left its pointer behind");
    }

    @Test
    void aPointerOthersMayWriteIsRefusedNotFollowed() throws Exception {
        Files.setPosixFilePermissions(pointer, PosixFilePermissions.fromString("rw-rw-rw-"));
        assertRefused("refusing the socket pointer " + pointer + ": mode rw-rw-rw-");
    }

    @Test
    void aPointerInAFolderOthersMayWriteIsRefusedNotFollowed() throws Exception {
        Path folder = pointer.getParent();
        Files.setPosixFilePermissions(folder, PosixFilePermissions.fromString("rwxrwxrwx"));
        try {
            assertRefused("refusing the socket pointer " + pointer + ": socket folder " + folder);
        } finally {
            Files.setPosixFilePermissions(folder, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
    }

    @Test
    void aStalePointerSaysTheServerIsAbsent() throws Exception {
        Path gone = server.dir.resolve("s/gone.sock");
        Files.writeString(pointer, gone + "\n"); // what a killed engine with another socket would leave
        EngineServer.database(elsewhere.resolve("new.sqlite3"), 2);
        CommandRun.Result run = CommandRun.in(elsewhere).run("cp", "new.sqlite3", server.live.toString());
        assertEquals(3, run.code(), run::toString);
        assertTrue(run.stderr().startsWith("ERROR: no hotswap server at " + gone + ": no such socket"), run::toString);
        assertEquals(1, server.liveVersion());
    }

    @Test
    void socketOptionWinsOverThePointer() throws Exception {
        Path named = elsewhere.resolve("named.sock");
        EngineServer.database(elsewhere.resolve("new.sqlite3"), 2);
        CommandRun.Result run = CommandRun.in(elsewhere)
                .run("cp", "--socket", named.toString(), "new.sqlite3", server.live.toString());
        assertEquals(3, run.code(), run::toString);
        assertTrue(run.stderr().startsWith("ERROR: no hotswap server at " + named), run::toString);
        assertEquals(1, server.liveVersion());
    }

    private void assertRefused(String start) throws Exception {
        byte[] live = Files.readAllBytes(server.live);
        EngineServer.database(elsewhere.resolve("new.sqlite3"), 2);
        CommandRun.Result run = CommandRun.in(elsewhere).run("cp", "new.sqlite3", server.live.toString());
        assertEquals(3, run.code(), run::toString);
        assertEquals("", run.stdout());
        assertTrue(run.stderr().startsWith("ERROR: " + start), run::toString);
        assertEquals(1, server.liveVersion());
        assertArrayEquals(live, Files.readAllBytes(server.live));
    }
}
