package dev.hotswap.demo.spring;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The newcomer's path of issue 19, end to end: a Boot application on the starter with Flyway
 * ({@code V1__init.sql}, {@code V2__add_item_price.sql}) and a SQL check in its properties starts with
 * no database file; then the real jlink CLI, in the application's folder, dry-runs a good file, is
 * refused a file failing the check and a file built by older code (only V1), pushes the good file and
 * rolls it back, while the application serves the rows over HTTP; its next run serves what was live.
 * The candidates are built by Flyway itself, from the same migrations, as the newcomer's CI would.
 */
@Timeout(180)
class SpringNewcomerIT {
    private static final Path ROOT = Path.of(System.getProperty("hotswap.root", "..")).toAbsolutePath().normalize();
    private static final Path CLI = ROOT.resolve("hotswap-cli/target/hotswap/bin/hotswap");
    private static final String CHECK = "SELECT count(*) > 0 FROM items";

    @TempDir
    Path dir;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    @Test
    void firstRunMigratesThenDryRunRefusalsPushAndRollbackWorkThroughTheCli() throws Exception {
        assertTrue(Files.isExecutable(CLI), "the jlink CLI is built first in the reactor: " + CLI);
        Path live = dir.resolve("db/production.sqlite3");
        Path socket = dir.resolve("tmp/sockets/hotswap.sock");
        candidate("good.sqlite3", "2", List.of("kiwi", "lime"));
        candidate("empty.sqlite3", "2", List.of());
        candidate("stale.sqlite3", "1", List.of("old"));
        assertFalse(Files.exists(live.getParent()), "no database file, nor its folder, at the first run");

        // The properties, the path relative to the application's folder; the socket is the default.
        String[] arguments = {"--server.port=0", "--server.address=127.0.0.1",
                "--hotswap.databases.production.path=db/production.sqlite3",
                "--hotswap.databases.production.checks.items-not-empty=" + CHECK};
        List<String> afterRollback;
        try (NewcomerProcess app = NewcomerProcess.start(dir, arguments)) {
            int port = app.port;
            assertTrue(Files.exists(socket), "the admin socket at its default place");
            assertTrue(Files.isRegularFile(live.toRealPath()), "the engine created the file");
            assertEquals(List.of("1", "2"), values(live, "SELECT version FROM flyway_schema_history"
                    + " WHERE success = 1 ORDER BY installed_rank"), "Flyway migrated generation 1");
            assertEquals(201, post(port, "/items", "written on generation 1").statusCode());
            assertEquals("[\"written on generation 1\"]", get(port, "/items"));
            assertEquals(List.of("1 current"), generations());

            CliResult dryRun = cli("cp", "good.sqlite3", "production", "--dry-run");
            dryRun.assertOk();
            assertTrue(dryRun.stderr().contains("\nlatest Flyway migration: new 2 (add item price), live 2 (add item"
                    + " price)\n"), dryRun.stderr());
            assertTrue(dryRun.stderr().contains("\ncheck items-not-empty "), dryRun.stderr());
            assertEquals(List.of("1 current"), generations(), "a dry run makes no generation");

            byte[] before = sha256(live);
            CliResult refused = cli("cp", "empty.sqlite3", "production");
            assertEquals(1, refused.exit(), refused.stderr());
            assertTrue(refused.stderr().endsWith("ERROR: check items-not-empty refused: " + CHECK + " returned 0\n"),
                    refused.stderr());
            assertArrayEquals(before, sha256(live), "the live file byte for byte");

            CliResult older = cli("cp", "stale.sqlite3", "production");
            assertEquals(1, older.exit(), older.stderr());
            assertTrue(older.stderr().endsWith("ERROR: the new database was built by older code: its latest Flyway"
                    + " migration is 1 (init), the live database's is 2 (add item price) (--skip-schema-check pushes"
                    + " it anyway)\n"), older.stderr());
            assertArrayEquals(before, sha256(live), "the live file byte for byte");
            assertEquals(List.of("1 current"), generations(), "no refusal makes a generation");
            assertEquals("[\"written on generation 1\"]", get(port, "/items"));

            // As the README types it: the live path, relative to where the CLI runs.
            cli("cp", "good.sqlite3", "db/production.sqlite3").assertOk();
            assertEquals("[\"kiwi\",\"lime\"]", get(port, "/items"));
            assertEquals(List.of("2 current", "1 kept"), generations());

            cli("rollback", "production").assertOk();
            assertEquals("[\"written on generation 1\"]", get(port, "/items"));
            afterRollback = generations();
            assertEquals("1 current", afterRollback.get(0));
        }
        assertFalse(Files.exists(socket), "the socket file is removed when the application stops");

        try (NewcomerProcess app = NewcomerProcess.start(dir, arguments)) {
            assertEquals("[\"written on generation 1\"]", get(app.port, "/items"), "the next run serves what was live");
            assertEquals(afterRollback, generations(), "the next run keeps the generations");
            assertEquals(List.of("1", "2"), values(live, "SELECT version FROM flyway_schema_history"
                    + " WHERE success = 1 ORDER BY installed_rank"), "nothing migrated again");
        }
    }

    /** A file as the newcomer's CI builds it: Flyway's migrations up to {@code version}, then {@code names}. */
    private void candidate(String name, String version, List<String> names) throws SQLException {
        Path file = dir.resolve(name);
        String url = "jdbc:sqlite:" + file;
        Flyway.configure().dataSource(url, null, null).target(version).load().migrate();
        try (Connection connection = DriverManager.getConnection(url);
                PreparedStatement insert = connection.prepareStatement("INSERT INTO items (name) VALUES (?)")) {
            for (String item : names) {
                insert.setString(1, item);
                insert.executeUpdate();
            }
        }
    }

    /** The first column of every row of {@code query} on {@code db}, read-only. */
    private static List<String> values(Path db, String query) throws SQLException {
        try (Connection connection = DriverManager.getConnection("jdbc:sqlite:file:" + db + "?mode=ro");
                ResultSet rows = connection.createStatement().executeQuery(query)) {
            List<String> values = new ArrayList<>();
            while (rows.next()) {
                values.add(rows.getString(1));
            }
            return values;
        }
    }

    private static byte[] sha256(Path file) throws IOException, NoSuchAlgorithmException {
        return MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file));
    }

    /** The body of {@code GET path}; anything but 200 fails. */
    private String get(int port, String path) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), response::body);
        return response.body();
    }

    private HttpResponse<String> post(int port, String path, String body) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(30)).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** The generations {@code hotswap ls} lists, as {@code "<id> <state>"}, in its order. */
    private List<String> generations() throws IOException, InterruptedException {
        CliResult ls = cli("ls");
        assertEquals(0, ls.exit(), ls.stderr());
        return ls.out().lines().skip(1).map(line -> line.split(" +", 11)).map(fields -> fields[1] + " " + fields[2])
                .toList();
    }

    /** Runs the jlink CLI in the application's folder, as its user would: the default socket, relative paths. */
    private CliResult cli(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(CLI.toString()));
        command.addAll(List.of(args));
        Path out = Files.createTempFile(dir, "cli", ".out");
        Path err = Files.createTempFile(dir, "cli", ".err");
        ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile());
        builder.environment().remove("HOTSWAP_SOCKET");
        Process cli = builder.redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (!cli.waitFor(60, TimeUnit.SECONDS)) {
            cli.destroyForcibly();
            throw new AssertionError("the CLI did not finish within 60 s: " + command);
        }
        CliResult result = new CliResult(cli.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                Files.readString(err, StandardCharsets.UTF_8));
        Files.delete(out);
        Files.delete(err);
        return result;
    }

    /** What one CLI run did. */
    private record CliResult(int exit, String out, String stderr) {
        void assertOk() {
            assertEquals(0, exit, () -> "exit code; stderr:\n" + stderr);
            assertEquals("OK\n", out);
        }
    }
}
