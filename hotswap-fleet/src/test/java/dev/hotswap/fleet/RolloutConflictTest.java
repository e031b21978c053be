package dev.hotswap.fleet;

import static dev.hotswap.fleet.TestDatabases.ITEMS;
import static dev.hotswap.fleet.TestFleet.DATABASE;
import static dev.hotswap.fleet.TestFleet.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** One rollout per database at a time: a second one fails at once, an abandoned one is closed. */
@Timeout(60)
class RolloutConflictTest {
    @RegisterExtension
    final TestFleet fleet = new TestFleet();
    private ObjectStore store;
    private Layout layout;

    @BeforeEach
    void startNodes() throws Exception {
        fleet.add("a", ITEMS, "v1");
        fleet.add("b", ITEMS, "v1");
        store = fleet.track(new ObjectStore(fleet.config("test").build()));
        layout = new Layout("hotswap");
    }

    @Test
    void secondRolloutWhileOneIsInProgressFailsAtOnce() throws Exception {
        // The deadline leaves the second coordinator (a new SDK client, a check of the bucket) time to
        // start and be refused on a loaded machine before the first rollout gives up on "ghost".
        Fleet first = fleet.coordinator(config -> config.answerDeadline(Duration.ofSeconds(8)));
        Path v2 = fleet.file("v2.sqlite3", ITEMS, "v2");
        // "ghost" never answers, so the first rollout stays open until its deadline.
        CompletableFuture<RolloutResult> running = CompletableFuture.supplyAsync(() -> {
            try {
                return first.rollout(DATABASE, v2, Expected.nodes(List.of("a", "b", "ghost")));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        await(Duration.ofSeconds(10), "the first rollout to be announced",
                () -> store.get(layout.head(DATABASE)).isPresent());

        FleetException e = assertThrows(FleetException.class, () -> fleet.coordinator()
                .rollout(DATABASE, fleet.file("v3.sqlite3", ITEMS, "v3"), Expected.aliveNodes()));

        assertEquals(FleetException.Reason.BUSY, e.reason());
        assertTrue(e.getMessage().startsWith("ERROR: another rollout of production is in progress: rollout 000001"
                + " (push by ci, started "), e.getMessage());
        assertFalse(running.isDone(), "the second rollout failed without waiting for the first");
        RolloutResult result = running.get(20, TimeUnit.SECONDS);
        assertFalse(result.committed());
        assertEquals(RolloutResult.State.NO_ANSWER, result.node("ghost").state());
        assertEquals(List.of("v1"), fleet.served("a"));
        assertEquals(List.of("v1"), fleet.served("b"));
    }

    @Test
    void rolloutStartedMeanwhileLosesTheClaim() throws Exception {
        // Another coordinator read the same (empty) head and created rollout 000001 first; it has
        // not announced it in the head yet.
        Instant now = Instant.now();
        Manifest other = new Manifest("000001", DATABASE, RolloutResult.Kind.PUSH, "other", "nonce", now,
                now.plusSeconds(60), List.of("a", "b"), null, 4096, "00", 4096, null);
        assertTrue(store.putIfAbsent(layout.manifest(DATABASE, "000001"), other.toBytes()));

        FleetException e = assertThrows(FleetException.class, () -> fleet.coordinator()
                .rollout(DATABASE, fleet.file("v2.sqlite3", ITEMS, "v2"), Expected.aliveNodes()));

        assertEquals(FleetException.Reason.BUSY, e.reason());
        assertTrue(e.getMessage().startsWith("ERROR: another rollout of production started meanwhile: rollout 000001"
                + " (push by other, started "), e.getMessage());
        assertEquals(List.of("v1"), fleet.served("a"));
    }

    @Test
    void rolloutAbandonedByItsCoordinatorIsAbortedByTheNext() throws Exception {
        Instant longAgo = Instant.now().minus(Duration.ofHours(1));
        Manifest abandoned = new Manifest("000001", DATABASE, RolloutResult.Kind.PUSH, "crashed", "nonce", longAgo,
                longAgo.plusSeconds(60), List.of("a", "b"), null, 4096, "00", 4096, null);
        store.put(layout.manifest(DATABASE, "000001"), abandoned.toBytes());
        store.put(layout.head(DATABASE), new Head("000001", null, null).toBytes());

        RolloutResult result = fleet.coordinator().rollout(DATABASE, fleet.file("v2.sqlite3", ITEMS, "v2"),
                Expected.aliveNodes());

        assertTrue(result.everyNodeFlipped(), () -> "not every node flipped: " + result);
        assertEquals("000002", result.rolloutId());
        Decision closed = Decision.parse("decision", store.get(layout.decision(DATABASE, "000001")).orElseThrow());
        assertFalse(closed.commit());
        assertTrue(closed.reason().startsWith("ERROR: abandoned: coordinator crashed decided nothing by the deadline"),
                closed.reason());
        assertEquals(List.of("v2"), fleet.served("a"));
        assertEquals(Optional.of("000002"), fleet.coordinator().servedRollout(DATABASE));
    }
}
