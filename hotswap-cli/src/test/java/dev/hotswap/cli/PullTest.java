package dev.hotswap.cli;

import static dev.hotswap.cli.PushTest.bytes;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hotswap.protocol.Base;
import dev.hotswap.protocol.DataFrameOutputStream;
import dev.hotswap.protocol.Frame;
import dev.hotswap.protocol.End;
import dev.hotswap.protocol.FrameType;
import dev.hotswap.protocol.Ready;
import dev.hotswap.protocol.Request;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Pulls against a scripted server: the destination is whole or untouched, never partial. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class PullTest {
    @TempDir
    Path dir;

    private static ScriptedServer.Script serving(byte[] snapshot) {
        return peer -> {
            peer.handshake();
            peer.request();
            peer.ready(Ready.Direction.PULL, "production");
            peer.phase("snapshot");
            peer.status("Snapshot of production taken");
            peer.download(snapshot);
            peer.exit(0, "");
        };
    }

    /** Files in the directory other than {@code keep}: leftovers such as temporary files. */
    private List<Path> leftovers(Path... keep) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(file -> !List.of(keep).contains(file)).toList();
        }
    }

    @Test
    void pullToAFileWritesTheSnapshotAndLeavesNothingElse() throws Exception {
        byte[] snapshot = bytes(200_000, 11);
        AtomicReference<Request> request = new AtomicReference<>();
        try (ScriptedServer server = ScriptedServer.start(peer -> {
            peer.handshake();
            request.set(peer.request());
            peer.ready(Ready.Direction.PULL, "production");
            peer.download(snapshot);
            peer.exit(0, "");
        })) {
            CommandRun.Result run = CommandRun.in(dir).socket(server.socket())
                    .run("cp", "/app/db/production.sqlite3", "backup.sqlite3");
            server.await();
            assertEquals(0, run.code(), run::toString);
            assertEquals("", run.stdout());
            assertTrue(run.stderr().startsWith("Pulled production to " + dir.resolve("backup.sqlite3")
                    + " (195.3 KiB in "), run::toString);
        }
        assertEquals(new Request("cp", List.of("/app/db/production.sqlite3", "backup.sqlite3"), Map.of()),
                request.get());
        assertArrayEquals(snapshot, Files.readAllBytes(dir.resolve("backup.sqlite3")));
        assertEquals(List.of(), leftovers(dir.resolve("backup.sqlite3")));
    }

    /**
     * A pull into an old copy copies and hashes it before the server can compare (the client's own
     * work, which the server's idle timeout counts): the client offers each block's hash as soon as
     * that block is copied, so that it is never silent while it works, however big the copy.
     */
    @Test
    void aPullOffersItsOldCopyBlockByBlockAsItCopiesIt() throws Exception {
        Path old = EngineServer.run(dir.resolve("backup.sqlite3"), "PRAGMA page_size=4096", "CREATE TABLE t(x)",
                "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 5000)"
                        + " INSERT INTO t SELECT randomblob(1000) FROM n");
        byte[] snapshot = Files.readAllBytes(old);
        Base offered = Base.of(4096, snapshot.length / 4096);
        List<Integer> hashesPerFrame = new java.util.ArrayList<>();
        try (ScriptedServer server = ScriptedServer.start(peer -> {
            peer.handshake();
            assertEquals("4096", peer.request().options().get("delta"));
            peer.ready(Ready.Direction.PULL, "production");
            assertEquals(offered, Base.from(peer.next()));
            for (Frame frame; (frame = peer.next()).length() > 0;) {
                assertEquals(FrameType.HASHES, frame.type());
                hashesPerFrame.add(frame.length() / 16);
            }
            peer.download(snapshot); // the whole file, as a server that declines does
            peer.exit(0, "");
        })) {
            CommandRun.Result run = CommandRun.in(dir).socket(server.socket()).run("cp", "--delta", "production", "backup.sqlite3");
            server.await();
            assertEquals(0, run.code(), run::toString);
        }
        assertTrue(offered.blockCount() > 2, offered::toString);
        assertEquals(Collections.nCopies((int) offered.blockCount(), 1), hashesPerFrame);
        assertArrayEquals(snapshot, Files.readAllBytes(old));
    }

    @Test
    void pullReplacesAnExistingFile() throws Exception {
        Path backup = Files.writeString(dir.resolve("backup.sqlite3"), "old");
        byte[] snapshot = bytes(1000, 12);
        try (ScriptedServer server = ScriptedServer.start(serving(snapshot))) {
            CommandRun.Result run = CommandRun.in(dir).socket(server.socket()).run("cp", "production", "backup.sqlite3");
            server.await();
            assertEquals(0, run.code(), run::toString);
        }
        assertArrayEquals(snapshot, Files.readAllBytes(backup));
    }

    @Test
    void aReplacedFileKeepsItsPermissions() throws Exception {
        Path backup = Files.writeString(dir.resolve("backup.sqlite3"), "old");
        Set<PosixFilePermission> owner = PosixFilePermissions.fromString("rw-------");
        Files.setPosixFilePermissions(backup, owner);
        try (ScriptedServer server = ScriptedServer.start(serving(bytes(1000, 17)))) {
            CommandRun.Result run = CommandRun.in(dir).socket(server.socket()).run("cp", "production", "backup.sqlite3");
            server.await();
            assertEquals(0, run.code(), run::toString);
        }
        assertEquals(owner, Files.getPosixFilePermissions(backup));
    }

    @Test
    void pullToStdoutWritesOnlyTheData() throws Exception {
        byte[] snapshot = bytes(150_000, 13);
        try (ScriptedServer server = ScriptedServer.start(serving(snapshot))) {
            CommandRun.Result run = CommandRun.in(dir).socket(server.socket()).run("cp", "production", "-");
            server.await();
            assertEquals(0, run.code(), run::toString);
            assertArrayEquals(snapshot, run.stdoutBytes());
            assertTrue(run.stderr().contains("Snapshot of production taken\n"), run::toString);
            assertTrue(run.stderr().contains("Pulled production to stdout ("), run::toString);
        }
    }

    @Test
    void droppedConnectionMidPullLeavesTheDestinationUntouched() throws Exception {
        Path backup = Files.writeString(dir.resolve("backup.sqlite3"), "previous backup");
        try (ScriptedServer server = ScriptedServer.start(peer -> {
            peer.handshake();
            peer.request();
            peer.ready(Ready.Direction.PULL, "production");
            DataFrameOutputStream data = new DataFrameOutputStream(peer.out, FrameType.DATA_OUT);
            data.write(bytes(100_000, 14));
            data.flush(); // then the server dies: no END
        })) {
            CommandRun.Result run = CommandRun.in(dir).socket(server.socket()).run("cp", "production", "backup.sqlite3");
            server.await();
            assertEquals(1, run.code(), run::toString);
            assertEquals("ERROR: the server closed the connection unexpectedly: connection closed after 100000 bytes,"
                    + " before the end of the data; nothing was written to " + backup + "\n", run.stderr());
        }
        assertEquals("previous backup", Files.readString(backup));
        assertEquals(List.of(), leftovers(backup));
    }

    @Test
    void serverFailureMidPullIsReportedVerbatimAndNothingIsWritten() throws Exception {
        try (ScriptedServer server = ScriptedServer.start(peer -> {
            peer.handshake();
            peer.request();
            peer.ready(Ready.Direction.PULL, "production");
            DataFrameOutputStream data = new DataFrameOutputStream(peer.out, FrameType.DATA_OUT);
            data.write(bytes(70_000, 15));
            data.flush();
            peer.exit(1, "ERROR: snapshot of production failed: disk I/O error");
        })) {
            CommandRun.Result run = CommandRun.in(dir).socket(server.socket()).run("cp", "production", "b.sqlite3");
            server.await();
            assertEquals(1, run.code(), run::toString);
            assertEquals("ERROR: snapshot of production failed: disk I/O error\n", run.stderr());
        }
        assertEquals(List.of(), leftovers());
    }

    @Test
    void aCorruptStreamIsNeverWritten() throws Exception {
        try (ScriptedServer server = ScriptedServer.start(peer -> {
            peer.handshake();
            peer.request();
            peer.ready(Ready.Direction.PULL, "production");
            peer.out.write(FrameType.DATA_OUT, new byte[] {1, 2, 3}, 0, 3);
            peer.out.send(new End(3, 0x12345678).toFrame());
            try {
                peer.exit(0, "");
            } catch (IOException clientHungUp) {
                // it may, as soon as it sees the bad END
            }
        })) {
            CommandRun.Result run = CommandRun.in(dir).socket(server.socket()).run("cp", "production", "b.sqlite3");
            server.await();
            assertEquals(1, run.code(), run::toString);
            assertTrue(run.stderr().startsWith("ERROR: the data from the server is corrupt: CRC32C mismatch: END says"
                    + " 12345678, data has "), run::toString);
            assertTrue(run.stderr().endsWith("; nothing was written to " + dir.resolve("b.sqlite3") + "\n"),
                    run::toString);
        }
        assertEquals(List.of(), leftovers());
    }

    @Test
    void garbageFromTheServerMidPullIsAProtocolError() throws Exception {
        try (ScriptedServer server = ScriptedServer.start(peer -> {
            peer.handshake();
            peer.request();
            peer.ready(Ready.Direction.PULL, "production");
            peer.raw("garbage\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        })) {
            CommandRun.Result run = CommandRun.in(dir).socket(server.socket()).run("cp", "production", "b.sqlite3");
            server.await();
            assertEquals(1, run.code(), run::toString);
            assertEquals("ERROR: protocol error: unknown frame type 0x67; nothing was written to "
                    + dir.resolve("b.sqlite3") + "\n", run.stderr());
        }
        assertEquals(List.of(), leftovers());
    }

    @Test
    void aDirectoryAsDestinationIsRefused() throws Exception {
        Path backups = Files.createDirectory(dir.resolve("backups"));
        try (ScriptedServer server = ScriptedServer.start(peer -> {
            peer.handshake();
            peer.request();
            peer.ready(Ready.Direction.PULL, "production");
            peer.awaitClose();
        })) {
            CommandRun.Result run = CommandRun.in(dir).socket(server.socket()).run("cp", "production", "backups");
            server.await();
            assertEquals(1, run.code(), run::toString);
            assertEquals("ERROR: " + backups + " is a directory: name the file to write, e.g. "
                    + backups.resolve("production.sqlite3") + "\n", run.stderr());
        }
    }

    @Test
    void aLeftoverWalBesideTheDestinationIsRefused() throws Exception {
        Path wal = Files.writeString(dir.resolve("b.sqlite3-wal"), "stale frames");
        try (ScriptedServer server = ScriptedServer.start(peer -> {
            peer.handshake();
            peer.request();
            peer.ready(Ready.Direction.PULL, "production");
            peer.awaitClose();
        })) {
            CommandRun.Result run = CommandRun.in(dir).socket(server.socket()).run("cp", "production", "b.sqlite3");
            server.await();
            assertEquals(1, run.code(), run::toString);
            assertEquals("ERROR: " + wal + " exists beside the destination: SQLite would apply it to the pulled"
                    + " file and corrupt it. If nothing has " + dir.resolve("b.sqlite3") + " open, delete " + wal
                    + " (and b.sqlite3-shm), or pull to another file\n", run.stderr());
        }
        assertFalse(Files.exists(dir.resolve("b.sqlite3")));
    }

    @Test
    void ctrlCDuringAPullLeavesNoFile() throws Exception {
        ManualInterrupts interrupts = new ManualInterrupts();
        CountDownLatch clientGone = new CountDownLatch(1);
        try (ScriptedServer server = ScriptedServer.start(peer -> {
            peer.handshake();
            peer.request();
            peer.ready(Ready.Direction.PULL, "production");
            // Far more than the socket buffers hold: once written, the client is surely pulling.
            DataFrameOutputStream data = new DataFrameOutputStream(peer.out, FrameType.DATA_OUT);
            byte[] chunk = bytes(1 << 16, 16);
            for (int i = 0; i < 64; i++) {
                data.write(chunk);
                data.flush();
            }
            interrupts.fire();
            peer.awaitClose();
            clientGone.countDown();
        })) {
            CommandRun.Result run = CommandRun.in(dir).socket(server.socket()).interrupts(interrupts)
                    .run("cp", "production", "b.sqlite3");
            server.await();
            interrupts.awaitActions();
            assertEquals(Cli.INTERRUPTED, run.code(), run::toString);
            assertTrue(run.stderr().endsWith("ERROR: interrupted: nothing was written to " + dir.resolve("b.sqlite3")
                    + "\n"), run::toString);
        }
        assertTrue(clientGone.await(1, TimeUnit.SECONDS));
        assertEquals(List.of(), leftovers());
    }
}
