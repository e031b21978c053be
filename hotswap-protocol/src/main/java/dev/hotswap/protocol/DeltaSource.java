package dev.hotswap.protocol;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * The side of a delta transfer that holds the new file (the CLI in a push, the engine in a pull):
 * it reads the other side's {@link Base} and block hashes, asks for the page hashes of the blocks
 * that differ ({@code WANT}), and sends only the pages that differ, as a delta stream in data
 * frames: a header (u64 page count, 32-byte {@linkplain PageDigests file digest}), then records of
 * u32 first page index, u32 page count and those pages, ascending.
 */
public final class DeltaSource {
    private final DeltaWire wire;
    private final FrameWriter out;
    private final FrameType dataType;

    /**
     * What one delta transfer sent: {@code bytesSent} of delta stream, which took {@code wireBytes}
     * of payload (fewer where frames went compressed).
     */
    public record Sent(long pagesCompared, long pagesSent, long bytesSent, long wireBytes) {
    }

    /**
     * Talks over {@code in} and {@code out}, sending its delta stream as {@code dataType} frames;
     * {@code STATUS} and {@code PHASE} frames that arrive go to {@code sideChannel}.
     */
    public DeltaSource(FrameReader in, FrameWriter out, FrameType dataType, Consumer<Frame> sideChannel) {
        this.wire = new DeltaWire(Objects.requireNonNull(in, "in"), sideChannel);
        this.out = Objects.requireNonNull(out, "out");
        this.dataType = dataType;
    }

    /** Reads the other side's {@code BASE} frame. */
    public Base readBase() throws IOException {
        return Base.from(wire.expect(FrameType.BASE, "(the old copy's page size and count)"));
    }

    /**
     * Whether a delta pays against {@code base} for a source of {@code pageCount} pages of
     * {@code pageSize}: same page size, and pages on both sides. Otherwise send the whole file.
     */
    public static boolean usable(Base base, int pageSize, long pageCount) {
        return base.pageSize() == pageSize && base.pageCount() > 0 && pageCount > 0;
    }

    /**
     * Declines {@code base} (it is not {@link #usable}): reads and drops its block hashes, so that
     * the whole file's data stream can follow.
     */
    public void decline(Base base) throws IOException {
        wire.readHashes(base.blockCount(), (index, hash) -> { }, "block hashes");
    }

    /**
     * Runs the rest of a delta transfer after a {@link #usable} {@code base}: {@link #compare},
     * then {@link #stream} in a data stream of its own.
     */
    public Sent send(Base base, FileChannel file, long pageCount, PageHashes hashes, PageDigests digests,
            PageDigests.Counter compared, PageDigests.Counter sent) throws IOException {
        Plan plan = compare(base, pageCount, hashes, digests, compared);
        return stream(plan, file, new DataFrameOutputStream(out, dataType), hashes, digests, sent);
    }

    /** Which pages differ from the old copy, found by {@link #compare}. */
    public static final class Plan {
        private final Base base;
        private final long pageCount;
        private final BitSet differs;
        private final long pagesCompared;

        private Plan(Base base, long pageCount, BitSet differs, long pagesCompared) {
            this.base = base;
            this.pageCount = pageCount;
            this.differs = differs;
            this.pagesCompared = pagesCompared;
        }

        /** Pages that will be sent. */
        public long pagesToSend() {
            return differs.cardinality();
        }

        /** Pages of the new file. */
        public long pageCount() {
            return pageCount;
        }
    }

    /**
     * Reads the block hashes after a {@link #usable} {@code base}, asks for the page hashes of the
     * blocks that differ from ours ({@code pageCount} pages hashed in {@code hashes}), and compares
     * them.
     *
     * @param compared hears pages compared
     */
    public Plan compare(Base base, long pageCount, PageHashes hashes, PageDigests digests, PageDigests.Counter compared)
            throws IOException {
        if (pageCount > Integer.MAX_VALUE) {
            throw new IOException("a delta covers at most " + Integer.MAX_VALUE + " pages, not " + pageCount);
        }
        int blockPages = base.blockPages();
        Comparison comparison = new Comparison(base, pageCount, hashes, digests, compared);
        wire.readHashes(base.blockCount(), comparison::block, "block hashes");

        long[] wanted = comparison.wanted();
        DeltaWire.ListWriter wants = DeltaWire.ListWriter.wants(out);
        long expected = 0;
        for (long block : wanted) {
            wants.addU32(block);
            expected += Math.min(blockPages, base.pageCount() - block * blockPages);
        }
        wants.end();
        // The page hashes arrive block after block, in the order asked for.
        wire.readHashes(expected, comparison::page, "page hashes");
        // Pages past the end of the old copy go too.
        if (pageCount > base.pageCount()) {
            comparison.differs.set((int) base.pageCount(), (int) pageCount);
        }
        return new Plan(base, pageCount, comparison.differs, comparison.pagesCompared);
    }

    /** The comparison of our hashes with theirs: blocks first, then the pages of the blocks that differ. */
    private static final class Comparison {
        private final Base base;
        private final long pageCount;
        private final PageHashes hashes;
        private final PageDigests digests;
        private final PageDigests.Counter compared;
        private final byte[] ours = new byte[PageHashes.BYTES];
        private final BitSet differs = new BitSet();
        private long[] wanted = new long[16];
        private int wantedCount;
        private int wantedAt;
        private long nextPage = -1;
        private long pagesCompared;

        Comparison(Base base, long pageCount, PageHashes hashes, PageDigests digests, PageDigests.Counter compared) {
            this.base = base;
            this.pageCount = pageCount;
            this.hashes = hashes;
            this.digests = digests;
            this.compared = compared;
        }

        void block(long block, byte[] theirs) throws IOException {
            long first = block * base.blockPages();
            if (first >= pageCount) {
                return; // none of our pages in it
            }
            digests.blockHash(hashes, block, base.blockPages(), pageCount, ours, 0);
            if (Arrays.equals(ours, 0, PageDigests.WIRE_BYTES, theirs, 0, PageDigests.WIRE_BYTES)) {
                long pages = Math.min(base.blockPages(), pageCount - first);
                pagesCompared += pages;
                compared.add(pages);
            } else {
                if (wantedCount == wanted.length) {
                    wanted = Arrays.copyOf(wanted, wantedCount * 2);
                }
                wanted[wantedCount++] = block;
            }
        }

        long[] wanted() {
            return Arrays.copyOf(wanted, wantedCount);
        }

        void page(long index, byte[] theirs) throws IOException {
            long page = advance();
            if (page >= pageCount) {
                return; // a page we no longer have
            }
            hashes.get(page, ours, 0);
            if (!Arrays.equals(ours, 0, PageDigests.WIRE_BYTES, theirs, 0, PageDigests.WIRE_BYTES)) {
                differs.set(Math.toIntExact(page));
            }
            pagesCompared++;
            compared.add(1);
        }

        /** The page the next page hash is for: through the wanted blocks' pages of the old copy, in order. */
        private long advance() {
            long blockPages = base.blockPages();
            if (nextPage < 0) {
                nextPage = wanted[0] * blockPages;
            } else if (nextPage + 1 >= Math.min((wanted[wantedAt] + 1) * blockPages, base.pageCount())) {
                wantedAt++;
                nextPage = wanted[wantedAt] * blockPages;
            } else {
                nextPage++;
            }
            return nextPage;
        }
    }

    /**
     * Writes the delta stream of {@code plan} into {@code data}, reading the pages from
     * {@code file}, and finishes {@code data} with its {@code END}.
     *
     * @param sent hears pages sent
     */
    public static Sent stream(Plan plan, FileChannel file, DataFrameOutputStream data, PageHashes hashes,
            PageDigests digests, PageDigests.Counter sent) throws IOException {
        int pageSize = plan.base.pageSize();
        long pageCount = plan.pageCount;
        BitSet differs = plan.differs;
        long comparedPages = plan.pagesCompared;
        ByteBuffer header = ByteBuffer.allocate(8 + PageDigests.DIGEST_BYTES);
        header.putLong(pageCount).put(digests.fileDigest(hashes, pageSize, pageCount));
        data.write(header.array());
        int pagesPerRead = Math.max(1, PageDigests.READ_BYTES / pageSize);
        byte[] pages = new byte[pagesPerRead * pageSize];
        byte[] record = new byte[8];
        long pagesSent = 0;
        for (int first = differs.nextSetBit(0); first >= 0 && first < pageCount; first = differs.nextSetBit(first)) {
            int end = (int) Math.min(differs.nextClearBit(first), pageCount);
            ByteBuffer.wrap(record).putInt(first).putInt(end - first);
            data.write(record);
            for (int page = first; page < end;) {
                int n = Math.min(pagesPerRead, end - page);
                ByteBuffer buffer = ByteBuffer.wrap(pages, 0, n * pageSize);
                long position = (long) page * pageSize;
                while (buffer.hasRemaining()) {
                    if (file.read(buffer, position + buffer.position()) < 0) {
                        throw new IOException("the source file ends inside page " + page + "; was it changed while it was sent?");
                    }
                }
                data.write(pages, 0, n * pageSize);
                page += n;
                pagesSent += n;
                sent.add(n);
            }
            first = end;
        }
        data.finish();
        return new Sent(comparedPages, pagesSent, data.byteCount(), data.wireByteCount());
    }
}
