package dev.hotswap.fleet;

import static dev.hotswap.fleet.TestDatabases.ITEMS;
import static dev.hotswap.fleet.TestFleet.DATABASE;
import static dev.hotswap.fleet.TestFleet.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The file's way through the store: multipart uploads, and downloads checked against the manifest. */
@Timeout(90)
class TransferTest {
    @RegisterExtension
    final TestFleet fleet = new TestFleet();


    @Test
    void largeFileTravelsInPartsAndArrivesWhole() throws Exception {
        fleet.add("a", ITEMS, "v1");
        fleet.add("b", ITEMS, "v1");
        Path large = TestDatabases.createLarge(fleet.dir().resolve("large.sqlite3"), 12L * 1024 * 1024, "big");
        long parts = (Files.size(large) + FleetConfig.MIN_PART_SIZE - 1) / FleetConfig.MIN_PART_SIZE;

        RolloutResult result = fleet.coordinator(config -> config.partSize(FleetConfig.MIN_PART_SIZE))
                .rollout(DATABASE, large, Expected.aliveNodes());

        assertTrue(result.everyNodeFlipped(), () -> "not every node flipped: " + result);
        try (ObjectStore store = new ObjectStore(fleet.config("test").build())) {
            ObjectStore.Listed object = store.list(new Layout("hotswap").file(DATABASE, result.rolloutId()))
                    .objects().get(0);
            // A multipart object's ETag is the hash of its parts' hashes, with "-<parts>".
            assertTrue(object.etag().endsWith("-" + parts + "\""), object.etag());
        }
        for (String node : List.of("a", "b")) {
            assertEquals(-1, Files.mismatch(large, fleet.live(node)), node + " serves the very file");
        }
    }

    @Test
    void nodeRefusesADownloadThatDoesNotMatchTheManifest() throws Exception {
        fleet.add("a", ITEMS, "v1");
        Path file = fleet.file("v2.sqlite3", ITEMS, "v2");
        byte[] bytes = Files.readAllBytes(file);
        String wrongDigest = HexFormat.of().formatHex(new byte[32]);
        Layout layout = new Layout("hotswap");
        try (ObjectStore store = new ObjectStore(fleet.config("intruder").build())) {
            // A rollout written straight into the bucket whose file is not the one its manifest names.
            Instant now = Instant.now();
            Manifest manifest = new Manifest("000001", DATABASE, RolloutResult.Kind.PUSH, "intruder", "n", now,
                    now.plusSeconds(30), List.of("a"), null, bytes.length, wrongDigest, 4096, null);
            store.put(layout.manifest(DATABASE, "000001"), manifest.toBytes());
            store.put(layout.file(DATABASE, "000001"), bytes);
            store.put(layout.head(DATABASE), new Head("000001", null, null).toBytes());

            String answerKey = layout.answer(DATABASE, "000001", "a");
            await(Duration.ofSeconds(20), "node a to answer", () -> store.get(answerKey).isPresent());
            Answer answer = Answer.parse(answerKey, store.get(answerKey).orElseThrow());

            assertFalse(answer.ok());
            assertTrue(answer.message().startsWith("ERROR: could not stage the file: download of "
                    + layout.file(DATABASE, "000001") + " does not match the manifest's SHA-256 (expected "
                    + wrongDigest + ", got "), answer.message());
        }
        assertEquals(List.of("v1"), fleet.served("a"));
        assertEquals(List.of(), fleet.node("a").strayFiles());
        assertEquals(Optional.empty(), fleet.node("a").currentRollout());
    }
}
