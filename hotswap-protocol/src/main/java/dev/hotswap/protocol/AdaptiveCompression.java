package dev.hotswap.protocol;

/**
 * Decides, window by window, whether a data stream's blocks go through the compressor, from what
 * it measures: how fast the compressor eats bytes ({@code C}, input bytes per second of deflating),
 * how much it saves (the ratio {@code r}, wire bytes over input bytes), and how fast the link drains
 * ({@code L}, wire bytes per second). Compressing pays when it moves the data faster: the socket's
 * buffers let the link drain while the next block is compressed, so compressed data moves at
 * {@code min(C, L / r)} and raw data at {@code L}, and compressing wins exactly when {@code C > L}
 * and {@code r < 1} ({@link #pays}, with margins).
 *
 * <p>A stream starts compressing, which measures {@code C} and {@code r} (its first block goes on
 * compressing only if it shrinks enough). While compressed bytes
 * keep the link saturated (writes block), {@code L} is measured too. While they do not, the link's
 * speed is hidden: the stream probes it with raw windows, the first of which is ignored (it refills
 * the buffers that drained meanwhile). On this host's socket or any link faster than the compressor,
 * that settles on raw bytes; on a slow link, on compressed ones. The other mode is probed again now
 * and then, less and less often, because the data (text, then random blobs) and the link change:
 * raw bytes for two windows, the compressor on a single block.
 *
 * <p>Pure bookkeeping over the measurements it is given, so that the decisions are tested without
 * clocks. Not thread-safe: one per data stream.
 */
final class AdaptiveCompression {
    /** The input bytes of one measuring window: well past the buffers between here and the link. */
    static final long WINDOW = 8L << 20;
    /** A ratio above this saves too little to be worth the compressor's time whatever the link. */
    static final double MAX_RATIO = 0.9;
    /** How much faster than the link the compressor must be: measurements are noisy. */
    static final double MARGIN = 1.2;
    /** Windows before the other mode is probed again; doubles after each probe, up to {@link #LAST_PROBE}. */
    static final int FIRST_PROBE = 4;
    static final int LAST_PROBE = 64;
    /**
     * In a compressed window, writes blocked for longer than the deflating took: the link, busy all
     * window long, is the limit, at less than half the rate compressed bytes are made. A shorter wait
     * proves nothing (a busy machine's scheduler, buffers refilling), and would measure the link at
     * the rate compressed bytes are made, which always makes compressing look right.
     */
    private static final double SATURATED = 1.0;

    private final long windowBytes;
    private boolean compressing = true;
    private long input;
    private long wire;
    private long deflateNanos;
    private long writeNanos;
    private double compressRate = Double.NaN;
    private double ratio = Double.NaN;
    private double linkRate = Double.NaN;
    private int windowsInMode;
    private long blocks;
    /** Whether the next block, in a raw window, is compressed as a sample of what compressing would do now. */
    private boolean sampling;
    /** Whether the mode before this one was raw: its bytes fill the buffers the first window then waits on. */
    private boolean afterRaw;
    private int probeInterval = FIRST_PROBE;

    AdaptiveCompression() {
        this(WINDOW);
    }

    AdaptiveCompression(long windowBytes) {
        if (windowBytes < 1) {
            throw new IllegalArgumentException("window of " + windowBytes + " bytes");
        }
        this.windowBytes = windowBytes;
    }

    /**
     * Whether compressing pays: the compressor is faster than the link (by {@link #MARGIN}) and saves
     * enough ({@link #MAX_RATIO}). False while any of the three is unknown ({@code NaN}).
     *
     * @param compressRate input bytes per second the compressor takes
     * @param ratio compressed bytes over input bytes
     * @param linkRate bytes per second the link drains
     */
    static boolean pays(double compressRate, double ratio, double linkRate) {
        return ratio <= MAX_RATIO && compressRate > linkRate * MARGIN;
    }

    /** Whether the next block goes through the compressor: in a compressed window, or as a sample. */
    boolean compressing() {
        return compressing || sampling;
    }

    /**
     * A block went through the compressor: {@code inputBytes} became {@code wireBytes} of payload
     * (as many as the input when it did not shrink and went raw), in {@code deflate} nanoseconds of
     * compressing and {@code write} nanoseconds of writing.
     */
    void compressed(int inputBytes, int wireBytes, long deflate, long write) {
        if (sampling || blocks == 0) {
            // One block tells the compressor's speed and ratio; the link's needs windows.
            sampling = false;
            compressRate = inputBytes * 1e9 / Math.max(1, deflate);
            ratio = (double) wireBytes / inputBytes;
            if (!compressing && pays(compressRate, ratio, linkRate)) {
                switchTo(true);
            } else if (compressing && ratio > MAX_RATIO) {
                switchTo(false); // the stream starts with data that does not shrink
            }
        }
        blocks++;
        if (compressing) {
            deflateNanos += deflate;
        }
        account(inputBytes, wireBytes, write);
    }

    /** A block went raw without being compressed, in {@code write} nanoseconds of writing. */
    void raw(int inputBytes, long write) {
        account(inputBytes, inputBytes, write);
    }

    private void account(int inputBytes, int wireBytes, long write) {
        input += inputBytes;
        wire += wireBytes;
        writeNanos += write;
        if (input >= windowBytes) {
            decide();
            input = 0;
            wire = 0;
            deflateNanos = 0;
            writeNanos = 0;
        }
    }

    private void decide() {
        windowsInMode++;
        boolean probeDue = windowsInMode >= probeInterval;
        if (compressing) {
            compressRate = input * 1e9 / Math.max(1, deflateNanos);
            ratio = (double) wire / input;
            boolean saturated = writeNanos > deflateNanos * SATURATED && !(afterRaw && windowsInMode == 1);
            if (saturated) {
                // Writes blocked: the link drained for the whole window's time, so that is its speed.
                linkRate = wire * 1e9 / Math.max(1, deflateNanos + writeNanos);
            }
            if (ratio > MAX_RATIO || (!Double.isNaN(linkRate) && !pays(compressRate, ratio, linkRate))) {
                switchTo(false);
            } else if (Double.isNaN(linkRate) || probeDue) {
                probe(false); // how fast does the link take raw bytes (again: it may have become faster)?
            }
        } else {
            if (windowsInMode == 1) {
                return; // this window refilled the buffers that drained while compressing
            }
            linkRate = wire * 1e9 / Math.max(1, writeNanos);
            if (pays(compressRate, ratio, linkRate)) {
                switchTo(true);
            } else if (probeDue) {
                // The data may have become compressible: one block says, at the cost of one block.
                probeInterval = Math.min(LAST_PROBE, probeInterval * 2);
                windowsInMode = 0;
                sampling = true;
            }
        }
    }

    private void probe(boolean compress) {
        probeInterval = Math.min(LAST_PROBE, probeInterval * 2);
        switchTo(compress);
    }

    private void switchTo(boolean compress) {
        afterRaw = !compressing;
        compressing = compress;
        windowsInMode = 0;
        input = 0; // a window measures one mode only
        wire = 0;
        deflateNanos = 0;
        writeNanos = 0;
    }
}
