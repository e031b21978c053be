package dev.hotswap.fleet;

import static dev.hotswap.fleet.TestDatabases.ITEMS;
import static dev.hotswap.fleet.TestDatabases.ITEMS_WITH_PRICE;
import static dev.hotswap.fleet.TestFleet.DATABASE;
import static dev.hotswap.fleet.TestFleet.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A coordinator that stops between writing its commit decision and rewriting the head (it dies, or
 * the head write fails, which it only logs): the decision is the truth, and the head must never take
 * the fleet back behind it, not through the next rollout, an aborted one, a node's restart or a
 * rollback's default target.
 */
@Timeout(120)
class MissedHeadWriteTest {
    private static final Duration WAIT = Duration.ofSeconds(20);

    @RegisterExtension
    final TestFleet fleet = new TestFleet();

    /** Rolls out v2, then v3 whose coordinator stops after committing; returns v3's rollout id once both nodes serve it. */
    private String commitV3WithoutItsHead(Fleet coordinator) throws Exception {
        RolloutResult v2 = coordinator.rollout(DATABASE, fleet.file("v2.sqlite3", ITEMS, "v2"), Expected.aliveNodes());
        assertTrue(v2.everyNodeFlipped(), () -> "not every node flipped: " + v2);
        AtomicReference<String> v3 = new AtomicReference<>();
        // The coordinator stops right after its decision, before it rewrites the head.
        Coordinator.Listener stopsAfterDeciding = new Coordinator.Listener() {
            @Override
            public void decided(Manifest manifest, Decision decision) {
                v3.set(manifest.id());
                throw new IllegalStateException("the coordinator stops after deciding rollout " + manifest.id());
            }
        };
        assertThrows(IllegalStateException.class, () -> coordinator.rollout(DATABASE,
                fleet.file("v3.sqlite3", ITEMS, "v3"), Expected.aliveNodes(), stopsAfterDeciding));
        // A node serves v3's data a moment before its status names v3's rollout: wait for both.
        for (String node : List.of("web-1", "web-2")) {
            await(WAIT, node + " to flip to v3 on the decision", () -> fleet.served(node).equals(List.of("v3"))
                    && fleet.node(node).currentRollout().equals(Optional.of(v3.get())));
        }
        return v3.get();
    }

    @Test
    void anAbortedRolloutAfterAMissedHeadWriteLeavesTheFleetOnTheCommit() throws Exception {
        fleet.add("web-1", ITEMS, "v1");
        fleet.add("web-2", ITEMS, "v1");
        Fleet coordinator = fleet.coordinator();
        String v3 = commitV3WithoutItsHead(coordinator);

        RolloutResult aborted = coordinator.rollout(DATABASE, fleet.file("price.sqlite3", ITEMS_WITH_PRICE, "p"),
                Expected.aliveNodes());
        assertFalse(aborted.committed(), () -> "committed: " + aborted);
        fleet.stop("web-2");
        fleet.restart("web-2");

        assertEquals(List.of("v3"), fleet.served("web-1"));
        assertEquals(List.of("v3"), fleet.served("web-2"), "web-2 restarted and stayed on the committed v3");
        assertEquals(new FleetHealth(true, "in sync"), fleet.node("web-2").fleet.health());
        assertEquals(Optional.of(v3), coordinator.servedRollout(DATABASE));
    }

    @Test
    void aNodeRestartedRightAfterAMissedHeadWriteStaysOnTheCommitAndRollbackGoesToTheOneBefore() throws Exception {
        fleet.add("web-1", ITEMS, "v1");
        fleet.add("web-2", ITEMS, "v1");
        Fleet coordinator = fleet.coordinator();
        String v3 = commitV3WithoutItsHead(coordinator);

        fleet.stop("web-2");
        fleet.restart("web-2");

        assertEquals(List.of("v3"), fleet.served("web-2"), "web-2 restarted and stayed on the committed v3");
        assertEquals(Optional.of(v3), coordinator.servedRollout(DATABASE));
        RolloutResult back = coordinator.rollback(DATABASE, Optional.empty(), Expected.aliveNodes());
        assertTrue(back.everyNodeFlipped(), () -> "not every node rolled back: " + back);
        assertEquals(List.of("v2"), fleet.served("web-1"), "the rollback went to v2, the rollout before v3");
        assertEquals(List.of("v2"), fleet.served("web-2"));
    }
}
