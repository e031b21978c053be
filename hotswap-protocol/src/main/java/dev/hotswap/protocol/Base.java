package dev.hotswap.protocol;

/**
 * What the side holding the old copy of a database offers to a delta transfer: the {@code BASE}
 * frame. Encoding: u32 page size, u64 page count, u32 pages per block. A page count of 0 means
 * there is no usable copy: the other side sends the whole file.
 *
 * @param pageSize the old copy's page size, a power of two from 512 to 65536
 * @param pageCount its pages (0: none usable)
 * @param blockPages pages per block of the first round of hashes, 1 to 65536
 */
public record Base(int pageSize, long pageCount, int blockPages) {
    /** Bytes of pages per block the reference implementation chooses (at least 16 pages). */
    public static final int BLOCK_BYTES = 1 << 20;

    /** Validates the ranges. */
    public Base {
        if (pageSize < 512 || pageSize > 65536 || Integer.bitCount(pageSize) != 1) {
            throw new IllegalArgumentException("page size " + pageSize + " is not a power of two in 512..65536");
        }
        if (pageCount < 0 || pageCount > 0xffff_ffffL) {
            throw new IllegalArgumentException("page count " + pageCount + " is outside 0..4294967295");
        }
        if (blockPages < 1 || blockPages > 65536) {
            throw new IllegalArgumentException("pages per block " + blockPages + " is outside 1..65536");
        }
    }

    /** The base the reference implementation offers for {@code pageCount} pages of {@code pageSize}. */
    public static Base of(int pageSize, long pageCount) {
        return new Base(pageSize, pageCount, Math.max(16, BLOCK_BYTES / pageSize));
    }

    /** How many blocks the first round of hashes covers. */
    public long blockCount() {
        return (pageCount + blockPages - 1) / blockPages;
    }

    /** This value as a {@code BASE} frame. */
    public Frame toFrame() {
        return new Frame(FrameType.BASE, new Payload.Writer().u32(pageSize).u64(pageCount).u32(blockPages).toByteArray());
    }

    /**
     * Decodes a {@code BASE} frame.
     *
     * @throws ProtocolException if the frame is not a well-formed {@code BASE}
     */
    public static Base from(Frame frame) throws ProtocolException {
        Frames.expect(frame, FrameType.BASE);
        Payload.Reader reader = new Payload.Reader(frame);
        long pageSize = reader.u32();
        long pageCount = reader.u64();
        long blockPages = reader.u32();
        reader.end();
        try {
            return new Base((int) Math.min(pageSize, Integer.MAX_VALUE), pageCount, (int) Math.min(blockPages, Integer.MAX_VALUE));
        } catch (IllegalArgumentException e) {
            throw new ProtocolException("malformed BASE frame: " + e.getMessage());
        }
    }
}
