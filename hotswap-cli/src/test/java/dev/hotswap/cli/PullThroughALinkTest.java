package dev.hotswap.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.hotswap.protocol.Ready;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A pull to a symbolic link writes through it, as {@code cp} does: the file it leads to is replaced
 * (by a rename beside that file), keeping its mode and, where the CLI may, its owner; the link
 * stays as it was. The layout is an operator's: {@code app/backup.sqlite3 -> ../vol/prod-backup.sqlite3}.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class PullThroughALinkTest {
    private static final byte[] SNAPSHOT = PushTest.bytes(5000, 8);
    private static final int NOBODY = 65534;

    @TempDir
    Path dir;

    private Path app;
    private Path vol;
    private Path link;
    private Path target;

    @BeforeEach
    void layOut() throws Exception {
        app = Files.createDirectory(dir.resolve("app"));
        vol = Files.createDirectory(dir.resolve("vol"));
        target = vol.resolve("prod-backup.sqlite3");
        link = Files.createSymbolicLink(app.resolve("backup.sqlite3"), Path.of("../vol/prod-backup.sqlite3"));
    }

    private CommandRun.Result pull() throws Exception {
        try (ScriptedServer server = ScriptedServer.start(peer -> {
            peer.handshake();
            peer.request();
            peer.out.send(new Ready(Ready.Direction.PULL, "production", OptionalInt.of(0644)).toFrame());
            peer.download(SNAPSHOT);
            peer.exit(0, "");
        })) {
            CommandRun.Result run = CommandRun.in(app).socket(server.socket()).run("cp", "production", "backup.sqlite3");
            server.await();
            return run;
        }
    }

    @Test
    void aPullToALinkReplacesTheFileItLeadsToKeepsItsModeAndLeavesTheLink() throws Exception {
        Files.write(target, PushTest.bytes(3000, 9));
        Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rw-r-----"));

        CommandRun.Result run = pull();

        assertEquals(0, run.code(), run::toString);
        assertEquals(true, Files.isSymbolicLink(link), "the link was replaced by a file");
        assertEquals(Path.of("../vol/prod-backup.sqlite3"), Files.readSymbolicLink(link));
        assertArrayEquals(SNAPSHOT, Files.readAllBytes(target));
        assertEquals("rw-r-----", PosixFilePermissions.toString(Files.getPosixFilePermissions(target)));
        assertEquals(List.of("backup.sqlite3"), names(app));
        assertEquals(List.of("prod-backup.sqlite3"), names(vol));
    }

    @Test
    void aPullToALinkKeepsTheOwnerAndGroupOfTheFileItLeadsTo() throws Exception {
        Files.write(target, PushTest.bytes(3000, 10));
        assumeTrue(uid(target) == 0, "giving a file to another user (uid " + NOBODY + ") needs root");
        Files.setAttribute(target, "unix:uid", NOBODY, LinkOption.NOFOLLOW_LINKS);
        Files.setAttribute(target, "unix:gid", NOBODY, LinkOption.NOFOLLOW_LINKS);

        CommandRun.Result run = pull();

        assertEquals(0, run.code(), run::toString);
        assertArrayEquals(SNAPSHOT, Files.readAllBytes(target));
        assertEquals(NOBODY, uid(target));
        assertEquals(NOBODY, (int) Files.getAttribute(target, "unix:gid"));
        assertEquals(true, Files.isSymbolicLink(link), "the link was replaced by a file");
    }

    @Test
    void aPullToADanglingLinkCreatesTheFileItLeadsTo() throws Exception {
        CommandRun.Result run = pull();

        assertEquals(0, run.code(), run::toString);
        assertEquals(true, Files.isSymbolicLink(link), "the link was replaced by a file");
        assertArrayEquals(SNAPSHOT, Files.readAllBytes(target));
        assertEquals(List.of("backup.sqlite3"), names(app));
    }

    @Test
    void aJournalBesideTheFileALinkLeadsToIsRefused() throws Exception {
        byte[] old = PushTest.bytes(3000, 11);
        Files.write(target, old);
        Path journal = Files.write(vol.resolve("prod-backup.sqlite3-journal"), PushTest.bytes(600, 12));
        try (ScriptedServer server = ScriptedServer.start(peer -> {
            peer.handshake();
            peer.request();
            peer.ready(Ready.Direction.PULL, "production");
            peer.awaitClose();
        })) {
            CommandRun.Result run = CommandRun.in(app).socket(server.socket()).run("cp", "production", "backup.sqlite3");
            server.await();
            assertEquals(1, run.code(), run::toString);
            assertEquals("ERROR: " + journal + " exists beside the destination: SQLite would apply it to the pulled"
                    + " file and corrupt it. If nothing has " + target + " open, delete " + journal
                    + " (and prod-backup.sqlite3-shm), or pull to another file\n", run.stderr());
        }
        assertArrayEquals(old, Files.readAllBytes(target));
        assertFalse(Files.exists(app.resolve("backup.sqlite3-journal")));
    }

    private static int uid(Path file) throws Exception {
        return (int) Files.getAttribute(file, "unix:uid");
    }

    private static List<String> names(Path directory) throws Exception {
        try (Stream<Path> files = Files.list(directory)) {
            return files.map(file -> file.getFileName().toString()).sorted().toList();
        }
    }
}
