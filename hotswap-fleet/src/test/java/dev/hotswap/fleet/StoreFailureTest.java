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

import dev.hotswap.engine.Rollouts;

import dev.hotswap.testkit.LocalS3;

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
    void engineWithWrongCredentialsForItsFleetDoesNotStart() throws Exception {
        Path live = fleet.prepare("b", ITEMS, "v1");

        FleetException e = assertThrows(FleetException.class, () -> fleet.start("b", live,
                config -> config.credentials(LocalS3.ACCESS_KEY, "not-the-secret")));

        assertEquals(FleetException.Reason.CREDENTIALS, e.reason());
        assertTrue(e.getMessage().endsWith("; check AWS_SECRET_ACCESS_KEY"), e.getMessage());
        assertEquals(List.of("v1"), TestDatabases.names(live));
        fleet.start("b", live, config -> config); // nothing was left taken: the same database starts right
    }

    @Test
    void missingBucketIsNamed() {
        FleetException e = assertThrows(FleetException.class,
                () -> Fleet.connect(TestFleet.config(fleet.s3(), "no-such-bucket", "ci").build()));

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
    void engineStartsUnhealthyWhileTheStoreIsUnreachableAndItsRolloutsFailClearly() throws Exception {
        URI closed = closedPort();
        TestNode b = fleet.start("b", fleet.prepare("b", ITEMS, "v1"), config -> config.endpoint(closed)
                .requestTimeout(Duration.ofSeconds(2)));

        FleetHealth health = b.fleet.health();
        assertFalse(health.healthy());
        assertTrue(health.detail().startsWith("ERROR: cannot reach the store at " + closed + ": Connection refused"),
                health.detail());

        Rollouts.Result result = b.push(fleet.file("v2.sqlite3", ITEMS, "v2"), Rollouts.Nodes.alive(), line -> { });
        assertFalse(result.everyNodeFlipped());
        assertTrue(result.summary().startsWith("ERROR: cannot reach the store at " + closed + ": Connection refused"),
                result.summary());
        assertEquals(List.of("v1"), b.served());
        assertEquals(List.of(), b.strayFiles(), "what the engine staged for the rollout is gone");
        assertEquals(0, b.swaps());
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
