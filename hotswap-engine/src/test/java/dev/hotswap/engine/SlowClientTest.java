package dev.hotswap.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import dev.hotswap.protocol.DataFrameOutputStream;
import dev.hotswap.protocol.Exit;
import dev.hotswap.protocol.Frame;
import dev.hotswap.protocol.FrameType;
import dev.hotswap.protocol.Hello;
import dev.hotswap.protocol.Ready;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A client that trickles bytes, each just inside the idle timeout, is cut off all the same: the
 * handshake and request have a deadline, and an upload a minimum rate.
 */
@Timeout(30)
class SlowClientTest {
    private static final Duration IDLE = Duration.ofMillis(400);

    private final EngineFixture fixture = new EngineFixture();
    private Path live;
    private byte[] before;
    private Hotswap hotswap;

    @BeforeEach
    void setUp() throws Exception {
        live = fixture.versioned("production.sqlite3", false, 1, 10);
        before = Files.readAllBytes(live);
    }

    @AfterEach
    void cleanUp() throws IOException {
        if (hotswap != null) {
            hotswap.close();
        }
        fixture.close();
    }

    @Test
    void aClientTricklingItsHelloIsCutOff() throws Exception {
        hotswap = fixture.builder(live).idleTimeout(IDLE).build().start();
        try (EngineFixture.Client client = EngineFixture.connect(hotswap.socketPath())) {
            java.io.ByteArrayOutputStream encoded = new java.io.ByteArrayOutputStream();
            new dev.hotswap.protocol.FrameWriter(encoded).send(new Hello(1).toFrame());
            byte[] hello = encoded.toByteArray();
            OutputStream raw = client.socket.getOutputStream();
            for (int i = 0; i < hello.length && !answered(client); i++) {
                raw.write(hello[i]);
                raw.flush();
                Thread.sleep(IDLE.toMillis() / 4); // each byte well inside the idle timeout
            }

            assertEquals(new Exit(1, "ERROR: handshake and request not received within 400ms; closed"), client.exit());
        }
        awaitNoConversation();
    }

    @Test
    void aTricklingUploadIsCutOffAndLeavesNothing() throws Exception {
        hotswap = fixture.builder(live).idleTimeout(IDLE).build().start();
        try (EngineFixture.Client client = EngineFixture.connect(hotswap.socketPath()).hello()
                .request("cp", "-", "production")) {
            assertEquals(new Ready(Ready.Direction.PUSH, "production"), Ready.from(client.next()));
            // The server's PHASE and EXIT are read meanwhile, so that a write it cut short loses nothing.
            CompletableFuture<Exit> answer = CompletableFuture.supplyAsync(() -> {
                try {
                    return client.exit();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
            try {
                for (int i = 0; i < 100 && !answer.isDone(); i++) {
                    client.out.send(new Frame(FrameType.DATA_IN, new byte[] {before[i]}));
                    Thread.sleep(IDLE.toMillis() / 4); // a byte every 100 ms: never idle, far too slow
                }
            } catch (IOException cutOff) {
                // the server closed first
            }

            Exit exit = answer.get(10, TimeUnit.SECONDS);
            assertEquals(1, exit.code());
            assertTrue(exit.message().matches("ERROR: push failed: upload slower than 16384 bytes/s \\([0-9]+ bytes in"
                    + " [0-9]+ms\\); database untouched"), exit.message());
        }
        awaitNoConversation();
        assertEquals(List.of(), EngineFixture.temps(fixture.dir));
        assertArrayEquals(before, Files.readAllBytes(live));
    }

    @Test
    void aSilentUploadIsCutOffNamingTheClient() throws Exception {
        hotswap = fixture.builder(live).idleTimeout(IDLE).build().start();
        try (EngineFixture.Client client = EngineFixture.connect(hotswap.socketPath()).hello()
                .request("cp", "-", "production")) {
            assertEquals(new Ready(Ready.Direction.PUSH, "production"), Ready.from(client.next()));

            assertEquals(new Exit(1, "ERROR: push failed: the client sent nothing for 400ms; database untouched"),
                    client.exit());
        }
        awaitNoConversation();
        assertEquals(List.of(), EngineFixture.temps(fixture.dir));
        assertArrayEquals(before, Files.readAllBytes(live));
    }

    @Test
    void aSlowUploadAboveTheMinimumRateSwaps() throws Exception {
        byte[] next = Files.readAllBytes(fixture.versioned("next.sqlite3", false, 2, 10));
        hotswap = fixture.builder(live).idleTimeout(IDLE).minUploadRate(1024).build().start();
        try (EngineFixture.Client client = EngineFixture.connect(hotswap.socketPath()).hello()
                .request("cp", "-", "production")) {
            assertEquals(FrameType.READY, client.next().type());
            DataFrameOutputStream upload = new DataFrameOutputStream(client.out, FrameType.DATA_IN, 2048);
            for (int offset = 0; offset < next.length; offset += 2048) {
                upload.write(next, offset, Math.min(2048, next.length - offset));
                upload.flush();
                Thread.sleep(100); // about 20 KiB/s, well above 1 KiB/s
            }
            upload.finish();

            assertEquals(new Exit(0, "OK"), client.exit());
        }
        assertEquals(List.of("2"), EngineFixture.query(live, "SELECT version FROM meta"));
    }

    /** Whether the server has said something (its EXIT): stop writing, or the write may break the socket. */
    private static boolean answered(EngineFixture.Client client) throws IOException {
        return client.socket.getInputStream().available() > 0;
    }

    private void awaitNoConversation() throws InterruptedException {
        await(() -> hotswap.adminConversations() == 0, "the cut-off conversation to end");
    }

    static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, "waited 10 s for " + what);
            Thread.sleep(10);
        }
    }
}
