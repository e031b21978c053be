package dev.hotswap.fleet;

import static dev.hotswap.fleet.TestDatabases.ITEMS;
import static dev.hotswap.fleet.TestDatabases.ITEMS_WITH_PRICE;
import static dev.hotswap.fleet.TestFleet.DATABASE;
import static dev.hotswap.fleet.TestFleet.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The fleet's protocol through its library entry point ({@link Fleet}, a coordinator that serves no
 * database), with real nodes: hotswap engines, each with its own SQLite database, and a real S3Proxy.
 */
@Timeout(120)
class FleetRolloutTest {
    private static final Duration WAIT = Duration.ofSeconds(20);

    @RegisterExtension
    final TestFleet fleet = new TestFleet();


    @Test
    void rolloutCommitsAndEveryNodeFlips() throws Exception {
        for (String node : List.of("a", "b", "c")) {
            fleet.add(node, ITEMS, "v1");
        }
        Path next = fleet.file("next.sqlite3", ITEMS, "v2");

        RolloutResult result = fleet.coordinator().rollout(DATABASE, next, Expected.aliveNodes());

        assertTrue(result.committed(), () -> "not committed: " + result);
        assertTrue(result.everyNodeFlipped(), () -> "not every node flipped: " + result);
        assertEquals(List.of("a", "b", "c"), result.nodes().stream().map(RolloutResult.NodeOutcome::node).toList());
        for (String node : List.of("a", "b", "c")) {
            assertEquals(List.of("v2"), fleet.served(node), node + " serves the new file");
            assertEquals(Optional.of(result.rolloutId()), fleet.node(node).currentRollout(),
                    node + "'s generation names the rollout");
            assertTrue(result.node(node).line().startsWith(node + ": flipped, pause "), result.node(node).line());
        }
        assertEquals(Optional.of(result.rolloutId()), fleet.coordinator().servedRollout(DATABASE));
    }

    @Test
    void everyNodeFlipsExactlyOncePerRollout() throws Exception {
        for (String node : List.of("a", "b", "c")) {
            fleet.add(node, ITEMS, "v1");
        }
        Fleet coordinator = fleet.coordinator();
        // Nodes read the decision before the coordinator rewrites the head: a node must not take the
        // head it read meanwhile, which still names the previous file, for a reason to catch up.
        for (String version : List.of("v2", "v3", "v4")) {
            RolloutResult result = coordinator.rollout(DATABASE, fleet.file(version + ".sqlite3", ITEMS, version),
                    Expected.aliveNodes());
            assertTrue(result.everyNodeFlipped(), () -> "not every node flipped: " + result);
        }

        for (String node : List.of("a", "b", "c")) {
            assertEquals(3, fleet.node(node).swaps(), node + " flipped once per rollout");
            assertEquals(List.of("v4"), fleet.served(node));
        }
    }

    @Test
    void nodeWithAnotherSchemaAbortsTheRolloutEverywhere() throws Exception {
        fleet.add("a", ITEMS, "v1");
        fleet.add("b", ITEMS, "v1");
        fleet.add("c", ITEMS_WITH_PRICE, "v1");
        Path next = fleet.file("next.sqlite3", ITEMS, "v2");

        RolloutResult result = fleet.coordinator().rollout(DATABASE, next, Expected.aliveNodes());

        assertFalse(result.committed(), () -> "committed: " + result);
        assertEquals("ERROR: node c refused: schema mismatch\n"
                + "- CREATE TABLE items(id INTEGER PRIMARY KEY, name TEXT, price REAL)\n"
                + "+ CREATE TABLE items(id INTEGER PRIMARY KEY, name TEXT)", result.reason());
        assertEquals(RolloutResult.State.REFUSED, result.node("c").state());
        assertEquals("c: ERROR: schema mismatch\n"
                + "- CREATE TABLE items(id INTEGER PRIMARY KEY, name TEXT, price REAL)\n"
                + "+ CREATE TABLE items(id INTEGER PRIMARY KEY, name TEXT)", result.node("c").line());
        for (String node : List.of("a", "b")) {
            assertTrue(List.of(RolloutResult.State.DISCARDED, RolloutResult.State.NO_ANSWER)
                    .contains(result.node(node).state()), () -> result.node(node).line());
            TestNode staged = fleet.node(node);
            await(WAIT, node + " to discard what it staged", () -> staged.strayFiles().isEmpty());
        }
        for (String node : List.of("a", "b", "c")) {
            assertEquals(List.of("v1"), fleet.served(node), node + " still serves the old file");
            assertEquals(0, fleet.node(node).swaps(), node + " did not flip");
        }
        assertEquals(Optional.empty(), fleet.coordinator().servedRollout(DATABASE));
    }

    @Test
    void silentNodeAbortsTheRolloutAtTheDeadline() throws Exception {
        fleet.add("a", ITEMS, "v1");
        fleet.add("b", ITEMS, "v1");
        CuttableLink link = fleet.track(new CuttableLink(fleet.s3().endpoint()));
        fleet.add("c", ITEMS, "v1", config -> config.endpoint(link.endpoint()));
        link.cut(); // c registered, then lost the store: still alive by its last heartbeat
        Path next = fleet.file("next.sqlite3", ITEMS, "v2");

        RolloutResult result = fleet.coordinator(config -> config.answerDeadline(Duration.ofSeconds(5)))
                .rollout(DATABASE, next, Expected.aliveNodes());

        assertFalse(result.committed(), () -> "committed: " + result);
        assertTrue(result.reason().startsWith("ERROR: no answer by the deadline "), result.reason());
        assertTrue(result.reason().endsWith(" from c"), result.reason());
        assertEquals(RolloutResult.State.NO_ANSWER, result.node("c").state());
        assertEquals(RolloutResult.State.DISCARDED, result.node("a").state());
        assertEquals(RolloutResult.State.DISCARDED, result.node("b").state());
        for (String node : List.of("a", "b")) {
            TestNode staged = fleet.node(node);
            await(WAIT, node + " to discard what it staged", () -> staged.strayFiles().isEmpty());
        }
        for (String node : List.of("a", "b", "c")) {
            assertEquals(List.of("v1"), fleet.served(node), node + " still serves the old file");
        }
    }

    @Test
    void restartedNodeCatchesUpBeforeItReportsHealthy() throws Exception {
        for (String node : List.of("a", "b", "c")) {
            fleet.add(node, ITEMS, "v1");
        }
        fleet.stop("c");
        RolloutResult result = fleet.coordinator().rollout(DATABASE, fleet.file("next.sqlite3", ITEMS, "v2"),
                Expected.aliveNodes());
        assertTrue(result.everyNodeFlipped(), () -> "not every node flipped: " + result);
        assertEquals(List.of("a", "b"), result.nodes().stream().map(RolloutResult.NodeOutcome::node).toList());
        assertEquals(List.of("v1"), TestDatabases.names(fleet.live("c")), "c was down during the rollout");

        TestNode c = fleet.restart("c");

        assertEquals(List.of("v2"), c.served(), "c caught up while its engine started");
        assertEquals(new FleetHealth(true, "in sync"), c.fleet.health());
        assertEquals(Optional.of(result.rolloutId()), c.currentRollout());
    }

    @Test
    void nodeThatCannotCatchUpSaysWhyAndIsNotHealthy() throws Exception {
        fleet.add("a", ITEMS, "v1");
        RolloutResult result = fleet.coordinator().rollout(DATABASE, fleet.file("next.sqlite3", ITEMS, "v2"),
                Expected.aliveNodes());
        assertTrue(result.everyNodeFlipped(), () -> "not every node flipped: " + result);

        TestNode late = fleet.add("late", ITEMS_WITH_PRICE, "v1");

        FleetHealth health = late.fleet.health();
        assertFalse(health.healthy());
        assertTrue(health.detail().startsWith("ERROR: cannot catch up to rollout " + result.rolloutId()
                + " of production: schema mismatch\n"), health.detail());
        assertEquals(List.of("v1"), fleet.served("late"), "a refused file is never served");
    }

    @Test
    void rollbackReturnsEveryNodeToThePreviousRollout() throws Exception {
        for (String node : List.of("a", "b", "c")) {
            fleet.add(node, ITEMS, "v1");
        }
        Fleet coordinator = fleet.coordinator();
        RolloutResult v2 = coordinator.rollout(DATABASE, fleet.file("v2.sqlite3", ITEMS, "v2"), Expected.aliveNodes());
        RolloutResult v3 = coordinator.rollout(DATABASE, fleet.file("v3.sqlite3", ITEMS, "v3"), Expected.aliveNodes());
        assertTrue(v2.everyNodeFlipped() && v3.everyNodeFlipped(), () -> v2 + "\n" + v3);

        RolloutResult back = coordinator.rollback(DATABASE, Optional.empty(), Expected.aliveNodes());

        assertTrue(back.everyNodeFlipped(), () -> "not every node rolled back: " + back);
        assertEquals(RolloutResult.Kind.ROLLBACK, back.kind());
        for (String node : List.of("a", "b", "c")) {
            assertEquals(List.of("v2"), fleet.served(node), node + " serves v2 again");
            assertEquals(Optional.of(v2.rolloutId()), fleet.node(node).currentRollout());
        }
        assertEquals(Optional.of(v2.rolloutId()), coordinator.servedRollout(DATABASE));
    }

    @Test
    void rollbackToANamedRolloutSkipsTheOnesBetween() throws Exception {
        fleet.add("a", ITEMS, "v1");
        fleet.add("b", ITEMS, "v1");
        Fleet coordinator = fleet.coordinator();
        RolloutResult v2 = coordinator.rollout(DATABASE, fleet.file("v2.sqlite3", ITEMS, "v2"), Expected.aliveNodes());
        coordinator.rollout(DATABASE, fleet.file("v3.sqlite3", ITEMS, "v3"), Expected.aliveNodes());
        coordinator.rollout(DATABASE, fleet.file("v4.sqlite3", ITEMS, "v4"), Expected.aliveNodes());

        RolloutResult back = coordinator.rollback(DATABASE, Optional.of(v2.rolloutId()), Expected.aliveNodes());

        assertTrue(back.everyNodeFlipped(), () -> "not every node rolled back: " + back);
        assertEquals(List.of("v2"), fleet.served("a"));
        assertEquals(List.of("v2"), fleet.served("b"));
        FleetException e = assertThrows(FleetException.class,
                () -> coordinator.rollback(DATABASE, Optional.of(v2.rolloutId()), Expected.aliveNodes()));
        assertEquals("ERROR: the fleet already serves rollout " + v2.rolloutId() + " of production", e.getMessage());
    }

    @Test
    void rollbackRefusedByANodeWithoutTheGenerationChangesNothing() throws Exception {
        fleet.add("a", ITEMS, "v1");
        Fleet coordinator = fleet.coordinator();
        RolloutResult v2 = coordinator.rollout(DATABASE, fleet.file("v2.sqlite3", ITEMS, "v2"), Expected.aliveNodes());
        RolloutResult v3 = coordinator.rollout(DATABASE, fleet.file("v3.sqlite3", ITEMS, "v3"), Expected.aliveNodes());
        assertTrue(v2.everyNodeFlipped() && v3.everyNodeFlipped(), () -> v2 + "\n" + v3);
        fleet.add("b", ITEMS, "v1"); // caught up to v3 by download: it never had v2

        RolloutResult back = coordinator.rollback(DATABASE, Optional.empty(), Expected.aliveNodes());

        assertFalse(back.committed(), () -> "committed: " + back);
        assertTrue(back.node("b").message().startsWith("ERROR: no kept generation of rollout " + v2.rolloutId()
                + " here (current: generation 2 of rollout " + v3.rolloutId() + "; kept: generation 1 (local))"),
                back.node("b").message());
        assertEquals(List.of("v3"), fleet.served("a"));
        assertEquals(List.of("v3"), fleet.served("b"));
    }
}
