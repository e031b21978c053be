package dev.hotswap.demo;

import static dev.hotswap.demo.DemoFiles.SEED;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hotswap.testkit.Hammer;
import dev.hotswap.testkit.LocalS3;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fleet rollouts as users meet them, end to end: demo servers in their own JVMs joined into a fleet
 * through a real S3-compatible store (S3Proxy on loopback) with {@code --fleet-*}, and the jlink CLI
 * pushing and rolling back with {@code --fleet} through one of them.
 */
@Timeout(240)
class FleetEndToEndIT {
    private static final AtomicInteger BUCKETS = new AtomicInteger();
    /** The credentials and region every demo gets, as an operator would export them. */
    private static final Map<String, String> AWS = Map.of("AWS_ACCESS_KEY_ID", LocalS3.ACCESS_KEY,
            "AWS_SECRET_ACCESS_KEY", LocalS3.SECRET_KEY, "AWS_REGION", "us-east-1");
    private static LocalS3 s3;

    @TempDir
    Path dir;
    private String bucket;

    @BeforeAll
    static void startStore() throws Exception {
        s3 = LocalS3.shared();
    }

    private String newBucket() {
        bucket = "demo-fleet-" + BUCKETS.incrementAndGet();
        s3.createBucket(bucket);
        return bucket;
    }

    /** Starts the demo as fleet node {@code node} in its own folder (created with the seed rows if new). */
    private DemoProcess server(Server server, String node, String... options) throws IOException {
        Files.createDirectories(dir.resolve(node));
        List<String> command = new ArrayList<>(List.of("--fleet-endpoint", s3.endpoint().toString(),
                "--fleet-bucket", bucket, "--fleet-node", node, "--fleet-poll-ms", "200"));
        command.addAll(List.of(options));
        return DemoProcess.start(server, dir.resolve(node), AWS, command.toArray(String[]::new));
    }

    private Path database(String name, List<String> rows) throws IOException, SQLException {
        return DemoFiles.database(dir.resolve(name), rows);
    }

    @Test
    void rolloutsCommitOnEveryServerRollBackAndARestartedServerCatchesUp() throws Exception {
        newBucket();
        Path v2 = database("v2.sqlite3", List.of("v2"));
        Path v3 = database("v3.sqlite3", List.of("v3"));
        Path v4 = database("v4.sqlite3", List.of("v4"));
        try (DemoProcess a = server(Server.JETTY, "a"); DemoProcess b = server(Server.JETTY, "b");
                DemoProcess c = server(Server.JETTY, "c")) {
            List<DemoProcess> servers = List.of(a, b, c);
            // One reader per server while the rollouts run: no request may fail.
            Hammer readers = Hammer.start(servers.size(), Integer.MAX_VALUE, (client, sequence) -> {
                HttpResponse<String> response = servers.get(client).get("/items");
                return response.statusCode() == 200 ? null : "HTTP " + response.statusCode() + " from "
                        + servers.get(client).dir.getFileName() + ": " + response.body();
            });
            Hammer.Tally tally;
            try {
                readers.awaitEveryClient();
                DemoProcess.CliResult push = a.cli("cp", v2.toString(), "production", "--fleet");

                push.assertOk();
                for (String node : List.of("a", "b", "c")) {
                    assertTrue(push.stderr().matches("(?s).*\n" + node + ": flipped, pause \\d+ µs\n.*"), push::stderr);
                }
                assertTrue(push.stderr().endsWith("\nrollout 000001 of production committed: 3 of 3 nodes flipped\n"),
                        push::stderr);
                for (DemoProcess server : servers) {
                    assertEquals(List.of("v2"), server.items());
                    assertEquals(List.of("2 current 000001", "1 kept -"), server.generationsAndRollouts());
                }

                c.cli("cp", v3.toString(), "production", "--fleet", "--min-nodes", "3").assertOk();
                DemoProcess.CliResult back = b.cli("rollback", "production", "--fleet");

                back.assertOk();
                assertTrue(back.stderr().startsWith("rollout 000003 of production: back to rollout 000001\n"), back::stderr);
                for (DemoProcess server : servers) {
                    assertEquals(List.of("v2"), server.items());
                    assertEquals(List.of("2 current 000001", "3 kept 000002"), server.generationsAndRollouts());
                }
            } finally {
                tally = readers.stop();
            }
            assertEquals(List.of(), tally.failures(), "failed requests during the rollouts");
            assertTrue(tally.requests() > 0, "the readers were served");

            c.kill(); // a crash: its registration stays until it times out, so the next push names its nodes
            DemoProcess.CliResult without = a.cli("cp", v4.toString(), "production", "--fleet", "--nodes", "a,b");
            without.assertOk();
            assertTrue(without.stderr().endsWith("\nrollout 000004 of production committed: 2 of 2 nodes flipped\n"),
                    without::stderr);

            try (DemoProcess restarted = server(Server.JETTY, "c")) {
                assertEquals(List.of("v4"), restarted.items(), "c caught up before it served its first request");
                assertEquals("4 current 000004", restarted.generationsAndRollouts().get(0));
                assertTrue(restarted.stderr().contains("catching up"), "c says it caught up");
            }
        }
    }

    @Test
    void serverWithAnotherSchemaOrKilledMidRolloutMeansNoServerFlips() throws Exception {
        newBucket();
        Path other = database("c-initial.sqlite3", SEED);
        DemoFiles.sql(other, "ALTER TABLE items ADD COLUMN price REAL");
        Files.createDirectories(dir.resolve("c/db"));
        Files.move(other, dir.resolve("c/db/production.sqlite3"));
        Path v2 = database("v2.sqlite3", List.of("v2"));
        try (DemoProcess a = server(Server.UNDERTOW, "a", "--fleet-deadline-s", "6");
                DemoProcess b = server(Server.UNDERTOW, "b")) {
            try (DemoProcess c = server(Server.UNDERTOW, "c")) {
                DemoProcess.CliResult refused = a.cli("cp", v2.toString(), "production", "--fleet");

                assertEquals(1, refused.exit(), refused::stderr);
                assertEquals("", refused.out());
                assertTrue(refused.stderr().contains("\nc: ERROR: schema mismatch\n"
                        + "- CREATE TABLE items(id INTEGER PRIMARY KEY, name TEXT, price REAL)\n"
                        + "+ CREATE TABLE items(id INTEGER PRIMARY KEY, name TEXT)\n"), refused::stderr);
                assertTrue(refused.stderr().endsWith("\nERROR: rollout 000001 of production aborted: node c refused;"
                        + " no node flipped\n"), refused::stderr);
                for (DemoProcess server : List.of(a, b, c)) {
                    assertEquals(SEED, server.items());
                    awaitOnlyGenerationOne(server);
                }
            } // c stops: it leaves the fleet

            b.freeze(); // registered and alive by its last heartbeat, but silent from now on
            Process push = a.startCli("cp", v2.toString(), "production", "--fleet");
            BufferedReader output = new BufferedReader(new InputStreamReader(push.getInputStream(),
                    StandardCharsets.UTF_8));
            StringBuilder said = new StringBuilder();
            for (String line; (line = output.readLine()) != null && !line.startsWith("rollout 000002: waiting for");) {
                said.append(line).append('\n');
            }
            b.kill(); // killed mid-rollout, before it could answer
            for (String line; (line = output.readLine()) != null;) {
                said.append(line).append('\n');
            }
            assertTrue(push.waitFor(60, TimeUnit.SECONDS), "the CLI ends at the rollout's deadline");

            assertEquals(1, push.exitValue(), said::toString);
            assertTrue(said.toString().matches("(?s).*\nb: ERROR: no answer by the deadline \\S+\n"
                    + "ERROR: rollout 000002 of production aborted: no answer by the deadline \\S+ from b;"
                    + " no node flipped\n"), said::toString);
            assertEquals(SEED, a.items());
            awaitOnlyGenerationOne(a);
        }
    }

    @Test
    void wrongCredentialsStopAServerAtStartAndAnUnreachableStoreFailsItsRollouts() throws Exception {
        newBucket();
        Files.createDirectories(dir.resolve("wrong"));
        Map<String, String> wrong = Map.of("AWS_ACCESS_KEY_ID", LocalS3.ACCESS_KEY, "AWS_SECRET_ACCESS_KEY", "wrong",
                "AWS_REGION", "us-east-1");
        DemoProcess.Failure refused = DemoProcess.failToStart(Server.JETTY, dir.resolve("wrong"), wrong, "--fleet-endpoint",
                s3.endpoint().toString(), "--fleet-bucket", bucket, "--fleet-node", "wrong");
        assertEquals(1, refused.exit(), refused.stderr());
        // The first line when the server has no file yet: it fails on asking the fleet for its copy.
        assertTrue(("\n" + refused.stderr()).contains("\nERROR: the store at " + s3.endpoint() + " refused the signature of"
                + " access key of the default credential chain (SignatureDoesNotMatch"), refused.stderr());
        assertTrue(refused.stderr().endsWith("; check AWS_SECRET_ACCESS_KEY\n"), refused.stderr());
        assertFalse(Files.exists(dir.resolve("wrong/hotswap.sock")), "no socket");
        assertFalse(Files.exists(dir.resolve("wrong/db")), "no database in place of the fleet's");

        String closed;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closed = "http://127.0.0.1:" + socket.getLocalPort();
        }
        // A server that has its file starts while the store is down (one without could not tell what to serve).
        Files.createDirectories(dir.resolve("alone/db"));
        database("alone/db/production.sqlite3", SEED);
        try (DemoProcess alone = DemoProcess.start(Server.JETTY, dir.resolve("alone"), AWS, "--fleet-endpoint", closed,
                "--fleet-bucket", bucket, "--fleet-node", "alone")) {
            DemoProcess.CliResult push = alone.cli("cp", database("v2.sqlite3", List.of("v2")).toString(), "production",
                    "--fleet");
            assertEquals(1, push.exit(), push.stderr());
            assertTrue(push.stderr().contains("\nERROR: cannot reach the store at " + closed + ": Connection refused"),
                    push.stderr());
            assertEquals(SEED, alone.items());
            awaitOnlyGenerationOne(alone);
        }
    }

    /** Waits (10 s at most) until the server's generation folder holds generation 1 alone: whatever was staged is gone. */
    private static void awaitOnlyGenerationOne(DemoProcess server) throws Exception {
        Path folder = DemoFiles.folder(server.db);
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!DemoFiles.generations(folder).equals(List.of(DemoFiles.generation(folder, 1)))
                || !DemoFiles.leftovers(server.db, folder).isEmpty()) {
            assertTrue(System.nanoTime() < until, "only generation 1 left in " + folder + ": "
                    + DemoFiles.generations(folder) + ", " + DemoFiles.leftovers(server.db, folder));
            Thread.sleep(50);
        }
        assertEquals(List.of("1 current -"), server.generationsAndRollouts());
    }
}
