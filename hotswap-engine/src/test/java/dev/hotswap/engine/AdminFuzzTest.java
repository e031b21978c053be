package dev.hotswap.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;
import static org.quicktheories.generators.SourceDSL.longs;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32C;

import dev.hotswap.protocol.End;
import dev.hotswap.protocol.Exit;
import dev.hotswap.protocol.Frame;
import dev.hotswap.protocol.FrameReader;
import dev.hotswap.protocol.FrameType;
import dev.hotswap.protocol.FrameWriter;
import dev.hotswap.protocol.Hello;
import dev.hotswap.protocol.Request;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Hostile input against the real server: a started engine and its socket, fed random and mutated
 * frame sequences (bad types, huge lengths, truncation, frames out of order, garbage after
 * {@code END}, flipped bytes in a valid conversation). Whatever comes, the server answers with
 * well-formed frames ending in {@code EXIT}, or closes; it frees the connection slot, keeps no temp
 * file and no thread, never swaps, and still serves the next client.
 *
 * <p>{@code -Dhotswap.fuzz.examples=N} runs more examples (default 150, a few seconds).
 */
@Timeout(120)
class AdminFuzzTest {
    private static final int HELLO = 0;
    private static final int OTHER_HELLO = 1;
    private static final int REQUEST = 2;
    private static final int DATA = 3;
    private static final int END = 4;
    private static final int ABORT = 5;
    private static final int ANY_TYPE = 6;
    private static final int HUGE_LENGTH = 7;
    private static final int GARBAGE = 8;
    private static final int SERVER_FRAME = 9;
    private static final int FLIP = 10;
    private static final int TRUNCATE = 11;

    private final EngineFixture fixture = new EngineFixture();
    private Path live;
    private byte[] before;
    private Hotswap hotswap;

    @BeforeEach
    void start() throws Exception {
        live = fixture.versioned("production.sqlite3", false, 1, 20);
        before = Files.readAllBytes(live);
        hotswap = fixture.builder(live).idleTimeout(Duration.ofSeconds(2)).build().start();
    }

    @AfterEach
    void stop() throws IOException {
        if (hotswap != null) {
            hotswap.close();
        }
        fixture.close();
    }

    @Test
    void theServerSurvivesAnyFrameSequence() throws Exception {
        qt().withExamples(Integer.getInteger("hotswap.fuzz.examples", 150)).withShrinkCycles(20)
                .forAll(lists().of(integers().between(HELLO, TRUNCATE)).ofSizeBetween(0, 8), longs().all(),
                        integers().between(0, 3))
                .checkAssert(this::converse);

        SlowClientTest.await(() -> hotswap.adminConversations() == 0, "every fuzzed conversation to end");
        assertEquals(List.of(), EngineFixture.temps(fixture.dir), "temp files left");
        assertArrayEquals(before, Files.readAllBytes(live), "the live database changed");
        try (EngineFixture.Client client = EngineFixture.connect(hotswap.socketPath()).hello().request("version")) {
            client.data();
            assertEquals(new Exit(0, ""), client.exit(), "the server stopped serving");
        }
        assertTrue(adminThreads() <= 4 + 2 + 2, "admin threads: " + adminThreads()); // handlers, refusals, accept+watchdog
        hotswap.close();
        SlowClientTest.await(() -> adminThreads() == 0, "the admin threads to end after close");
    }

    /**
     * One connection: {@code prefix} 0 starts from nothing, 1 from HELLO, 2 from HELLO and a push
     * request, 3 from a whole (garbage) upload; then the steps, each filled in from {@code seed}.
     */
    private void converse(List<Integer> steps, long seed, int prefix) {
        Random random = new Random(seed);
        Wire wire = new Wire();
        if (prefix >= 1) {
            wire.frame(new Hello(1).toFrame());
        }
        if (prefix >= 2) {
            wire.request(new Request("cp", List.of("-", "production"), Map.of()));
        }
        if (prefix >= 3) {
            wire.data(randomBytes(random, 1 + random.nextInt(5000)));
            wire.end(true, random);
        }
        for (int step : steps) {
            wire.step(step, random);
        }
        try {
            List<Frame> answer = exchange(wire.bytes());
            assertWellEnded(answer, wire);
            SlowClientTest.await(() -> hotswap.adminConversations() == 0, "the conversation's slot to be freed");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private static void assertWellEnded(List<Frame> answer, Wire wire) throws IOException {
        if (answer.isEmpty()) {
            return; // closed without a word: a probe, or a stream cut before anything counted
        }
        Frame last = answer.get(answer.size() - 1);
        boolean onlyHello = answer.size() == 1 && last.type() == FrameType.HELLO;
        if (!onlyHello) {
            assertEquals(FrameType.EXIT, last.type(), "the server's last word: " + answer);
            Exit exit = Exit.from(last);
            if (exit.code() != 0) {
                assertTrue(exit.message().startsWith("ERROR: "), exit.message());
            }
            assertNotEquals("OK", exit.message(), "a fuzzed push was swapped in");
        } else {
            assertTrue(!wire.completeRequest, "a request got no answer: " + answer);
        }
    }

    /** Sends {@code bytes} (as far as the server takes them), closes our side, and reads the answer to its end. */
    private List<Frame> exchange(byte[] bytes) throws IOException, InterruptedException {
        try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            channel.connect(UnixDomainSocketAddress.of(hotswap.socketPath()));
            CompletableFuture<Void> sent = CompletableFuture.runAsync(() -> {
                try {
                    ByteBuffer buffer = ByteBuffer.wrap(bytes);
                    while (buffer.hasRemaining()) {
                        channel.write(buffer);
                    }
                    channel.shutdownOutput();
                } catch (IOException e) {
                    // the server stopped reading and closed: its answer says why
                }
            });
            CompletableFuture<byte[]> received = CompletableFuture.supplyAsync(() -> readToEnd(channel));
            byte[] answer;
            try {
                answer = received.get(15, TimeUnit.SECONDS);
                sent.get(15, TimeUnit.SECONDS);
            } catch (java.util.concurrent.TimeoutException e) {
                throw new AssertionError("the server neither answered nor closed within 15 s", e);
            } catch (java.util.concurrent.ExecutionException e) {
                throw new AssertionError(e.getCause());
            }
            List<Frame> frames = new ArrayList<>();
            FrameReader reader = new FrameReader(new ByteArrayInputStream(answer));
            for (Frame frame; (frame = reader.read()) != null;) {
                frames.add(frame);
            }
            return frames;
        }
    }

    private static byte[] readToEnd(SocketChannel channel) {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        ByteBuffer buffer = ByteBuffer.allocate(1 << 16);
        try {
            while (channel.read(buffer.clear()) >= 0) {
                all.write(buffer.array(), 0, buffer.position());
            }
        } catch (IOException e) {
            // reset by the server after its answer: what arrived is the answer
        }
        return all.toByteArray();
    }

    private static byte[] randomBytes(Random random, int n) {
        byte[] bytes = new byte[n];
        random.nextBytes(bytes);
        return bytes;
    }

    private static int adminThreads() {
        return (int) Thread.getAllStackTraces().keySet().stream()
                .filter(thread -> thread.isAlive() && thread.getName().startsWith("hotswap-admin")).count();
    }

    /** The client's bytes, built step by step. */
    private static final class Wire {
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        private final FrameWriter writer = new FrameWriter(bytes);
        private final CRC32C crc = new CRC32C();
        private long count;
        private boolean truncated;
        private boolean sawHello;
        /** Whether a well-formed REQUEST followed a HELLO, with nothing broken before it. */
        boolean completeRequest;
        private boolean broken;

        void step(int step, Random random) {
            if (truncated) {
                return;
            }
            switch (step) {
                case HELLO -> frame(new Hello(1).toFrame());
                case OTHER_HELLO -> frame(new Hello(random.nextInt(0x10000)).toFrame());
                case REQUEST -> request(randomRequest(random));
                case DATA -> data(randomBytes(random, random.nextInt(3000)));
                case END -> end(random.nextBoolean(), random);
                case ABORT -> frame(Frame.text(FrameType.ABORT, "fuzz"));
                case ANY_TYPE -> raw(header(random.nextInt(256), random.nextInt(64)), randomBytes(random, 0));
                case HUGE_LENGTH -> raw(header("HRDEA".charAt(random.nextInt(5)),
                        (1 << 20) + 1 + random.nextInt(Integer.MAX_VALUE - (1 << 20))), randomBytes(random, random.nextInt(16)));
                case GARBAGE -> raw(randomBytes(random, 1 + random.nextInt(64)));
                case SERVER_FRAME -> frame(new Frame(FrameType.values()[random.nextInt(FrameType.values().length)],
                        randomBytes(random, random.nextInt(32))));
                case FLIP -> flip(random);
                case TRUNCATE -> {
                    raw(header('D', 100), randomBytes(random, random.nextInt(100)));
                    truncated = true;
                }
                default -> throw new IllegalArgumentException("step " + step);
            }
        }

        private static Request randomRequest(Random random) {
            return switch (random.nextInt(6)) {
                case 0 -> new Request("cp", List.of("-", "production"), Map.of());
                case 1 -> new Request("cp", List.of("production", "-"), Map.of());
                case 2 -> Request.of(random.nextBoolean() ? "ls" : "version");
                case 3 -> new Request("cp", List.of("-", "production"), Map.of("size", Integer.toString(random.nextInt(10_000))));
                case 4 -> new Request("cp", List.of("-", "production"), Map.of("skip-integrity-check", "true",
                        "skip-schema-check", "true"));
                default -> new Request(Long.toString(random.nextLong(), 36), List.of(Long.toString(random.nextLong())),
                        Map.of("x", "y"));
            };
        }

        void frame(Frame frame) {
            try {
                writer.send(frame);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            if (frame.type() == FrameType.HELLO && !broken && bytes.size() == 11) {
                sawHello = true;
            }
        }

        void request(Request request) {
            boolean first = sawHello && !broken && bytes.size() == 11;
            frame(request.toFrame());
            completeRequest |= first;
        }

        void data(byte[] data) {
            frame(new Frame(FrameType.DATA_IN, data));
            crc.update(data);
            count += data.length;
        }

        void end(boolean right, Random random) {
            frame(right ? new End(count, (int) crc.getValue()).toFrame() : new End(random.nextLong() & Long.MAX_VALUE,
                    random.nextInt()).toFrame());
            crc.reset();
            count = 0;
        }

        private void flip(Random random) {
            byte[] all = bytes.toByteArray();
            if (all.length == 0) {
                return;
            }
            all[random.nextInt(all.length)] ^= (byte) (1 + random.nextInt(255));
            bytes.reset();
            bytes.writeBytes(all);
            broken = true;
            completeRequest = false; // the flip may have hit the request or the HELLO
        }

        void raw(byte[]... parts) {
            for (byte[] part : parts) {
                bytes.writeBytes(part);
            }
            broken = true;
        }

        private static byte[] header(int type, long length) {
            return ByteBuffer.allocate(5).put((byte) type).putInt((int) length).array();
        }

        byte[] bytes() {
            return bytes.toByteArray();
        }
    }
}
