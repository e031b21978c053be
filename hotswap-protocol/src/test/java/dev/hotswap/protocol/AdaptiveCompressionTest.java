package dev.hotswap.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * The decisions of {@link AdaptiveCompression}, fed the measurements a link of a given speed would
 * give (no clocks): raw bytes on this host's socket and on any link faster than the compressor,
 * compressed ones on a slow link, raw ones for data that does not shrink.
 */
class AdaptiveCompressionTest {
    private static final int BLOCK = Protocol.DATA_CHUNK;
    private static final double MB = 1e6;
    /** Deflate at its fastest level on prose, about what this machine measures. */
    private static final double COMPRESSOR = 150 * MB;

    @Test
    void aLocalSocketGetsRawBytesOnceItsSpeedIsKnown() {
        // A Unix socket takes gigabytes per second: ten times what the compressor manages.
        Link link = new Link(COMPRESSOR, 0.3, 3000 * MB);
        link.send(3);
        assertFalse(link.adaptive.compressing(), "after one window compressing and a raw probe");
        int compressed = link.send(200);
        assertTrue(compressed <= 5, "only probes of the compressor, ever rarer: " + compressed + " of 200 windows");
    }

    @Test
    void aLinkFasterThanTheCompressorGetsRawBytes() {
        Link link = new Link(COMPRESSOR, 0.3, 2 * COMPRESSOR);
        link.send(3);
        int compressed = link.send(200);
        assertTrue(compressed <= 5, compressed + " of 200 windows compressed");
    }

    @Test
    void aSlowLinkGetsCompressedBytesAndRawOnlyInProbes() {
        // Compressed bytes alone fill this link: its speed shows while compressing.
        Link link = new Link(COMPRESSOR, 0.3, 10 * MB);
        int compressed = link.send(200);
        assertTrue(compressed >= 185, "all but the raw probes, ever rarer: " + compressed + " of 200 windows compressed");
    }

    @Test
    void writesThatWaitALittleWhileCompressingDoNotMakeCompressingLookRight() {
        // A loaded machine: the peer or a relay is descheduled now and then, so writes of compressed
        // blocks wait for a fifth of the deflating time although the link is far faster. That wait
        // once passed for a saturated link, measured at the rate compressed bytes are made, and kept
        // the stream compressing at a third of the link's speed.
        Link link = new Link(COMPRESSOR, 0.55, 3000 * MB);
        link.compressedWriteWait = 0.2;
        link.send(3);
        int compressed = link.send(200);
        assertTrue(compressed <= 5, "only probes of the compressor, ever rarer: " + compressed + " of 200 windows");
    }

    @Test
    void theBuffersARawWindowFilledDoNotMakeTheNextCompressedWindowLookLinkBound() {
        // After raw bytes the socket's buffers are full, and the first compressed window waits for
        // them to drain: long waits, which say nothing about the link's speed.
        Link link = new Link(COMPRESSOR, 0.5, 2 * COMPRESSOR);
        link.firstCompressedWindowWait = 3.0;
        link.send(3);
        int compressed = link.send(200);
        assertTrue(compressed <= 5, "only probes of the compressor, ever rarer: " + compressed + " of 200 windows");
    }

    @Test
    void aLinkBetweenTheCompressedAndRawRatesIsProbedThenGetsCompressedBytes() {
        // 0.3 × 150 MB/s of compressed bytes do not fill a 50 MB/s link, so the link's speed is
        // measured with raw bytes, and compressing moves the data three times as fast.
        Link link = new Link(COMPRESSOR, 0.3, 50 * MB);
        int compressed = link.send(200);
        assertTrue(compressed >= 185, "all but the raw probes, ever rarer: " + compressed + " of 200 windows compressed");
        assertTrue(link.adaptive.compressing());
    }

    @Test
    void dataThatDoesNotShrinkGoesRawEvenOnASlowLink() {
        Link link = new Link(COMPRESSOR, 0.99, 10 * MB);
        int compressed = link.send(200);
        assertTrue(compressed <= 8, "only probes of the compressor, ever rarer: " + compressed + " of 200 windows");
    }

    @Test
    void dataThatDoesNotShrinkCostsTheCompressorOneBlockPerProbe() {
        // Random blobs on a fast link: compressing them is pure loss (deflate is at its slowest on
        // them), so a probe of the compressor is one block, not a window of 32.
        Link link = new Link(COMPRESSOR / 4, 0.99, 3000 * MB);
        link.send(200);
        assertTrue(link.compressedBlocks <= 8, link.compressedBlocks + " of 6400 blocks went through the compressor");
    }

    @Test
    void dataThatBecomesCompressibleIsCompressedAgainAfterAProbe() {
        Link link = new Link(COMPRESSOR, 1.0, 10 * MB);
        link.send(10);
        assertFalse(link.adaptive.compressing());
        link.ratio = 0.3; // random blobs, then articles
        link.send(AdaptiveCompression.LAST_PROBE + 1);
        assertTrue(link.adaptive.compressing());
    }

    @Test
    void compressingPaysOnlyWhenTheCompressorOutrunsTheLinkAndSavesEnough() {
        assertTrue(AdaptiveCompression.pays(150 * MB, 0.3, 50 * MB));
        assertFalse(AdaptiveCompression.pays(150 * MB, 0.3, 3000 * MB), "a local socket");
        assertFalse(AdaptiveCompression.pays(150 * MB, 0.3, 140 * MB), "within the margin");
        assertFalse(AdaptiveCompression.pays(150 * MB, 0.95, 10 * MB), "saves too little");
        assertFalse(AdaptiveCompression.pays(150 * MB, 0.3, Double.NaN), "the link's speed unknown");
    }

    /**
     * A link in steady state: the socket's buffers let it drain while the next block is compressed,
     * so a write blocks only for what the link has not drained meanwhile.
     */
    private static final class Link {
        final AdaptiveCompression adaptive = new AdaptiveCompression();
        final double compressor;
        final double linkRate;
        double ratio;
        /** Extra waits of compressed writes, as a share of the deflating time (a busy machine). */
        double compressedWriteWait;
        /** Extra waits in the first compressed window after raw ones, as a share of its deflating time (buffers draining). */
        double firstCompressedWindowWait;
        private boolean lastWasRaw;
        int compressedBlocks;

        Link(double compressor, double ratio, double linkRate) {
            this.compressor = compressor;
            this.ratio = ratio;
            this.linkRate = linkRate;
        }

        /** Sends {@code windows} windows; returns how many of them went compressed. */
        int send(int windows) {
            int compressedWindows = 0;
            for (int w = 0; w < windows; w++) {
                boolean compressed = adaptive.compressing();
                compressedWindows += compressed ? 1 : 0;
                double extraWait = compressedWriteWait + (compressed && lastWasRaw ? firstCompressedWindowWait : 0);
                lastWasRaw = !compressed;
                for (long sent = 0; sent < AdaptiveCompression.WINDOW; sent += BLOCK) {
                    if (adaptive.compressing()) {
                        compressedBlocks++;
                        int wire = ratio >= 1 ? BLOCK : (int) (BLOCK * ratio);
                        long deflate = nanos(BLOCK, compressor);
                        adaptive.compressed(BLOCK, wire, deflate,
                                Math.max(1000, nanos(wire, linkRate) - deflate) + (long) (deflate * extraWait));
                    } else {
                        adaptive.raw(BLOCK, Math.max(1000, nanos(BLOCK, linkRate)));
                    }
                }
            }
            return compressedWindows;
        }

        private static long nanos(long bytes, double rate) {
            return (long) (bytes * 1e9 / rate);
        }
    }
}
