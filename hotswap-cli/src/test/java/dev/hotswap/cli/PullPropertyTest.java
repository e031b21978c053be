package dev.hotswap.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import dev.hotswap.protocol.End;
import dev.hotswap.protocol.Exit;
import dev.hotswap.protocol.Frame;
import dev.hotswap.protocol.FrameType;
import dev.hotswap.protocol.FrameWriter;
import dev.hotswap.protocol.Hello;
import dev.hotswap.protocol.Protocol;
import dev.hotswap.protocol.Ready;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Whatever the server's pull stream looks like (any data size, any framing, status lines between
 * the chunks) and wherever it is cut or a byte of it is damaged, the destination file is either
 * exactly the snapshot, after exit code 0, or absent, with no temporary file left behind.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class PullPropertyTest {
    private static final int NONE = 0;
    private static final int CUT = 1;
    private static final int FLIP = 2;
    private static final int HELLO_BYTES = 5 + 6;

    @TempDir
    Path dir;

    private final AtomicInteger example = new AtomicInteger();

    @Test
    void theDestinationIsTheWholeSnapshotOrNothing() {
        qt().withExamples(Integer.getInteger("hotswap.examples", 60)).withShrinkCycles(30)
                .forAll(integers().between(0, 150_000), integers().between(1, 70_000),
                        integers().between(NONE, FLIP), longs().all())
                .checkAssert(this::pull);
    }

    private void pull(int size, int chunk, int damage, long seed) {
        try {
            Random random = new Random(seed);
            byte[] snapshot = new byte[size];
            random.nextBytes(snapshot);
            byte[] stream = serverStream(snapshot, chunk, random);
            int position = HELLO_BYTES + random.nextInt(stream.length - HELLO_BYTES);
            if (damage == CUT && random.nextInt(8) == 0) {
                position = random.nextInt(HELLO_BYTES); // sometimes inside the handshake
            }
            if (damage == FLIP) {
                stream[position] ^= (byte) (1 + random.nextInt(255));
            }
            byte[] sent = damage == CUT ? Arrays.copyOf(stream, position) : stream;

            Path workDir = Files.createDirectory(dir.resolve("example" + example.incrementAndGet()));
            Path destination = workDir.resolve("b.sqlite3");
            CommandRun.Result run;
            try (ScriptedServer server = ScriptedServer.start(peer -> serve(peer, sent))) {
                run = CommandRun.in(workDir).socket(server.socket()).run("cp", "production", "b.sqlite3");
                server.await();
            }
            if (damage == NONE) {
                assertEquals(0, run.code(), run::toString);
            }
            if (damage == CUT) {
                assertNotEquals(0, run.code(), run::toString);
            }
            if (run.code() == 0) {
                assertArrayEquals(snapshot, Files.readAllBytes(destination), run::toString);
            } else {
                assertFalse(Files.exists(destination), run::toString);
            }
            try (Stream<Path> files = Files.list(workDir)) {
                List<Path> left = files.filter(file -> !file.equals(destination)).toList();
                assertEquals(List.of(), left, run::toString);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    /** Answers HELLO and the request with {@code stream}'s bytes, as far as they go, then hangs up. */
    private static void serve(ScriptedServer.Peer peer, byte[] stream) {
        try {
            peer.next(); // the client's HELLO
            peer.raw(Arrays.copyOf(stream, Math.min(stream.length, HELLO_BYTES)));
            if (stream.length <= HELLO_BYTES || peer.next() == null) {
                return; // cut in the handshake, or the client gave up on a damaged HELLO
            }
            peer.raw(Arrays.copyOfRange(stream, HELLO_BYTES, stream.length));
            // and hang up, as a server does after EXIT: a damaged length must not leave the client
            // waiting for bytes that will never come
        } catch (IOException clientGone) {
            // the client stopped early: its exit code tells
        }
    }

    /** The server's side of a whole pull: HELLO, READY, STATUS and DATA_OUT frames, END, EXIT 0. */
    private static byte[] serverStream(byte[] snapshot, int chunk, Random random) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        FrameWriter out = new FrameWriter(bytes);
        out.write(new Hello(Protocol.VERSION).toFrame());
        out.write(new Ready(Ready.Direction.PULL, "production").toFrame());
        out.write(Frame.text(FrameType.PHASE, "snapshot"));
        for (int offset = 0; offset < snapshot.length; offset += chunk) {
            if (random.nextInt(4) == 0) {
                out.write(Frame.text(FrameType.STATUS, "copied " + offset + " bytes"));
            }
            out.write(FrameType.DATA_OUT, snapshot, offset, Math.min(chunk, snapshot.length - offset));
        }
        CRC32C crc = new CRC32C();
        crc.update(snapshot);
        out.write(new End(snapshot.length, (int) crc.getValue()).toFrame());
        out.write(new Exit(0, "").toFrame());
        out.flush();
        return bytes.toByteArray();
    }
}
