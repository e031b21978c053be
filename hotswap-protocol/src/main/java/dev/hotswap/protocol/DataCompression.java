package dev.hotswap.protocol;

/**
 * How the data streams a {@link FrameWriter} sends compress their frames (protocol 4, and only once
 * the conversation's {@code REQUEST} carried {@link CpOptions#COMPRESS}; a reader must be told with
 * {@link FrameReader#acceptCompressedData()}). Whatever the choice, a block the compressor does not
 * make shorter goes raw, and the {@code END} frame counts and checksums the uncompressed bytes.
 */
public enum DataCompression {
    /** Every data frame raw: the only choice in a conversation that did not ask for compression. */
    NONE,
    /**
     * Blocks are compressed while that moves them faster than raw bytes would: it measures the
     * compressor against the link, so a link faster than the compressor (this host's socket) gets
     * raw bytes, and so does data that does not shrink.
     */
    ADAPTIVE,
    /** Every block the compressor makes shorter is sent compressed, whatever the link (tests, benchmarks). */
    EVERY_BLOCK
}
