package dev.hotswap.fleet;

import static dev.hotswap.fleet.TestDatabases.ITEMS;
import static dev.hotswap.fleet.TestFleet.DATABASE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Coordinators that die after claiming a rollout id and before announcing it (a server killed during
 * a long upload) leave manifests beyond the head; however many there are, the next rollout closes
 * them as abandoned and claims the next free id, instead of refusing for good.
 */
@Timeout(120)
class AbandonedClaimsTest {
    /** Short, so that the claims are abandoned within a second: deadline plus five poll intervals. */
    private static final Duration DEADLINE = Duration.ofMillis(200);

    @RegisterExtension
    final TestFleet fleet = new TestFleet();

    /** The coordinator dies right after it claimed the rollout's id, before uploading or announcing. */
    private static final Coordinator.Listener DIES_AFTER_CLAIMING = new Coordinator.Listener() {
        @Override
        public void claimed(Manifest manifest) {
            throw new IllegalStateException("the coordinator dies after claiming rollout " + manifest.id());
        }
    };

    @Test
    void rolloutsWhoseCoordinatorsDiedBeforeAnnouncingNeverBlockTheNextOne() throws Exception {
        fleet.add("web-1", ITEMS, "v1");
        Fleet coordinator = fleet.coordinator(c -> c.answerDeadline(DEADLINE).abandonFloor(Duration.ofMillis(100)));
        Duration abandoned = DEADLINE.plus(fleet.config("ci").abandonFloor(Duration.ofMillis(100)).build().abandonAfter())
                .plusMillis(300);
        for (int dead = 1; dead <= 3; dead++) {
            String name = "dies-" + dead + ".sqlite3";
            assertThrows(IllegalStateException.class, () -> coordinator.rollout(DATABASE,
                    fleet.file(name, ITEMS, name), Expected.aliveNodes(), DIES_AFTER_CLAIMING));
            Thread.sleep(abandoned.toMillis()); // past its deadline and the abandon time, by the clock the code reads
        }

        // The next coordinator gives the node the usual time to answer.
        RolloutResult next = fleet.coordinator(c -> c.abandonFloor(Duration.ofMillis(100))).rollout(DATABASE,
                fleet.file("v2.sqlite3", ITEMS, "v2"), Expected.aliveNodes());

        assertTrue(next.everyNodeFlipped(), () -> "not every node flipped: " + next);
        assertEquals("000004", next.rolloutId(), "the next free id after the three abandoned claims");
        assertEquals(List.of("v2"), fleet.served("web-1"));
    }
}
