package dev.hotswap.fleet;

import static dev.hotswap.fleet.TestDatabases.ITEMS;
import static dev.hotswap.fleet.TestFleet.DATABASE;
import static dev.hotswap.fleet.TestFleet.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Which nodes a rollout waits for: the registered nodes alive by the store's clock, or a count of them. */
@Timeout(60)
class ExpectedNodesTest {
    @RegisterExtension
    final TestFleet fleet = new TestFleet();

    @Test
    void tooFewAliveNodesFailsAtOnce() throws Exception {
        fleet.add("a", ITEMS, "v1");
        fleet.add("b", ITEMS, "v1");

        FleetException e = assertThrows(FleetException.class, () -> fleet.coordinator()
                .rollout(DATABASE, fleet.file("v2.sqlite3", ITEMS, "v2"), Expected.atLeast(3)));

        assertEquals(FleetException.Reason.NOT_FOUND, e.reason());
        assertEquals("ERROR: 2 node(s) alive under s3://" + fleet.bucket() + "/hotswap/nodes/ [a, b], at least 3"
                + " expected", e.getMessage());
        assertEquals(List.of("v1"), fleet.served("a"));
    }

    @Test
    void nodeSilentLongerThanTheNodeTimeoutIsNotExpected() throws Exception {
        fleet.add("a", ITEMS, "v1", config -> config.heartbeatInterval(Duration.ofSeconds(1)));
        CuttableLink link = fleet.track(new CuttableLink(fleet.s3().endpoint()));
        fleet.add("c", ITEMS, "v1", config -> config.endpoint(link.endpoint()));
        link.cut(); // c registered once, then went silent
        Fleet coordinator = fleet.coordinator(config -> config.heartbeatInterval(Duration.ofSeconds(1))
                .nodeTimeout(Duration.ofSeconds(3)));
        await(Duration.ofSeconds(15), "c's registration to age past the node timeout",
                () -> coordinator.nodes().stream().anyMatch(n -> n.node().equals("c") && !n.alive()));

        RolloutResult result = coordinator.rollout(DATABASE, fleet.file("v2.sqlite3", ITEMS, "v2"),
                Expected.aliveNodes());

        assertTrue(result.everyNodeFlipped(), () -> "not every node flipped: " + result);
        assertEquals(List.of("a"), result.nodes().stream().map(RolloutResult.NodeOutcome::node).toList());
        assertEquals(List.of("v2"), fleet.served("a"));
        assertEquals(List.of("v1"), fleet.served("c"), "c never heard of the rollout");
    }
}
