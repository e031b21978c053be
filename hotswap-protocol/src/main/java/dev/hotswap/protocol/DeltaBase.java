package dev.hotswap.protocol;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * The side of a delta transfer that holds the old copy of a database (the engine in a push, the
 * CLI in a pull): it offers its {@link Base} and block hashes, answers {@code WANT} with page
 * hashes, then patches its copy with the delta stream (see {@link DeltaSource}) and checks that the
 * result has the source's file digest. The copy it patches is its own: the live database (or the
 * pull's destination) is never the file written here.
 */
public final class DeltaBase {
    private final FrameReader in;
    private final DeltaWire wire;
    private final FrameWriter out;
    private final FrameType dataType;
    private final Consumer<Frame> sideChannel;

    /**
     * What one delta transfer received: {@code bytesReceived} of delta stream, which took
     * {@code wireBytes} of payload (fewer where frames came compressed).
     */
    public record Patched(long pageCount, long pagesReceived, long bytesReceived, long wireBytes) {
    }

    /**
     * Talks over {@code in} and {@code out}, receiving the delta stream as {@code dataType} frames;
     * {@code STATUS} and {@code PHASE} frames that arrive go to {@code sideChannel}.
     */
    public DeltaBase(FrameReader in, FrameWriter out, FrameType dataType, Consumer<Frame> sideChannel) {
        this.in = Objects.requireNonNull(in, "in");
        this.wire = new DeltaWire(in, sideChannel);
        this.out = Objects.requireNonNull(out, "out");
        this.dataType = dataType;
        this.sideChannel = sideChannel;
    }

    /** Offers no usable copy ({@code BASE} with no pages): the source sends the whole file. */
    public void offerNothing(int pageSize) throws IOException {
        out.write(Base.of(pageSize, 0).toFrame());
        DeltaWire.ListWriter.hashes(out).end();
    }

    /** Offers {@code base} and the block hashes of the pages in {@code hashes}. */
    public void offer(Base base, PageHashes hashes, PageDigests digests) throws IOException {
        out.write(base.toFrame());
        offerHashes(base, hashes, digests);
    }

    /**
     * Sends {@code base} alone, at once, before its pages are hashed: the source learns the old
     * copy's size (and that there is one) without waiting for the hashes, which follow block by
     * block with {@link #offerBlock}, then {@link #endBlocks}.
     */
    public void offerBase(Base base) throws IOException {
        out.send(base.toFrame());
    }

    /**
     * After {@link #offerBase}: sends the hash of {@code block}, whose pages are all in
     * {@code hashes}, in a frame of its own and at once, so that the source hears from this side
     * while it still copies and hashes the rest. Every block of {@code base}, in order.
     */
    public void offerBlock(Base base, long block, PageHashes hashes, PageDigests digests) throws IOException {
        byte[] hash = new byte[PageDigests.WIRE_BYTES];
        digests.blockHash(hashes, block, base.blockPages(), base.pageCount(), hash, 0);
        out.write(FrameType.HASHES, hash, 0, hash.length);
        out.flush();
    }

    /** Ends an offer made with {@link #offerBlock}. */
    public void endBlocks() throws IOException {
        out.write(FrameType.HASHES, new byte[0], 0, 0);
        out.flush();
    }

    private void offerHashes(Base base, PageHashes hashes, PageDigests digests) throws IOException {
        DeltaWire.ListWriter list = DeltaWire.ListWriter.hashes(out);
        byte[] hash = new byte[PageDigests.WIRE_BYTES];
        for (long block = 0; block < base.blockCount(); block++) {
            digests.blockHash(hashes, block, base.blockPages(), base.pageCount(), hash, 0);
            list.add(hash, 0, hash.length);
        }
        list.end();
    }

    /**
     * After an offer: whether the source goes on with a delta ({@code WANT} comes next) rather than
     * the whole file (a data stream comes next, read it with a {@link DataFrameInputStream}).
     */
    public boolean sourceChoseDelta() throws IOException {
        return wire.peek() == FrameType.WANT;
    }

    /** Reads the source's {@code WANT} list and answers with the page hashes of those blocks. */
    public void answerWants(Base base, PageHashes hashes) throws IOException {
        long[] wanted = wire.readWants(base.blockCount());
        DeltaWire.ListWriter list = DeltaWire.ListWriter.hashes(out);
        byte[] full = new byte[PageHashes.BYTES];
        for (long block : wanted) {
            long first = block * base.blockPages();
            long end = Math.min(first + base.blockPages(), base.pageCount());
            for (long page = first; page < end; page++) {
                hashes.get(page, full, 0);
                list.add(full, 0, PageDigests.WIRE_BYTES);
            }
        }
        list.end();
    }

    /**
     * Reads the delta stream and patches {@code file} (which holds the {@code base} pages hashed in
     * {@code hashes}) into the source's file: pages written in place, the file cut or grown to the
     * new page count, every new hash stored. Then checks the result's file digest.
     *
     * @param received hears pages received
     * @throws CorruptStreamException if the result's digest differs from the source's, or the data
     *     stream's {@code END} disagrees with what arrived
     * @throws ProtocolException if a record is malformed: out of order, overlapping, past the new
     *     page count, or new pages missing
     */
    public Patched patch(Base base, FileChannel file, PageHashes hashes, PageDigests digests,
            PageDigests.Counter received) throws IOException {
        int pageSize = base.pageSize();
        DataFrameInputStream data = new DataFrameInputStream(in, dataType, sideChannel);
        byte[] header = new byte[8 + PageDigests.DIGEST_BYTES];
        data.readFully(header, 0, header.length);
        ByteBuffer values = ByteBuffer.wrap(header);
        long pageCount = values.getLong();
        if (pageCount < 1 || pageCount > 0xffff_ffffL) {
            throw new ProtocolException("delta stream: page count " + Long.toUnsignedString(pageCount)
                    + " is outside 1..4294967295");
        }
        byte[] expected = new byte[PageDigests.DIGEST_BYTES];
        values.get(expected);

        int pagesPerWrite = Math.max(1, PageDigests.READ_BYTES / pageSize);
        byte[] pages = new byte[pagesPerWrite * pageSize];
        byte[] hash = new byte[PageHashes.BYTES];
        byte[] record = new byte[8];
        long next = 0;
        long newPages = 0;
        long pagesReceived = 0;
        while (true) {
            int n = data.read(record, 0, 1);
            if (n < 0) {
                break;
            }
            data.readFully(record, 1, 7);
            ByteBuffer fields = ByteBuffer.wrap(record);
            long first = fields.getInt() & 0xffff_ffffL;
            long count = fields.getInt() & 0xffff_ffffL;
            if (count == 0 || first < next || first + count > pageCount) {
                throw new ProtocolException("delta stream: record of " + count + " pages from page " + first
                        + " (records must ascend from page " + next + ", not overlap, and end by page " + pageCount + ")");
            }
            for (long page = first; page < first + count;) {
                int batch = (int) Math.min(pagesPerWrite, first + count - page);
                data.readFully(pages, 0, batch * pageSize);
                for (int i = 0; i < batch; i++) {
                    digests.pageHash(pages, i * pageSize, pageSize, hash, 0);
                    hashes.put(page + i, hash, 0);
                }
                ByteBuffer buffer = ByteBuffer.wrap(pages, 0, batch * pageSize);
                long position = page * pageSize;
                while (buffer.hasRemaining()) {
                    file.write(buffer, position + buffer.position());
                }
                page += batch;
                pagesReceived += batch;
                received.add(batch);
            }
            newPages += Math.max(0, first + count - Math.max(first, base.pageCount()));
            next = first + count;
        }
        if (pageCount > base.pageCount() && newPages != pageCount - base.pageCount()) {
            throw new ProtocolException("delta stream: " + (pageCount - base.pageCount() - newPages) + " of the "
                    + (pageCount - base.pageCount()) + " pages past the old copy's end are missing");
        }
        if (file.size() > pageCount * pageSize) {
            file.truncate(pageCount * pageSize);
        }
        byte[] actual = digests.fileDigest(hashes, pageSize, pageCount);
        if (!MessageDigest.isEqual(expected, actual)) {
            throw new CorruptStreamException("the patched file's digest " + HexFormat.of().formatHex(actual)
                    + " differs from the source's " + HexFormat.of().formatHex(expected));
        }
        return new Patched(pageCount, pagesReceived, data.byteCount(), data.wireByteCount());
    }
}
