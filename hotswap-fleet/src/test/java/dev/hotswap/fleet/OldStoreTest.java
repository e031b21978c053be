package dev.hotswap.fleet;

import static dev.hotswap.fleet.TestDatabases.ITEMS;
import static dev.hotswap.fleet.TestFleet.DATABASE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A fleet on S3Proxy 2.6.0, which answers {@code 501 NotImplemented} to the checksum headers the
 * AWS SDK (2.30 and later) adds to every upload by default, as many S3-compatible stores of its age
 * do: rollouts, multipart uploads and rollbacks must work there too (the fleet verifies every
 * file's SHA-256 itself).
 */
@Timeout(120)
class OldStoreTest {
    private static OldS3Proxy old;

    @RegisterExtension
    final TestFleet fleet = new TestFleet(() -> new TestFleet.Store() {
        @Override
        public URI endpoint() {
            return old.endpoint();
        }

        @Override
        public void createBucket(String bucket) throws IOException {
            old.createBucket(bucket);
        }
    });

    @BeforeAll
    static void startOldStore() throws Exception {
        old = OldS3Proxy.start();
    }

    @AfterAll
    static void stopOldStore() throws Exception {
        if (old != null) {
            old.close();
        }
    }

    @Test
    void rolloutAndRollbackCommitOnAStoreThatPredatesTheDefaultChecksums() throws Exception {
        fleet.add("a", ITEMS, "v1");
        fleet.add("b", ITEMS, "v1");
        Fleet coordinator = fleet.coordinator();

        RolloutResult v2 = coordinator.rollout(DATABASE, fleet.file("v2.sqlite3", ITEMS, "v2"), Expected.aliveNodes());
        RolloutResult v3 = coordinator.rollout(DATABASE, fleet.file("v3.sqlite3", ITEMS, "v3"), Expected.aliveNodes());
        RolloutResult back = coordinator.rollback(DATABASE, Optional.empty(), Expected.aliveNodes());

        for (RolloutResult result : List.of(v2, v3, back)) {
            assertTrue(result.everyNodeFlipped(), () -> "not every node flipped: " + result);
        }
        assertEquals(List.of("v2"), fleet.served("a"));
        assertEquals(List.of("v2"), fleet.served("b"));
        assertEquals(new FleetHealth(true, "in sync"), fleet.node("a").fleet.health());
    }

    @Test
    void probesFindNeitherUploadChecksumsNorConditionalWritesOnTheOldStore() throws Exception {
        try (ObjectStore store = new ObjectStore(fleet.config("ci").build())) {
            assertFalse(store.supportsUploadChecksums());
            assertFalse(store.supportsConditionalWrites());
            assertTrue(store.putIfAbsent("hotswap/x", new byte[] {1}), "the fallback creates a new key");
            assertFalse(store.putIfAbsent("hotswap/x", new byte[] {2}), "and refuses an existing one");
        }
    }

    @Test
    void largeFileGoesUpInPartsOnAStoreThatPredatesTheDefaultChecksums() throws Exception {
        fleet.add("a", ITEMS, "v1");
        long partSize = FleetConfig.MIN_PART_SIZE;
        Path large = TestDatabases.createLarge(fleet.dir().resolve("large.sqlite3"), partSize + partSize / 2, "large");

        RolloutResult result = fleet.coordinator(config -> config.partSize(partSize))
                .rollout(DATABASE, large, Expected.aliveNodes());

        assertTrue(result.everyNodeFlipped(), () -> "not every node flipped: " + result);
        assertEquals("large", fleet.served("a").get(0));
    }
}
