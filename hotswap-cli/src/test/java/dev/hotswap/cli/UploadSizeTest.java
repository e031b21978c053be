package dev.hotswap.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hotswap.protocol.Ready;
import dev.hotswap.protocol.Request;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CLI tells the server how big a push is when it knows (a regular file), so that a push that
 * cannot fit is refused before a byte of it is sent.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class UploadSizeTest {
    @TempDir
    Path dir;

    @Test
    void aFileIsSentWithItsSize() throws Exception {
        Files.write(dir.resolve("new.sqlite3"), PushTest.bytes(12_345, 1));

        assertEquals(Map.of("size", "12345"), requestOf(CommandRun.in(dir), "new.sqlite3").options());
    }

    @Test
    void stdinIsSentWithoutASize() throws Exception {
        assertEquals(Map.of(), requestOf(CommandRun.in(dir).stdin(PushTest.bytes(100, 2)), "-").options());
    }

    @Test
    void aFileTooBigForTheServersDiskIsRefusedBeforeItIsRead() throws Exception {
        Path huge = dir.resolve("huge.sqlite3");
        try (RandomAccessFile file = new RandomAccessFile(huge.toFile(), "rw")) {
            file.setLength(1L << 42); // sparse: 4 TiB that take no room here
        }
        try (EngineServer server = EngineServer.start()) {
            CommandRun.Result run = CommandRun.in(dir).socket(server.socket).run("cp", "huge.sqlite3", "production");

            assertEquals(1, run.code(), run::toString);
            assertTrue(run.stderr().matches("ERROR: no room for the upload: " + (1L << 42) + " bytes and a reserve of"
                    + " 67108864 bytes for the app, but [0-9]+ bytes free on the volume of "
                    + server.live.getParent().resolve(".hotswap/production.sqlite3").toRealPath()
                    + "; database untouched\n"), run::toString);
            assertEquals(1, EngineServer.version(server.live));
        }
    }

    private static Request requestOf(CommandRun run, String source) throws Exception {
        AtomicReference<Request> request = new AtomicReference<>();
        try (ScriptedServer server = ScriptedServer.start(peer -> {
            peer.handshake();
            request.set(peer.request());
            peer.ready(Ready.Direction.PUSH, "production");
            peer.upload();
            peer.exit(0, "OK");
        })) {
            CommandRun.Result result = run.socket(server.socket()).run("cp", source, "production");
            server.await();
            assertEquals(0, result.code(), result::toString);
        }
        return request.get();
    }
}
