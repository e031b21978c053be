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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import dev.hotswap.engine.CandidateCheck;
import dev.hotswap.engine.Rollouts;
import dev.hotswap.engine.SwapRefusedException;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code hotswap cp FILE production --fleet} and {@code hotswap rollback production --fleet} as the
 * engine runs them: the server the CLI talks to checks and stages the file itself, then coordinates
 * the rollout through {@link HotswapFleet}, reporting the lines the CLI prints. Real engines, a real
 * S3Proxy.
 */
@Timeout(120)
class FleetPushTest {
    private static final Duration WAIT = Duration.ofSeconds(20);

    @RegisterExtension
    final TestFleet fleet = new TestFleet();

    private final List<String> lines = new CopyOnWriteArrayList<>();

    @Test
    void pushFromOneServerIsCheckedThereAndFlipsEveryServer() throws Exception {
        for (String node : List.of("a", "b", "c")) {
            fleet.add(node, ITEMS, "v1");
        }
        Path next = fleet.file("next.sqlite3", ITEMS, "v2");

        Rollouts.Result result = fleet.node("a").push(next, Rollouts.Nodes.alive(), lines::add);

        assertEquals(new Rollouts.Result(true, "rollout 000001 of production committed: 3 of 3 nodes flipped"), result);
        assertEquals("rollout 000001 of production: uploading " + java.nio.file.Files.size(next)
                + " bytes to the fleet's store", lines.get(0));
        assertTrue(lines.get(1).startsWith("rollout 000001: waiting for 3 node(s) to check and stage the file"
                + " (a, b, c), until "), lines.get(1));
        assertEquals("rollout 000001 committed: every node is ready and flips on its next poll", lines.get(2));
        for (int i = 0; i < 3; i++) {
            assertTrue(lines.get(3 + i).matches(List.of("a", "b", "c").get(i) + ": flipped, pause \\d+ µs"), lines.get(3 + i));
        }
        assertEquals(6, lines.size(), lines::toString);
        for (String node : List.of("a", "b", "c")) {
            TestNode server = fleet.node(node);
            assertEquals(List.of("v2"), server.served(), node + " serves the new file");
            assertEquals(Optional.of("000001"), server.currentRollout(), node + "'s generation names the rollout");
            assertEquals(2, server.status().current().id(), node + " staged the file once, as generation 2");
            assertEquals(1, server.swaps());
        }
    }

    @Test
    void everyNodeRunsItsOwnChecksAndOneRefusalAbortsTheRolloutEverywhere() throws Exception {
        fleet.add("a", ITEMS, "v1");
        fleet.add("b", ITEMS, "v1");
        // only c has this rule: the coordinator's own checks pass, c's refuse in phase one
        fleet.addWithEngine("c", ITEMS, "v1", engine -> engine.check("keeps-v1",
                CandidateCheck.sql("SELECT count(*) > 0 FROM items WHERE name = 'v1'")));
        Path next = fleet.file("next.sqlite3", ITEMS, "v2");

        Rollouts.Result result = fleet.node("a").push(next, Rollouts.Nodes.alive(), lines::add);

        assertEquals("ERROR: rollout 000001 of production aborted: node c refused; no node flipped", result.summary());
        assertTrue(lines.contains("c: ERROR: check keeps-v1 refused: SELECT count(*) > 0 FROM items"
                + " WHERE name = 'v1' returned 0"), lines::toString);
        for (String node : List.of("a", "b", "c")) {
            assertEquals(List.of("v1"), fleet.node(node).served(), node + " still serves the old file");
            assertEquals(0, fleet.node(node).swaps(), node + " did not flip");
        }
    }

    @Test
    void dryRunHasEveryNodeCheckTheFileAndNoneFlips() throws Exception {
        fleet.add("a", ITEMS, "v1");
        fleet.add("b", ITEMS, "v1");
        fleet.addWithEngine("c", ITEMS, "v1", engine -> engine.check("keeps-v1",
                CandidateCheck.sql("SELECT count(*) > 0 FROM items WHERE name = 'v1'")));
        Path next = fleet.file("next.sqlite3", ITEMS, "v1", "v2");
        Path stale = fleet.file("stale.sqlite3", ITEMS, "v2");

        Rollouts.Result passed = fleet.node("a").check(next, Rollouts.Nodes.alive(), lines::add);

        assertEquals(new Rollouts.Result(true, "dry run: rollout 000001 of production: every node (3 of 3) would go"
                + " live; none flipped, each discarded the file"), passed);
        assertEquals("rollout 000001 aborted: dry run: every node checked and staged the file; none flips",
                lines.get(2));
        awaitDiscarded();
        lines.clear();
        Rollouts.Result refused = fleet.node("a").check(stale, Rollouts.Nodes.alive(), lines::add);
        assertEquals(new Rollouts.Result(false, "ERROR: rollout 000002 of production aborted: node c refused; no node"
                + " flipped"), refused);
        assertTrue(lines.contains("c: ERROR: check keeps-v1 refused: SELECT count(*) > 0 FROM items"
                + " WHERE name = 'v1' returned 0"), lines::toString);
        for (String node : List.of("a", "b", "c")) {
            TestNode server = fleet.node(node);
            assertEquals(List.of("v1"), server.served(), node + " still serves the old file");
            assertEquals(0, server.swaps(), node + " did not flip");
            assertEquals(1, server.status().current().id(), node + " still serves generation 1");
        }
        awaitDiscarded();
        assertEquals(Optional.empty(), fleet.coordinator().servedRollout(DATABASE));
        // and a real push goes through after them
        assertTrue(fleet.node("a").push(next, Rollouts.Nodes.alive(), lines::add).everyNodeFlipped());
        assertEquals(List.of("v1", "v2"), fleet.node("c").served());
    }

    /**
     * Every node discards what it staged for an aborted rollout on its next poll; until then its
     * database stays claimed, the coordinator's too.
     */
    private void awaitDiscarded() throws Exception {
        for (String node : List.of("a", "b", "c")) {
            TestNode server = fleet.node(node);
            await(WAIT, node + " to discard what it staged", () -> server.strayFiles().isEmpty());
        }
    }

    @Test
    void fileTheCoordinatingServerRefusesNeverReachesTheStore() throws Exception {
        fleet.add("a", ITEMS, "v1");
        fleet.add("b", ITEMS, "v1");

        SwapRefusedException e = assertThrows(SwapRefusedException.class, () -> fleet.node("a")
                .push(fleet.file("priced.sqlite3", ITEMS_WITH_PRICE, "v2"), Rollouts.Nodes.alive(), lines::add));

        assertTrue(e.getMessage().startsWith("ERROR: schema mismatch\n"), e.getMessage());
        assertEquals(List.of(), lines);
        assertEquals(Optional.empty(), fleet.coordinator().servedRollout(DATABASE));
        try (ObjectStore store = new ObjectStore(fleet.config("test").build())) {
            assertEquals(List.of(), store.list(new Layout("hotswap").rollouts(DATABASE)).objects(),
                    "no rollout was claimed");
        }
    }

    @Test
    void serverWithAnotherSchemaAbortsTheRolloutAndIsNamedWithItsDiff() throws Exception {
        fleet.add("a", ITEMS, "v1");
        fleet.add("b", ITEMS, "v1");
        fleet.add("c", ITEMS_WITH_PRICE, "v1");

        Rollouts.Result result = fleet.node("a").push(fleet.file("next.sqlite3", ITEMS, "v2"), Rollouts.Nodes.alive(),
                lines::add);

        assertEquals(new Rollouts.Result(false, "ERROR: rollout 000001 of production aborted: node c refused;"
                + " no node flipped"), result);
        assertTrue(lines.contains("rollout 000001 aborted: node c refused: schema mismatch"), lines::toString);
        assertTrue(lines.contains("c: ERROR: schema mismatch\n"
                + "- CREATE TABLE items(id INTEGER PRIMARY KEY, name TEXT, price REAL)\n"
                + "+ CREATE TABLE items(id INTEGER PRIMARY KEY, name TEXT)"), lines::toString);
        for (String node : List.of("a", "b", "c")) {
            TestNode server = fleet.node(node);
            await(WAIT, node + " to drop what it staged", () -> server.strayFiles().isEmpty());
            assertEquals(List.of("v1"), server.served(), node + " still serves the old file");
            assertEquals(0, server.swaps(), node + " did not flip");
        }
    }

    @Test
    void coordinatingServerLeftOutOfTheNodesCatchesUpAfterTheCommit() throws Exception {
        for (String node : List.of("a", "b", "c")) {
            fleet.add(node, ITEMS, "v1");
        }

        Rollouts.Result result = fleet.node("a").push(fleet.file("next.sqlite3", ITEMS, "v2"),
                Rollouts.Nodes.named(List.of("b", "c")), lines::add);

        assertEquals(new Rollouts.Result(true, "rollout 000001 of production committed: 2 of 2 nodes flipped"), result);
        TestNode a = fleet.node("a");
        await(WAIT, "a to catch up with the commit it was not part of", () -> a.served().equals(List.of("v2")));
        assertEquals(Optional.of("000001"), a.currentRollout());
        assertEquals(List.of(), a.strayFiles());
    }

    @Test
    void rollbackFromAnyServerTakesEveryServerBack() throws Exception {
        for (String node : List.of("a", "b", "c")) {
            fleet.add(node, ITEMS, "v1");
        }
        assertTrue(fleet.node("a").push(fleet.file("v2.sqlite3", ITEMS, "v2"), Rollouts.Nodes.alive(), line -> { })
                .everyNodeFlipped());
        assertTrue(fleet.node("b").push(fleet.file("v3.sqlite3", ITEMS, "v3"), Rollouts.Nodes.atLeast(3), line -> { })
                .everyNodeFlipped());

        Rollouts.Result back = fleet.node("c").rollback(Optional.empty(), Rollouts.Nodes.alive(), lines::add);

        assertEquals(new Rollouts.Result(true, "rollout 000003 of production committed: 3 of 3 nodes flipped"), back);
        assertEquals("rollout 000003 of production: back to rollout 000001", lines.get(0));
        assertTrue(lines.get(1).startsWith("rollout 000003: waiting for 3 node(s) to confirm they keep it"), lines.get(1));
        for (String node : List.of("a", "b", "c")) {
            assertEquals(List.of("v2"), fleet.served(node), node + " serves v2 again");
            assertEquals(Optional.of("000001"), fleet.node(node).currentRollout());
        }
        Rollouts.Result none = fleet.node("a").rollback(Optional.of("000009"), Rollouts.Nodes.alive(), line -> { });
        assertEquals(new Rollouts.Result(false, "ERROR: no rollout 000009 of production"), none);
    }

    @Test
    void closingTheCoordinatingServerAbortsItsUndecidedRollout() throws Exception {
        fleet.add("a", ITEMS, "v1");
        fleet.add("b", ITEMS, "v1");
        TestNode a = fleet.node("a");
        // "ghost" never answers: the rollout stays undecided until a closes.
        CompletableFuture<Rollouts.Result> running = CompletableFuture.supplyAsync(() -> {
            try {
                return a.push(fleet.file("v2.sqlite3", ITEMS, "v2"), Rollouts.Nodes.named(List.of("a", "b", "ghost")),
                        lines::add);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        TestNode b = fleet.node("b");
        await(WAIT, "b to stage the file", () -> !b.strayFiles().isEmpty());

        fleet.stop("a");

        Rollouts.Result result = running.get(20, TimeUnit.SECONDS);
        assertFalse(result.everyNodeFlipped());
        assertTrue(result.summary().startsWith("ERROR: the rollout of production was interrupted: this server is"
                + " leaving the fleet"), result.summary());
        try (ObjectStore store = new ObjectStore(fleet.config("test").build())) {
            Decision decision = Decision.parse("decision", store.get(new Layout("hotswap").decision(DATABASE, "000001"))
                    .orElseThrow(() -> new AssertionError("no decision written")));
            assertEquals("ERROR: the coordinator was interrupted", decision.reason());
        }
        await(WAIT, "b to drop what it staged", () -> b.strayFiles().isEmpty());
        assertEquals(List.of("v1"), b.served());
        assertEquals(List.of("v1"), TestDatabases.names(fleet.live("a")));
    }
}
