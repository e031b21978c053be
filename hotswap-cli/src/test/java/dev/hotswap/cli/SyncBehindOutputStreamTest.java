package dev.hotswap.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SyncBehindOutputStreamTest {
    @TempDir
    Path dir;

    @Test
    void writesEveryByteInOrderWhileSyncsRunBehind() throws Exception {
        byte[] content = new byte[3 << 20];
        new Random(7).nextBytes(content);
        Path file = dir.resolve("pulled.sqlite3");
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            SyncBehindOutputStream out = new SyncBehindOutputStream(channel, 64 << 10);
            for (int offset = 0; offset < content.length; offset += 10_000) {
                out.write(content, offset, Math.min(10_000, content.length - offset));
            }
            out.awaitSync();
            assertTrue(out.syncsStarted() > 0, "a stride of 64 KiB over 3 MiB starts syncs behind");
        }
        assertArrayEquals(content, Files.readAllBytes(file));
    }
}
