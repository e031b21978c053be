package dev.hotswap.fleet;

import static dev.hotswap.fleet.TestDatabases.ITEMS;
import static dev.hotswap.fleet.TestFleet.DATABASE;
import static dev.hotswap.fleet.TestFleet.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicInteger;

import dev.hotswap.engine.PushOptions;
import dev.hotswap.engine.SwapRefusedException;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A node that answers yes to a fleet rollback reserves what it promised until the decision: a local
 * {@code rollback} or {@code cp} on that node in between is refused, so the commit finds the kept
 * generation still kept and the current one still current, and every node flips.
 */
@Timeout(120)
class RollbackReservationTest {
    private static final Duration WAIT = Duration.ofSeconds(20);

    @RegisterExtension
    final TestFleet fleet = new TestFleet();

    /** What an operator does on web-2 once it said yes. */
    @FunctionalInterface
    private interface LocalStep {
        void run(TestNode node) throws Exception;
    }

    /** The refusals of the local steps: one per step, null where the engine took it. */
    private final List<SwapRefusedException> refusals = new ArrayList<>();

    /** Runs {@code step}, recording its refusal (or null). */
    private void attempt(LocalStep step, TestNode node) throws Exception {
        try {
            step.run(node);
            refusals.add(null);
        } catch (SwapRefusedException e) {
            refusals.add(e);
        }
    }

    /**
     * Rolls the fleet (v2, then v3) back to v2; once web-2 has answered and before the coordinator
     * decides, runs {@code local} on web-2 {@code times} times. Returns the rollback's result.
     */
    private RolloutResult rollbackWithLocalStepsAfterTheYes(LocalStep local, int times) throws Exception {
        fleet.add("web-1", ITEMS, "v1");
        fleet.add("web-2", ITEMS, "v1");
        Fleet coordinator = fleet.coordinator();
        for (String version : List.of("v2", "v3")) {
            RolloutResult result = coordinator.rollout(DATABASE, fleet.file(version + ".sqlite3", ITEMS, version),
                    Expected.aliveNodes());
            assertTrue(result.everyNodeFlipped(), () -> "not every node flipped: " + result);
        }
        ObjectStore store = fleet.track(new ObjectStore(fleet.config("observer").build()));
        Layout layout = new Layout(store.config().prefix());
        return coordinator.rollback(DATABASE, Optional.empty(), Expected.aliveNodes(), new Coordinator.Listener() {
            @Override
            public void announced(Manifest manifest) {
                try {
                    await(WAIT, "web-2 to answer rollback " + manifest.id(),
                            () -> store.get(layout.answer(DATABASE, manifest.id(), "web-2")).isPresent());
                    for (int i = 0; i < times; i++) {
                        attempt(local, fleet.node("web-2"));
                    }
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }
        });
    }

    private void assertEveryStepRefusedAsBusy() {
        for (SwapRefusedException refusal : refusals) {
            assertNotNull(refusal, "a local step while the fleet's rollback is undecided was refused");
            assertEquals(SwapRefusedException.Reason.BUSY, refusal.reason());
        }
    }

    @Test
    void aLocalRollbackToTheTargetAfterTheYesIsRefusedAndTheNodeFlipsOnCommit() throws Exception {
        RolloutResult back = rollbackWithLocalStepsAfterTheYes(node -> {
            long v2 = node.status().kept().get(0).id();
            node.engine.rollback(DATABASE, OptionalLong.of(v2));
        }, 1);

        assertTrue(back.everyNodeFlipped(), () -> "not every node rolled back: " + back);
        for (String node : List.of("web-1", "web-2")) {
            assertEquals(List.of("v2"), fleet.served(node));
        }
        assertEveryStepRefusedAsBusy();
    }

    @Test
    void localPushesAfterTheYesAreRefusedAndTheNodeFlipsOnCommit() throws Exception {
        // Three pushes would prune v2 from web-2's three kept generations.
        AtomicInteger pushes = new AtomicInteger();
        RolloutResult back = rollbackWithLocalStepsAfterTheYes(node -> {
            String name = "local-" + pushes.incrementAndGet();
            try (InputStream in = Files.newInputStream(fleet.file(name + ".sqlite3", ITEMS, name))) {
                node.engine.push(DATABASE, in, PushOptions.defaults());
            }
        }, TestFleet.KEEP);

        assertTrue(back.everyNodeFlipped(), () -> "not every node rolled back: " + back);
        for (String node : List.of("web-1", "web-2")) {
            assertEquals(List.of("v2"), fleet.served(node));
        }
        assertEveryStepRefusedAsBusy();
    }
}
