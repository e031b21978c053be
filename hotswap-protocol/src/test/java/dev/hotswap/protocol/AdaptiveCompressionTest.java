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
    void aSlowLinkGetsCompressedBytesWithoutProbingRaw() {
        // Compressed bytes alone fill this link: its speed shows while compressing.
        Link link = new Link(COMPRESSOR, 0.3, 10 * MB);
        assertEquals(200, link.send(200));
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
                for (long sent = 0; sent < AdaptiveCompression.WINDOW; sent += BLOCK) {
                    if (adaptive.compressing()) {
                        int wire = ratio >= 1 ? BLOCK : (int) (BLOCK * ratio);
                        long deflate = nanos(BLOCK, compressor);
                        adaptive.compressed(BLOCK, wire, deflate, Math.max(1000, nanos(wire, linkRate) - deflate));
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
