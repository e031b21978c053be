package dev.hotswap.protocol;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.Pipe;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Delta transfers between a {@link DeltaSource} and a {@link DeltaBase} over real pipes and real
 * files: the patched copy always equals the source, and damage on the way is refused, never
 * patched in silently.
 */
@Timeout(120)
class DeltaTransferTest {
    private static final int[] PAGE_SIZES = {1024, 4096, 65536};
    /**
     * What the admin socket's idle timeout does: damage can leave both sides waiting to read (a
     * length grown on the way), and over bare pipes nothing else would end the transfer.
     */
    private static final long STALL_SECONDS = 5;
    private static final ScheduledExecutorService TRANSPORT = Executors.newSingleThreadScheduledExecutor(task -> {
        Thread thread = new Thread(task, "transport idle timeout");
        thread.setDaemon(true);
        return thread;
    });

    @TempDir
    Path dir;

    @Test
    void patchedCopyEqualsTheSourceForAnyPairOfFiles() {
        qt().withExamples(120).forAll(integers().between(0, PAGE_SIZES.length - 1), integers().between(1, 600),
                integers().between(1, 600), longs().all()).checkAssert((size, basePages, sourcePages, seed) -> {
            // From one page changed to all of them.
            int percent = (int) Math.floorMod(seed, 101L);
            int pageSize = PAGE_SIZES[size];
            // Keep 64 KiB-page files small: the property is about page counts, not bytes.
            int scale = pageSize == 65536 ? 8 : 1;
            Pair pair = pair(pageSize, Math.max(1, basePages / scale), Math.max(1, sourcePages / scale), percent, seed);
            Outcome outcome = transfer(pair, UnaryOperator.identity());
            assertEquals(null, outcome.failure(), () -> "failed: " + outcome.failure());
            assertArrayEquals(pair.source(), read(pair.patched()));
            assertTrue(outcome.patched().pagesReceived() <= pair.changedPages() + 0L,
                    () -> "sent " + outcome.patched().pagesReceived() + " pages for " + pair.changedPages() + " changed");
        });
    }

    @Test
    void sendsOnlyTheChangedPagesAndFewHashes() {
        Pair pair = pair(4096, 4096, 4096, 1, 7);
        Outcome outcome = transfer(pair, UnaryOperator.identity());
        assertEquals(null, outcome.failure());
        assertEquals(pair.changedPages(), outcome.patched().pagesReceived());
        assertArrayEquals(pair.source(), read(pair.patched()));
    }

    @Test
    void damageOnTheWayIsRefusedOrHarmlessNeverPatchedInSilently() {
        qt().withExamples(150).forAll(integers().between(1, 80), longs().all(),
                integers().between(0, Integer.MAX_VALUE), integers().between(1, 255)).checkAssert((pages, seed, at, mask) -> {
            int percent = (int) Math.floorMod(seed, 61L);
            Pair pair = pair(1024, pages, Math.max(1, pages + (int) (seed % 7)), percent, seed);
            Outcome outcome = transfer(pair, out -> new Tamper(out, at % 20_000, mask));
            if (outcome.failure() == null) {
                assertArrayEquals(pair.source(), read(pair.patched()), "a damaged transfer that succeeded must be exact");
            }
        });
    }

    @Test
    void aFrameLengthGrownOnTheWayStallsBothSidesUntilTheTransportsDeadline() {
        // The third byte of the source's first frame header: its length grows by 64 KiB, so the base
        // waits for bytes that the source, waiting for the base's answer, never sends. Frames cannot
        // tell this from a slow peer; the socket's idle timeout on the engine's side ends it.
        Pair pair = pair(1024, 64, 64, 10, 3);
        Outcome outcome = transfer(pair, out -> new Tamper(out, 2, 1));
        // Cut off: the base's read ends (end of stream, or its channel closed under it) and fails.
        assertTrue(outcome.failure() instanceof TruncatedStreamException
                || outcome.failure() instanceof AsynchronousCloseException, String.valueOf(outcome.failure()));
        assertArrayEquals(pair.base(), read(pair.patched()), "nothing patched in");
    }

    @Test
    void refusesALyingDigest() {
        Pair pair = pair(1024, 64, 64, 10, 3);
        // The digest sits right after the data frame header and the u64 page count of the delta stream.
        Outcome outcome = transfer(pair, out -> new DigestLiar(out));
        assertTrue(outcome.failure() instanceof CorruptStreamException, String.valueOf(outcome.failure()));
        assertTrue(outcome.failure().getMessage().startsWith("the patched file's digest "), outcome.failure().getMessage());
    }

    @Test
    void refusesATruncatedStream() {
        Pair pair = pair(1024, 64, 64, 50, 5);
        Outcome outcome = transfer(pair, out -> new Cut(out, 20_000));
        assertTrue(outcome.failure() instanceof TruncatedStreamException, String.valueOf(outcome.failure()));
    }

    @Test
    void refusesHashListsOfTheWrongLength() throws Exception {
        for (int extra : new int[] {-1, 1}) {
            Pipes pipes = new Pipes();
            Base base = Base.of(1024, 64);
            CompletableFuture<Void> lyingBase = CompletableFuture.runAsync(() -> {
                try {
                    pipes.baseOut().write(base.toFrame());
                    DeltaWire.ListWriter list = DeltaWire.ListWriter.hashes(pipes.baseOut());
                    for (long i = 0; i < base.blockCount() + extra; i++) {
                        list.add(new byte[16], 0, 16);
                    }
                    list.end();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
            DeltaSource source = new DeltaSource(pipes.sourceIn(), pipes.sourceOut(), FrameType.DATA_IN, f -> { });
            Base offered = source.readBase();
            PageHashes hashes = PageHashes.inMemory();
            byte[] zero = new byte[32];
            for (int i = 0; i < 64; i++) {
                hashes.put(i, zero, 0);
            }
            ProtocolException refused = assertThrows(ProtocolException.class,
                    () -> source.compare(offered, 64, hashes, new PageDigests(), PageDigests.Counter.NONE));
            assertTrue(refused.getMessage().startsWith(extra < 0 ? "hash list too short" : "hash list too long"),
                    refused.getMessage());
            lyingBase.get(10, TimeUnit.SECONDS);
        }
    }

    // --- fixtures ---

    /** A base file, a source file made from it, and the copy the base patches. */
    record Pair(byte[] base, byte[] source, Path baseFile, Path sourceFile, Path patched, int pageSize, long changedPages) {
    }

    Pair pair(int pageSize, int basePages, int sourcePages, int percentChanged, long seed) {
        Random random = new Random(seed);
        byte[] base = new byte[basePages * pageSize];
        random.nextBytes(base);
        byte[] source = java.util.Arrays.copyOf(base, sourcePages * pageSize);
        if (sourcePages > basePages) {
            byte[] grown = new byte[(sourcePages - basePages) * pageSize];
            random.nextBytes(grown);
            System.arraycopy(grown, 0, source, basePages * pageSize, grown.length);
        }
        int common = Math.min(basePages, sourcePages);
        long changed = 0;
        for (int page = 0; page < common; page++) {
            if (random.nextInt(100) < percentChanged) {
                source[page * pageSize + random.nextInt(pageSize)] ^= (byte) (1 + random.nextInt(255));
                changed++;
            }
        }
        changed += Math.max(0, sourcePages - basePages);
        try {
            Path dirOfPair = Files.createTempDirectory(dir, "pair");
            Path baseFile = Files.write(dirOfPair.resolve("base"), base);
            Path sourceFile = Files.write(dirOfPair.resolve("source"), source);
            Path patched = Files.copy(baseFile, dirOfPair.resolve("patched"));
            return new Pair(base, source, baseFile, sourceFile, patched, pageSize, changed);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    record Outcome(DeltaBase.Patched patched, Throwable failure) {
    }

    /** Runs both sides; {@code tamper} wraps the source-to-base direction. */
    Outcome transfer(Pair pair, UnaryOperator<OutputStream> tamper) {
        try {
            Pipes pipes = new Pipes(tamper);
            ScheduledFuture<?> idleTimeout = TRANSPORT.schedule(pipes::closeAll, STALL_SECONDS, TimeUnit.SECONDS);
            int pageSize = pair.pageSize();
            CompletableFuture<Void> source = CompletableFuture.runAsync(() -> {
                try (FileChannel file = FileChannel.open(pair.sourceFile(), StandardOpenOption.READ)) {
                    long pages = file.size() / pageSize;
                    PageHashes hashes = PageHashes.inMemory();
                    PageDigests digests = new PageDigests();
                    digests.hashFile(file, pageSize, pages, hashes, PageDigests.Counter.NONE);
                    DeltaSource side = new DeltaSource(pipes.sourceIn(), pipes.sourceOut(), FrameType.DATA_IN, f -> { });
                    Base base = side.readBase();
                    assertTrue(DeltaSource.usable(base, pageSize, pages));
                    side.send(base, file, pages, hashes, digests, PageDigests.Counter.NONE, PageDigests.Counter.NONE);
                } catch (IOException e) {
                    // The base's failure is the one that counts; the source may see a closed pipe.
                } finally {
                    pipes.closeSource();
                }
            });
            try (FileChannel file = FileChannel.open(pair.patched(), StandardOpenOption.READ, StandardOpenOption.WRITE);
                    FileChannel hashFile = FileChannel.open(pair.patched().resolveSibling("hashes"),
                            StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
                PageHashes hashes = PageHashes.inFile(hashFile);
                PageDigests digests = new PageDigests();
                long pages = file.size() / pageSize;
                digests.hashFile(file, pageSize, pages, hashes, PageDigests.Counter.NONE);
                DeltaBase side = new DeltaBase(pipes.baseIn(), pipes.baseOut(), FrameType.DATA_IN, f -> { });
                Base base = Base.of(pageSize, pages);
                side.offer(base, hashes, digests);
                assertTrue(side.sourceChoseDelta());
                side.answerWants(base, hashes);
                DeltaBase.Patched patched = side.patch(base, file, hashes, digests, PageDigests.Counter.NONE);
                return new Outcome(patched, null);
            } catch (IOException | RuntimeException e) {
                return new Outcome(null, e);
            } finally {
                idleTimeout.cancel(false);
                pipes.closeBase();
                source.get(30, TimeUnit.SECONDS);
            }
        } catch (IOException | InterruptedException | ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new AssertionError(e);
        }
    }

    static byte[] read(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Two one-way pipes: source to base (through a tamper) and base to source. */
    static final class Pipes {
        private final Pipe toBase = Pipe.open();
        private final Pipe toSource = Pipe.open();
        private final FrameReader baseIn = new FrameReader(Channels.newInputStream(toBase.source()));
        private final FrameWriter baseOut = new FrameWriter(Channels.newOutputStream(toSource.sink()));
        private final FrameReader sourceIn = new FrameReader(Channels.newInputStream(toSource.source()));
        private final FrameWriter sourceOut;

        Pipes() throws IOException {
            this(UnaryOperator.identity());
        }

        Pipes(UnaryOperator<OutputStream> tamper) throws IOException {
            sourceOut = new FrameWriter(tamper.apply(Channels.newOutputStream(toBase.sink())));
        }

        FrameReader baseIn() {
            return baseIn;
        }

        FrameWriter baseOut() {
            return baseOut;
        }

        FrameReader sourceIn() {
            return sourceIn;
        }

        FrameWriter sourceOut() {
            return sourceOut;
        }

        void closeSource() {
            quietly(toBase.sink());
            quietly(toSource.source());
        }

        void closeBase() {
            quietly(toSource.sink());
            quietly(toBase.source());
        }

        void closeAll() {
            closeSource();
            closeBase();
        }

        private static void quietly(java.io.Closeable closeable) {
            try {
                closeable.close();
            } catch (IOException e) {
                // closing a pipe end
            }
        }
    }

    /** Flips the bits {@code mask} of the byte at {@code at}. */
    static final class Tamper extends java.io.FilterOutputStream {
        private final long at;
        private final int mask;
        private long position;

        Tamper(OutputStream out, long at, int mask) {
            super(out);
            this.at = at;
            this.mask = mask;
        }

        @Override
        public void write(int b) throws IOException {
            out.write(position++ == at ? b ^ mask : b);
        }

        @Override
        public void write(byte[] bytes, int offset, int length) throws IOException {
            byte[] copy = java.util.Arrays.copyOfRange(bytes, offset, offset + length);
            if (at >= position && at < position + length) {
                copy[(int) (at - position)] ^= (byte) mask;
            }
            position += length;
            out.write(copy);
        }
    }

    /** Replaces the file digest in the delta stream and fixes the CRC32C, as a lying peer would. */
    static final class DigestLiar extends java.io.FilterOutputStream {
        private final ByteCapture capture = new ByteCapture();

        DigestLiar(OutputStream out) {
            super(out);
        }

        @Override
        public void write(byte[] bytes, int offset, int length) throws IOException {
            capture.rewrite(bytes, offset, length, out);
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }
    }

    /** Rewrites the first DATA_IN frame's digest bytes and the END's CRC32C accordingly. */
    static final class ByteCapture {
        private final java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
        private final java.io.ByteArrayOutputStream pending = new java.io.ByteArrayOutputStream();
        private boolean lied;

        void rewrite(byte[] bytes, int offset, int length, OutputStream out) throws IOException {
            pending.write(bytes, offset, length);
            byte[] all = pending.toByteArray();
            int at = 0;
            java.io.ByteArrayOutputStream ready = new java.io.ByteArrayOutputStream();
            while (all.length - at >= 5) {
                int frameLength = java.nio.ByteBuffer.wrap(all, at + 1, 4).getInt();
                if (all.length - at < 5 + frameLength) {
                    break;
                }
                byte[] frame = java.util.Arrays.copyOfRange(all, at, at + 5 + frameLength);
                if (frame[0] == 'D') {
                    if (!lied && frameLength >= 40) {
                        frame[5 + 8] ^= 1; // the first digest byte
                        lied = true;
                    }
                    crc.update(frame, 5, frameLength);
                } else if (frame[0] == 'E') {
                    java.nio.ByteBuffer.wrap(frame, 5 + 8, 4).putInt((int) crc.getValue());
                }
                ready.write(frame);
                at += 5 + frameLength;
            }
            pending.reset();
            pending.write(all, at, all.length - at);
            out.write(ready.toByteArray());
        }
    }

    /** Closes the stream after {@code limit} bytes, as a dropped connection would. */
    static final class Cut extends java.io.FilterOutputStream {
        private final long limit;
        private long position;

        Cut(OutputStream out, long limit) {
            super(out);
            this.limit = limit;
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] bytes, int offset, int length) throws IOException {
            int n = (int) Math.max(0, Math.min(length, limit - position));
            out.write(bytes, offset, n);
            position += length;
            if (n < length) {
                out.close();
                throw new IOException("cut");
            }
        }
    }
}
