package dev.hotswap.fleet;

import static dev.hotswap.fleet.TestDatabases.ITEMS;
import static dev.hotswap.fleet.TestFleet.DATABASE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

import dev.hotswap.engine.HotswapBuilder;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A new server joins a fleet with an empty disk: its engine takes the fleet's copy of the database
 * before it opens it, or, when the fleet committed nothing yet, follows {@code createIfMissing}.
 */
@Timeout(120)
class FleetJoinTest {

    @RegisterExtension
    final TestFleet fleet = new TestFleet();

    @Test
    void serverWithNoFileServesTheCommittedRolloutFromItsFirstRequest() throws Exception {
        fleet.add("a", ITEMS, "v1");
        fleet.add("b", ITEMS, "v1");
        RolloutResult v2 = fleet.coordinator().rollout(DATABASE, fleet.file("v2.sqlite3", ITEMS, "v2"),
                Expected.aliveNodes());
        assertTrue(v2.everyNodeFlipped(), () -> "not every node flipped: " + v2);

        TestNode fresh = fleet.join("new", UnaryOperator.identity());

        assertEquals(List.of("v2"), fresh.served(), "the first request reads the fleet's data");
        assertEquals(new FleetHealth(true, "in sync"), fresh.fleet.health());
        assertEquals(0, fresh.swaps(), "served from the start, not flipped to after it");
        assertEquals(1, fresh.status().current().id(), "the fetched file is generation 1");
        assertEquals(Optional.of(v2.rolloutId()), fresh.currentRollout(), "generation 1 records its rollout");
        assertEquals(List.of(), fresh.strayFiles(), "no temp file left beside the generations");
        Path file = fresh.live.toRealPath();
        assertEquals(List.of("v2"), TestDatabases.names(file));
        if (Files.getFileStore(file).supportsFileAttributeView("posix")) {
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        }
    }

    @Test
    void serverWithNoFileServesTheTargetOfACommittedRollback() throws Exception {
        fleet.add("a", ITEMS, "v1");
        Fleet coordinator = fleet.coordinator();
        RolloutResult v2 = coordinator.rollout(DATABASE, fleet.file("v2.sqlite3", ITEMS, "v2"), Expected.aliveNodes());
        RolloutResult v3 = coordinator.rollout(DATABASE, fleet.file("v3.sqlite3", ITEMS, "v3"), Expected.aliveNodes());
        assertTrue(v3.everyNodeFlipped(), () -> "not every node flipped: " + v3);
        RolloutResult back = coordinator.rollback(DATABASE, Optional.empty(), Expected.aliveNodes());
        assertTrue(back.everyNodeFlipped(), () -> "the rollback did not flip every node: " + back);

        TestNode fresh = fleet.join("new", UnaryOperator.identity());

        assertEquals(List.of("v2"), fresh.served());
        assertEquals(Optional.of(v2.rolloutId()), fresh.currentRollout());
        assertEquals(new FleetHealth(true, "in sync"), fresh.fleet.health());
    }

    @Test
    void withNoCommittedRolloutAndCreateIfMissingAServerStartsEmpty() throws Exception {
        fleet.add("a", ITEMS, "v1");

        TestNode fresh = fleet.join("new", engine -> engine.createIfMissing(true));

        try (Connection connection = fresh.engine.dataSource(DATABASE).getConnection();
                Statement statement = connection.createStatement();
                ResultSet tables = statement.executeQuery("SELECT count(*) FROM sqlite_master")) {
            assertTrue(tables.next());
            assertEquals(0, tables.getInt(1), "an empty database, for the app's migrations");
        }
        assertEquals(Optional.empty(), fresh.currentRollout());
        assertEquals(new FleetHealth(true, "in sync"), fresh.fleet.health());
    }

    @Test
    void withNoCommittedRolloutAndNoCreateIfMissingTheStartFailsAndCreatesNothing() throws Exception {
        fleet.add("a", ITEMS, "v1");
        Path live = fleet.live("new");

        IOException e = assertThrows(IOException.class, () -> fleet.join("new", UnaryOperator.identity()));

        assertEquals("database production: " + live + " does not exist", e.getMessage());
        assertFalse(Files.exists(live.getParent(), LinkOption.NOFOLLOW_LINKS), "nothing created");
    }

    @Test
    void withTheStoreUnreachableAServerWithNoFileFailsToStartEvenWithCreateIfMissing() throws Exception {
        URI closed;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closed = URI.create("http://127.0.0.1:" + socket.getLocalPort());
        }
        Path live = fleet.live("new");
        FleetConfig config = TestFleet.config(closed, fleet.bucket(), "new").requestTimeout(Duration.ofSeconds(2)).build();

        IOException e = assertThrows(IOException.class, () -> TestNode.start("new", live, config, TestFleet.KEEP,
                engine -> engine.createIfMissing(true)));

        assertTrue(e.getMessage().startsWith("ERROR: cannot fetch the fleet's copy of database production, which this"
                + " server lacks: cannot reach the store at " + closed), e.getMessage());
        assertFalse(Files.exists(live.getParent(), LinkOption.NOFOLLOW_LINKS),
                "no empty database in place of the fleet's data");
    }

    @Test
    void fetchedCopyThatIsNotTheRolloutsFileFailsTheStartAndLeavesNothing() throws Exception {
        fleet.add("a", ITEMS, "v1");
        RolloutResult v2 = fleet.coordinator().rollout(DATABASE, fleet.file("v2.sqlite3", ITEMS, "v2"),
                Expected.aliveNodes());
        assertTrue(v2.everyNodeFlipped(), () -> "not every node flipped: " + v2);
        String key = new Layout("hotswap").file(DATABASE, v2.rolloutId());
        try (ObjectStore store = new ObjectStore(fleet.config("test").build())) {
            byte[] file = store.get(key).orElseThrow();
            store.put(key, Arrays.copyOf(file, file.length / 2)); // cut in the store, as a failed copy would be
        }
        Path live = fleet.live("new");

        IOException e = assertThrows(IOException.class, () -> fleet.join("new", UnaryOperator.identity()));

        assertTrue(e.getMessage().contains(key), e.getMessage());
        assertFalse(Files.exists(live, LinkOption.NOFOLLOW_LINKS), "no half file at the live path");
        try (Stream<Path> left = Files.list(live.getParent())) {
            assertEquals(List.of(), left.toList(), "no temp file left either");
        }
    }

    @Test
    void copyThatDoesNotFitAboveTheDiskReserveFailsTheStartAndLeavesNothing() throws Exception {
        fleet.add("a", ITEMS, "v1");
        RolloutResult v2 = fleet.coordinator().rollout(DATABASE, fleet.file("v2.sqlite3", ITEMS, "v2"),
                Expected.aliveNodes());
        assertTrue(v2.everyNodeFlipped(), () -> "not every node flipped: " + v2);
        Path live = fleet.live("new");
        // More than any disk has: no copy fits above it, however the free space moves meanwhile.
        UnaryOperator<HotswapBuilder> reserveAboveAnyDisk = engine -> engine.diskReserve(Long.MAX_VALUE / 2);

        IOException e = assertThrows(IOException.class, () -> fleet.join("new", reserveAboveAnyDisk));

        assertTrue(e.getMessage().startsWith("no room for the fleet's copy of database production (rollout "
                + v2.rolloutId() + ")"), e.getMessage());
        assertFalse(Files.exists(live, LinkOption.NOFOLLOW_LINKS), "nothing at the live path");
    }
}
