package dev.hotswap.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hotswap.testkit.LocalS3;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A new server joins a running fleet with an empty disk, end to end: three demo servers in their own
 * JVMs in a fleet on a real S3-compatible store (S3Proxy on loopback), a rollout through the jlink
 * CLI, then a fourth demo started with no database file, read over HTTP.
 */
@Timeout(240)
class FleetJoinEndToEndIT {
    /** The credentials and region every demo gets, as an operator would export them. */
    private static final Map<String, String> AWS = Map.of("AWS_ACCESS_KEY_ID", LocalS3.ACCESS_KEY,
            "AWS_SECRET_ACCESS_KEY", LocalS3.SECRET_KEY, "AWS_REGION", "us-east-1");

    @TempDir
    Path dir;

    /** Starts the demo as fleet node {@code node} of {@code bucket} in its own folder, with no database file in it. */
    private DemoProcess server(Server server, String bucket, String node) throws Exception {
        Files.createDirectories(dir.resolve(node));
        List<String> command = new ArrayList<>(List.of("--fleet-endpoint", LocalS3.shared().endpoint().toString(),
                "--fleet-bucket", bucket, "--fleet-node", node, "--fleet-poll-ms", "200"));
        return DemoProcess.start(server, dir.resolve(node), AWS, command.toArray(String[]::new));
    }

    @Test
    void fourthServerWithNoFileServesTheFleetsDataFromItsFirstRequestAndTakesPartInTheNextRollout() throws Exception {
        String bucket = "demo-fleet-join";
        LocalS3.shared().createBucket(bucket);
        Path v2 = DemoFiles.database(dir.resolve("v2.sqlite3"), List.of("v2"));
        Path v3 = DemoFiles.database(dir.resolve("v3.sqlite3"), List.of("v3"));
        try (DemoProcess a = server(Server.JETTY, bucket, "a"); DemoProcess b = server(Server.JETTY, bucket, "b");
                DemoProcess c = server(Server.JETTY, bucket, "c")) {
            a.cli("cp", v2.toString(), "production", "--fleet").assertOk();
            Path live = dir.resolve("d/db/production.sqlite3");
            assertFalse(Files.exists(live, LinkOption.NOFOLLOW_LINKS), "d starts with an empty disk");

            try (DemoProcess d = server(Server.UNDERTOW, bucket, "d")) {
                assertEquals(List.of("v2"), d.items(), "d's first request reads the fleet's data");
                assertEquals(List.of("1 current 000001"), d.generationsAndRollouts(),
                        "the fetched file is generation 1, from rollout 000001");
                String log = d.stderr();
                assertTrue(log.contains("did not exist; fetched rollout 000001 from the fleet there"), log);

                DemoProcess.CliResult next = d.cli("cp", v3.toString(), "production", "--fleet", "--min-nodes", "4");

                next.assertOk();
                assertTrue(next.stderr().endsWith("\nrollout 000002 of production committed: 4 of 4 nodes flipped\n"),
                        next::stderr);
                for (DemoProcess server : List.of(a, b, c, d)) {
                    assertEquals(List.of("v3"), server.items());
                }
            }
        }
    }
}
