package dev.hotswap.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import dev.hotswap.protocol.Exit;
import dev.hotswap.protocol.Ready;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A full disk while receiving (no disk reserve, so the write itself fails; {@link DiskBudgetTest}
 * has the reserve): the temp file is deleted and the live file stays. Mounts a small
 * tmpfs for the database directory, so it needs root (CAP_SYS_ADMIN); skipped with the reason otherwise.
 */
@Timeout(30)
class DiskFullTest {
    private final EngineFixture fixture = new EngineFixture();
    private Path small;
    private Path live;
    private byte[] big;

    @BeforeEach
    void mountSmallFileSystem() throws Exception {
        small = fixture.mountTmpfs("small", "256k");
        live = fixture.versioned("small/production.sqlite3", false, 1, 10);
        big = Files.readAllBytes(fixture.versioned("big.sqlite3", false, 2, 50_000));
        assertTrue(big.length > 512 * 1024, "the upload must not fit: " + big.length);
    }

    @AfterEach
    void unmount() throws Exception {
        try {
            EngineFixture.unmount(small);
        } finally {
            fixture.close();
        }
    }

    @Test
    void inProcessPushFailsWithIOExceptionAndDeletesTemp() throws Exception {
        byte[] before = Files.readAllBytes(live);
        try (Hotswap hotswap = fixture.builder(live).diskReserve(0).socketEnabled(false).build().start()) {
            IOException full = assertThrows(IOException.class,
                    () -> hotswap.push("production", new ByteArrayInputStream(big), PushOptions.defaults()));
            assertTrue(full.getMessage().contains("No space left on device"), full.getMessage());
        }
        assertArrayEquals(before, Files.readAllBytes(live));
        assertEquals(List.of(), EngineFixture.temps(small));
    }

    @Test
    void socketPushGetsExit1WhileStillUploading() throws Exception {
        byte[] before = Files.readAllBytes(live);
        try (Hotswap hotswap = fixture.builder(live).diskReserve(0).build().start();
                EngineFixture.Client client = EngineFixture.connect(hotswap.socketPath()).hello()
                        .request("cp", "/tmp/big.sqlite3", "production")) {
            assertEquals(new Ready(Ready.Direction.PUSH, "production"), Ready.from(client.next()));
            client.upload(big); // the server reads (and drops) the rest, so the client's writes never break
            Exit exit = client.exit();
            assertEquals(1, exit.code());
            assertTrue(exit.message().startsWith("ERROR: push failed: "), exit.message());
            assertTrue(exit.message().contains("No space left on device"), exit.message());
            assertTrue(exit.message().endsWith("; database untouched"), exit.message());
        }
        assertArrayEquals(before, Files.readAllBytes(live));
        assertEquals(List.of(), EngineFixture.temps(small));
    }
}
