package dev.hotswap.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import dev.hotswap.protocol.DeltaSource;
import dev.hotswap.protocol.Exit;
import dev.hotswap.protocol.Frame;
import dev.hotswap.protocol.FrameType;
import dev.hotswap.protocol.Ready;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.sqlite.SQLiteConfig;

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
                    .request("cp", "production", "-")) {
                assertEquals(FrameType.READY, client.next().type());
                Exit exit = client.exit();
                assertEquals(1, exit.code());
                assertTrue(exit.message().startsWith("ERROR: snapshot failed: no room for a snapshot: "), exit.message());
            }
        }
        assertEquals(List.of(), EngineFixture.temps(small));
    }

    @Test
    void aPullIntoAFileClaimsNoSpaceAndGoesAheadWhereACopyWouldNotFit() throws Exception {
        long free = Files.getFileStore(small).getUsableSpace();
        long reserve = free - Files.size(live) / 2; // no temp copy fits beside the reserve
        try (Hotswap hotswap = fixture.builder(live).diskReserve(reserve).build().start();
                EngineFixture.Client client = EngineFixture.connect(hotswap.socketPath()).hello()
                        .request("cp", "production", "/tmp/backup.sqlite3")) {
            // Rollback-journal mode: the live file itself is streamed, so there is nothing to claim.
            assertEquals(FrameType.READY, client.next().type());
            assertArrayEquals(Files.readAllBytes(live), client.data());
            assertEquals(new Exit(0, ""), client.exit());
        }
        assertEquals(List.of(), EngineFixture.temps(small));
    }

    @Test
    void twoPullsThatFitOnlyOneAtATimeAreNotBothStarted() throws Exception {
        long free = Files.getFileStore(small).getUsableSpace();
        long copy = Files.size(live);
        long reserve = free - copy * 3 / 2; // room for one temp copy beside the reserve, not for two
        try (Hotswap hotswap = fixture.builder(live).diskReserve(reserve).socketEnabled(false).build().start();
                Connection writer = new SQLiteConfig().createConnection("jdbc:sqlite:" + live);
                Statement statement = writer.createStatement()) {
            // A writer's lock keeps both pulls waiting at their first read transaction: past the
            // point where each decided there was room, before either wrote a byte.
            statement.execute("BEGIN EXCLUSIVE");
            List<CompletableFuture<String>> pulls = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                pulls.add(CompletableFuture.supplyAsync(() -> {
                    try {
                        hotswap.pull("production", new ByteArrayOutputStream());
                        return "pulled";
                    } catch (IOException e) {
                        return e.getMessage();
                    }
                }));
            }
            SlowClientTest.await(() -> pulls.stream().anyMatch(CompletableFuture::isDone)
                    || temps().size() == 2, "one pull refused, or both waiting with a temp file each");
            statement.execute("ROLLBACK");
            List<String> outcomes = new ArrayList<>();
            for (CompletableFuture<String> pull : pulls) {
                outcomes.add(pull.get(10, TimeUnit.SECONDS));
            }

            assertEquals(1, outcomes.stream().filter("pulled"::equals).count(), outcomes::toString);
            String refused = outcomes.stream().filter(outcome -> !outcome.equals("pulled")).findFirst().orElseThrow();
            assertTrue(refused.matches("no room for a snapshot: " + copy + " bytes and a reserve of " + reserve
                    + " bytes for the app, but [0-9]+ bytes free on the volume of " + generations()
                    + ", " + copy + " of them promised to transfers under way"), refused);
        }
        assertEquals(List.of(), EngineFixture.temps(small));
    }

    @Test
    void refusesADeltaPushWhoseBaseCopyWouldEatTheReserveBeforeReady() throws Exception {
        long free = Files.getFileStore(small).getUsableSpace();
        long reserve = free - Files.size(live) * 3 / 4; // the base copy no longer fits beside the reserve
        String declared = Long.toString(Files.size(live) / 4); // the new file alone would
        try (Hotswap hotswap = fixture.builder(live).diskReserve(reserve).build().start();
                EngineFixture.Client client = EngineFixture.connect(hotswap.socketPath()).hello()
                        .request("cp", Map.of("size", declared, "delta", "4096"), "/tmp/next.sqlite3", "production")) {
            Frame answer = client.next();

            assertEquals(FrameType.EXIT, answer.type(), "refused instead of READY");
            Exit exit = Exit.from(answer);
            assertEquals(1, exit.code());
            assertTrue(exit.message().matches("ERROR: no room for the delta push: [0-9]+ bytes and a reserve of " + reserve
                    + " bytes for the app, but [0-9]+ bytes free on the volume of " + generations()
                    + "; database untouched"), exit.message());
        }
        assertArrayEquals(before, Files.readAllBytes(live));
        assertEquals(List.of(), EngineFixture.temps(small));
    }

    /** 1024: the live page size differs, so the server offers nothing; 4096: the client declines the offer. */
    @ParameterizedTest
    @ValueSource(ints = {1024, 4096})
    void aDeltaPushThatSendsTheWholeFileIsStoppedAtTheReserve(int offeredPageSize) throws Exception {
        try (Hotswap hotswap = fixture.builder(live).diskReserve(RESERVE).build().start();
                EngineFixture.Client client = EngineFixture.connect(hotswap.socketPath()).hello()
                        .request("cp", Map.of("delta", Integer.toString(offeredPageSize)), "/tmp/big.sqlite3",
                                "production")) {
            assertEquals(new Ready(Ready.Direction.PUSH, "production"), Ready.from(client.next()));
            DeltaSource source = new DeltaSource(client.in, client.out, FrameType.DATA_IN, frame -> { });
            source.decline(source.readBase());
            client.upload(big); // unbounded by any declared size
            Exit exit = client.exit();

            assertEquals(1, exit.code());
            assertTrue(exit.message().startsWith("ERROR: push failed: free space on the volume of " + generations()
                    + " fell to "), exit.message());
            assertTrue(exit.message().endsWith("; delta push stopped; database untouched"), exit.message());
        }
        assertArrayEquals(before, Files.readAllBytes(live));
        assertEquals(List.of(), EngineFixture.temps(small));
    }

    private List<String> temps() {
        try {
            return EngineFixture.temps(small);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
