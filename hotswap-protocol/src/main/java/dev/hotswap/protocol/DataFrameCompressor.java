package dev.hotswap.protocol;

import java.io.IOException;

/**
 * Sends the blocks of one data stream as {@code COMPRESSED} frames or as raw data frames, as its
 * {@link DataCompression} says, timing the compressor and the writes for {@link AdaptiveCompression}.
 * Not thread-safe: one per data stream.
 */
final class DataFrameCompressor implements AutoCloseable {
    private final FrameDeflater deflater = new FrameDeflater();
    private final AdaptiveCompression adaptive;

    private DataFrameCompressor(AdaptiveCompression adaptive) {
        this.adaptive = adaptive;
    }

    /** A compressor for {@code compression}, or {@code null} for {@link DataCompression#NONE}. */
    static DataFrameCompressor of(DataCompression compression) {
        return switch (compression) {
            case NONE -> null;
            case ADAPTIVE -> new DataFrameCompressor(new AdaptiveCompression());
            case EVERY_BLOCK -> new DataFrameCompressor(null);
        };
    }

    /**
     * Sends {@code length} bytes of {@code bytes} from {@code offset} as one frame standing in for a
     * frame of {@code type}.
     *
     * @return the payload bytes that went on the wire
     */
    int send(FrameWriter writer, FrameType type, byte[] bytes, int offset, int length) throws IOException {
        if (adaptive != null && !adaptive.compressing()) {
            long start = System.nanoTime();
            writer.write(type, bytes, offset, length);
            adaptive.raw(length, System.nanoTime() - start);
            return length;
        }
        long start = System.nanoTime();
        int compressed = deflater.compress(bytes, offset, length);
        long deflated = System.nanoTime();
        if (compressed < 0) {
            writer.write(type, bytes, offset, length);
        } else {
            writer.write(FrameType.COMPRESSED, deflater.payload(), 0, compressed);
        }
        int wire = compressed < 0 ? length : compressed;
        if (adaptive != null) {
            adaptive.compressed(length, wire, deflated - start, System.nanoTime() - deflated);
        }
        return wire;
    }

    @Override
    public void close() {
        deflater.close();
    }
}
