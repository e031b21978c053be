package dev.hotswap.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.hotswap.protocol.Ready;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashSet;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A pulled backup is never readable by more users than the live database: a new file gets the live
 * file's mode (0600 from a server that does not send it), under the umask as with cp; a replaced
 * file keeps its own mode, narrowed to the live file's.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class PulledFilePermissionsTest {
    @TempDir
    Path dir;

    private static ScriptedServer.Script serving(Ready ready) {
        return peer -> {
            peer.handshake();
            peer.request();
            peer.out.send(ready.toFrame());
            peer.download(PushTest.bytes(5000, 3));
            peer.exit(0, "");
        };
    }

    @Test
    void aNewFileIsPrivateWhenTheServerSendsNoMode() throws Exception {
        Path backup = pull(new Ready(Ready.Direction.PULL, "production"));

        assertEquals(underUmask("rw-------"), Files.getPosixFilePermissions(backup));
    }

    @Test
    void aNewFileGetsTheLiveDatabasesModeUnderTheUmask() throws Exception {
        Path backup = pull(new Ready(Ready.Direction.PULL, "production", OptionalInt.of(0640)));

        assertEquals(underUmask("rw-r-----"), Files.getPosixFilePermissions(backup));
    }

    @Test
    void aReplacedFileIsNarrowedToTheLiveDatabase() throws Exception {
        Path backup = Files.writeString(dir.resolve("backup.sqlite3"), "old");
        Files.setPosixFilePermissions(backup, PosixFilePermissions.fromString("rw-r--r--"));

        pull(new Ready(Ready.Direction.PULL, "production"));

        assertEquals(PosixFilePermissions.fromString("rw-------"), Files.getPosixFilePermissions(backup));
    }

    @Test
    void aPullOfAPrivateLiveDatabaseIsPrivate() throws Exception {
        try (EngineServer server = EngineServer.start()) {
            Files.setPosixFilePermissions(server.live, PosixFilePermissions.fromString("rw-------"));
            Path backup = dir.resolve("backup.sqlite3");

            CommandRun.Result run = CommandRun.in(dir).socket(server.socket).run("cp", "production", "backup.sqlite3");

            assertEquals(0, run.code(), run::toString);
            assertEquals(PosixFilePermissions.fromString("rw-------"), Files.getPosixFilePermissions(backup));
        }
    }

    private Path pull(Ready ready) throws Exception {
        try (ScriptedServer server = ScriptedServer.start(serving(ready))) {
            CommandRun.Result run = CommandRun.in(dir).socket(server.socket()).run("cp", "production", "backup.sqlite3");
            server.await();
            assertEquals(0, run.code(), run::toString);
        }
        return dir.resolve("backup.sqlite3");
    }

    /** {@code mode} as a file created with it gets it here, under this process's umask. */
    Set<PosixFilePermission> underUmask(String mode) throws Exception {
        Path probe = Files.createFile(dir.resolve("umask-probe"),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxrwxrwx")));
        Set<PosixFilePermission> allowed = new HashSet<>(PosixFilePermissions.fromString(mode));
        allowed.retainAll(Files.getPosixFilePermissions(probe));
        Files.delete(probe);
        return allowed;
    }
}
