package dev.hotswap.bench;

import java.util.Arrays;

/**
 * Samples sorted once, read by nearest-rank percentile: with 20 samples the p90 is the 18th
 * smallest, the median the 10th. No interpolation, so every figure printed is a value that occurred.
 */
final class Distribution {
    private final long[] sorted;

    private Distribution(long[] sorted) {
        this.sorted = sorted;
    }

    /** The distribution of the first {@code count} values of {@code samples} (copied). */
    static Distribution of(long[] samples, int count) {
        if (count < 0 || count > samples.length) {
            throw new IllegalArgumentException("count " + count + " is outside 0.." + samples.length);
        }
        long[] copy = Arrays.copyOf(samples, count);
        Arrays.sort(copy);
        return new Distribution(copy);
    }

    int count() {
        return sorted.length;
    }

    long min() {
        return percentile(0);
    }

    long median() {
        return percentile(50);
    }

    long max() {
        return sorted.length == 0 ? 0 : sorted[sorted.length - 1];
    }

    /**
     * The nearest-rank percentile: the smallest sample with at least {@code p} percent of the samples
     * at or below it; 0 for no samples.
     *
     * @throws IllegalArgumentException unless {@code p} is within 0..100
     */
    long percentile(double p) {
        if (p < 0 || p > 100) {
            throw new IllegalArgumentException("percentile " + p + " is outside 0..100");
        }
        if (sorted.length == 0) {
            return 0;
        }
        int rank = (int) Math.ceil(p / 100 * sorted.length);
        return sorted[Math.max(0, rank - 1)];
    }
}
