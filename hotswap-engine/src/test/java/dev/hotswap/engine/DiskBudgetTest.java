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
import java.util.Map;

import dev.hotswap.protocol.Exit;
import dev.hotswap.protocol.FrameType;
import dev.hotswap.protocol.Ready;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A push never eats the free space the app needs: one whose declared size does not fit with the
 * reserve is refused before READY, and one of unknown size is stopped once free space falls below
 * the reserve. Mounts a 256 KiB tmpfs for the database directory, so it needs root (CAP_SYS_ADMIN);
 * skipped with the reason otherwise.
 */
@Timeout(30)
class DiskBudgetTest {
    private static final long RESERVE = 96 * 1024;

    private final EngineFixture fixture = new EngineFixture();
    private Path small;
    private Path live;
    private byte[] big;
    private byte[] before;

    @BeforeEach
    void mountSmallFileSystem() throws Exception {
        small = fixture.mountTmpfs("small", "256k");
        live = fixture.versioned("small/production.sqlite3", false, 1, 10);
        before = Files.readAllBytes(live);
        big = Files.readAllBytes(fixture.versioned("big.sqlite3", false, 2, 50_000));
    }

    @AfterEach
    void unmount() throws Exception {
        try {
            EngineFixture.unmount(small);
        } finally {
            fixture.close();
        }
    }

    /** Where pushed files are written: the generation folder beside the live file. */
    private Path generations() throws java.io.IOException {
        return small.resolve(GenerationFolder.DIRECTORY).resolve("production.sqlite3").toRealPath();
    }

    @Test
    void refusesADeclaredSizeThatDoesNotFitBeforeReady() throws Exception {
        try (Hotswap hotswap = fixture.builder(live).diskReserve(RESERVE).build().start();
                EngineFixture.Client client = EngineFixture.connect(hotswap.socketPath()).hello()
                        .request("cp", Map.of("size", Integer.toString(big.length)), "/tmp/big.sqlite3", "production")) {
            Exit exit = client.exit();

            assertEquals(1, exit.code());
            assertTrue(exit.message().matches("ERROR: no room for the upload: " + big.length + " bytes and a reserve of "
                    + RESERVE + " bytes for the app, but [0-9]+ bytes free on the volume of " + generations()
                    + "; database untouched"), exit.message());
            assertEquals(List.of(), client.side, "no READY, no PHASE: nothing was received");
        }
        assertArrayEquals(before, Files.readAllBytes(live));
        assertEquals(List.of(), EngineFixture.temps(small));
    }

    @Test
    void refusesASizeThatFitsOnlyByEatingTheReserve() throws Exception {
        long free = Files.getFileStore(small).getUsableSpace();
        long size = free - RESERVE / 2;
        try (Hotswap hotswap = fixture.builder(live).diskReserve(RESERVE).build().start();
                EngineFixture.Client client = EngineFixture.connect(hotswap.socketPath()).hello()
                        .request("cp", Map.of("size", Long.toString(size)), "-", "production")) {
            Exit exit = client.exit();

            assertEquals(1, exit.code());
            assertTrue(exit.message().startsWith("ERROR: no room for the upload: " + size + " bytes"), exit.message());
        }
    }

    @Test
    void stopsAStreamedUploadOnceFreeSpaceFallsBelowTheReserve() throws Exception {
        try (Hotswap hotswap = fixture.builder(live).diskReserve(RESERVE).socketEnabled(false).build().start()) {
            IOException stopped = assertThrows(IOException.class,
                    () -> hotswap.push("production", new ByteArrayInputStream(big), PushOptions.defaults()));

            assertTrue(stopped.getMessage().matches("free space on the volume of " + generations() + " fell to [0-9]+ bytes,"
                    + " below the reserve of " + RESERVE + " bytes kept for the app; upload stopped"), stopped.getMessage());
        }
        assertArrayEquals(before, Files.readAllBytes(live));
        assertEquals(List.of(), EngineFixture.temps(small));
    }

    @Test
    void stopsAStreamedSocketUploadWithExit1() throws Exception {
        try (Hotswap hotswap = fixture.builder(live).diskReserve(RESERVE).build().start();
                EngineFixture.Client client = EngineFixture.connect(hotswap.socketPath()).hello()
                        .request("cp", "-", "production")) {
            assertEquals(new Ready(Ready.Direction.PUSH, "production"), Ready.from(client.next()));
            client.upload(big);
            Exit exit = client.exit();

            assertEquals(1, exit.code());
            assertTrue(exit.message().startsWith("ERROR: push failed: free space on the volume of " + generations() + " fell to "),
                    exit.message());
            assertTrue(exit.message().endsWith("; upload stopped; database untouched"), exit.message());
        }
        assertArrayEquals(before, Files.readAllBytes(live));
        assertEquals(List.of(), EngineFixture.temps(small));
    }

    @Test
    void aPushThatFitsWithTheReserveSwaps() throws Exception {
        byte[] next = Files.readAllBytes(fixture.versioned("next.sqlite3", false, 3, 10));
        try (Hotswap hotswap = fixture.builder(live).diskReserve(RESERVE).build().start();
                EngineFixture.Client client = EngineFixture.connect(hotswap.socketPath()).hello()
                        .request("cp", Map.of("size", Integer.toString(next.length)), "-", "production")) {
            assertEquals(FrameType.READY, client.next().type());
            client.upload(next);
            assertEquals(new Exit(0, "OK"), client.exit());
        }
        assertEquals(List.of("3"), EngineFixture.query(live, "SELECT version FROM meta"));
    }

    @Test
    void refusesAPullWhoseSnapshotWouldEatTheReserve() throws Exception {
        long free = Files.getFileStore(small).getUsableSpace();
        long reserve = free - Files.size(live) / 2; // the live file no longer fits beside it with the reserve
        try (Hotswap hotswap = fixture.builder(live).diskReserve(reserve).build().start()) {
            IOException refused = assertThrows(IOException.class,
                    () -> hotswap.pull("production", new java.io.ByteArrayOutputStream()));
            assertTrue(refused.getMessage().startsWith("no room for a snapshot: " + Files.size(live) + " bytes and a reserve of "
                    + reserve + " bytes for the app, but "), refused.getMessage());
            try (EngineFixture.Client client = EngineFixture.connect(hotswap.socketPath()).hello()
                    .request("cp", "production", "/tmp/backup.sqlite3")) {
                assertEquals(FrameType.READY, client.next().type());
                Exit exit = client.exit();
                assertEquals(1, exit.code());
                assertTrue(exit.message().startsWith("ERROR: snapshot failed: no room for a snapshot: "), exit.message());
            }
        }
        assertEquals(List.of(), EngineFixture.temps(small));
    }
}
