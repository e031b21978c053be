package dev.hotswap.fleet;

import static dev.hotswap.fleet.TestDatabases.ITEMS;
import static dev.hotswap.fleet.TestFleet.DATABASE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Wrong credentials, an unreachable store, a missing bucket: one clear error each, and nothing flips. */
@Timeout(60)
class StoreFailureTest {
    @RegisterExtension
    final TestFleet fleet = new TestFleet();

    @BeforeEach
    void startNodes() throws Exception {
        fleet.add("a", ITEMS, "v1");
    }

    @Test
    void unknownAccessKeyIsACredentialsError() {
        FleetException e = assertThrows(FleetException.class, () -> Fleet.connect(fleet.config("ci")
                .credentials("nobody", LocalS3.SECRET_KEY).build()));

        assertEquals(FleetException.Reason.CREDENTIALS, e.reason());
        assertTrue(e.getMessage().startsWith("ERROR: the store at " + fleet.s3().endpoint()
                + " does not know the access key \"nobody\" (InvalidAccessKeyId"), e.getMessage());
        assertTrue(e.getMessage().endsWith("; check AWS_ACCESS_KEY_ID"), e.getMessage());
    }

    @Test
    void wrongSecretIsACredentialsErrorAndNothingFlips() throws Exception {
        FleetConfig wrong = fleet.config("ci").credentials(LocalS3.ACCESS_KEY, "not-the-secret").build();

        FleetException e = assertThrows(FleetException.class, () -> Fleet.connect(wrong));

        assertEquals(FleetException.Reason.CREDENTIALS, e.reason());
        assertTrue(e.getMessage().startsWith("ERROR: the store at " + fleet.s3().endpoint()
                + " refused the signature of access key \"hotswap-test\" (SignatureDoesNotMatch"), e.getMessage());
        assertTrue(e.getMessage().endsWith("; check AWS_SECRET_ACCESS_KEY"), e.getMessage());
        assertEquals(List.of("v1"), fleet.served("a"));
        assertEquals(Optional.empty(), fleet.coordinator().servedRollout(DATABASE));
    }

    @Test
    void nodeWithWrongCredentialsDoesNotStart() throws Exception {
        SqliteNodeDatabase database = fleet.database("b", ITEMS, "v1");
        FleetConfig wrong = fleet.config("b").credentials(LocalS3.ACCESS_KEY, "not-the-secret").build();

        FleetException e = assertThrows(FleetException.class, () -> FleetNode.start(wrong, List.of(database)));

        assertEquals(FleetException.Reason.CREDENTIALS, e.reason());
        assertEquals(List.of("v1"), TestDatabases.names(database.live()));
    }

    @Test
    void missingBucketIsNamed() {
        FleetException e = assertThrows(FleetException.class, () -> Fleet.connect(fleet.s3()
                .config("no-such-bucket", "ci").build()));

        assertEquals(FleetException.Reason.NO_BUCKET, e.reason());
        assertEquals("ERROR: bucket \"no-such-bucket\" does not exist at " + fleet.s3().endpoint(), e.getMessage());
    }

    @Test
    void unreachableStoreIsNamedWithItsEndpoint() throws Exception {
        URI closed = closedPort();

        FleetException e = assertThrows(FleetException.class, () -> Fleet.connect(fleet.config("ci")
                .endpoint(closed).build()));

        assertEquals(FleetException.Reason.UNREACHABLE, e.reason());
        assertTrue(e.getMessage().startsWith("ERROR: cannot reach the store at " + closed + ": Connection refused"),
                e.getMessage());
    }

    @Test
    void nodeStartsUnhealthyWhileTheStoreIsUnreachable() throws Exception {
        SqliteNodeDatabase database = fleet.database("b", ITEMS, "v1");
        URI closed = closedPort();

        try (FleetNode node = FleetNode.start(fleet.config("b").endpoint(closed)
                .requestTimeout(Duration.ofSeconds(2)).build(), List.of(database))) {
            FleetHealth health = node.health();
            assertFalse(health.healthy());
            assertTrue(health.detail().startsWith("ERROR: cannot reach the store at " + closed + ": Connection refused"),
                    health.detail());
        }
        assertEquals(List.of("v1"), TestDatabases.names(database.live()));
    }

    @Test
    void fileThatIsNotSqliteFailsBeforeAnythingIsUploaded() throws Exception {
        Path garbage = Files.write(fleet.dir().resolve("garbage.sqlite3"), new byte[8192]);

        FleetException e = assertThrows(FleetException.class,
                () -> fleet.coordinator().rollout(DATABASE, garbage, Expected.aliveNodes()));

        assertEquals(FleetException.Reason.INVALID, e.reason());
        assertEquals("ERROR: " + garbage + " is not a SQLite database (no \"SQLite format 3\" header)", e.getMessage());
        assertEquals(Optional.empty(), fleet.coordinator().servedRollout(DATABASE));
    }

    /** An endpoint where nothing listens: a port the system gave out, then closed. */
    private static URI closedPort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return URI.create("http://127.0.0.1:" + socket.getLocalPort());
        }
    }
}
