package dev.hotswap.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Test fixture: the real demo app in its own JVM, started as {@code bin/hotswap-demo} starts it, and
 * the real jlink CLI next to it. Closing it sends SIGTERM and checks the clean stop.
 */
final class DemoProcess implements AutoCloseable {
    static final Path ROOT = Path.of(System.getProperty("hotswap.root", "..")).toAbsolutePath().normalize();
    static final Path CLI = ROOT.resolve("hotswap-cli/target/hotswap/bin/hotswap");
    private static final Pattern LISTENING = Pattern.compile("listening on http://127\\.0\\.0\\.1:(\\d+)");

    final Path dir;
    final Path db;
    final Path socket;
    final int port;
    private final Process process;
    private final BufferedReader stdout;
    private String stopOutput;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    private DemoProcess(Path dir, Path db, Path socket, Process process, BufferedReader stdout, int port) {
        this.dir = dir;
        this.db = db;
        this.socket = socket;
        this.process = process;
        this.stdout = stdout;
        this.port = port;
    }

    /**
     * Starts the demo on {@code server} with its database at {@code dir/db/production.sqlite3},
     * with {@code options} added to its command line.
     */
    static DemoProcess start(Server server, Path dir, String... options) throws IOException {
        return start(server, dir, Map.of(), options);
    }

    /** Starts the demo as {@link #start(Server, Path, String...)} does, with {@code environment} added to its own. */
    static DemoProcess start(Server server, Path dir, Map<String, String> environment, String... options)
            throws IOException {
        Path db = dir.resolve("db/production.sqlite3");
        Path socket = dir.resolve("hotswap.sock");
        ProcessBuilder builder = new ProcessBuilder(command(server.option(), db, socket, options)).directory(dir.toFile())
                .redirectError(dir.resolve("demo.stderr").toFile());
        builder.environment().put("JAVA_OPTS", "-XX:TieredStopAtLevel=1"); // Quarkus's JVM: as command()'s
        builder.environment().putAll(environment);
        Process process = builder.start();
        BufferedReader stdout = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        String line = stdout.readLine();
        Matcher listening = line == null ? null : LISTENING.matcher(line);
        if (listening == null || !listening.matches()) {
            process.destroyForcibly();
            throw new IOException("demo did not start: " + line + "\n" + Files.readString(dir.resolve("demo.stderr")));
        }
        assertTrue(Files.exists(socket), "the admin socket is ready before the listening line");
        return new DemoProcess(dir, db, socket, process, stdout, Integer.parseInt(listening.group(1)));
    }

    /** What a demo that could not start left: its exit code and what it said on stderr. */
    record Failure(int exit, String stderr) {
    }

    /**
     * Starts the demo as {@link #start} does, expecting it to refuse: it must exit within 30 s
     * without printing its listening line.
     */
    static Failure failToStart(Server server, Path dir, String... options) throws IOException, InterruptedException {
        return failToStart(server, dir, Map.of(), options);
    }

    /** {@link #failToStart(Server, Path, String...)} with {@code environment} added to the demo's own. */
    static Failure failToStart(Server server, Path dir, Map<String, String> environment, String... options)
            throws IOException, InterruptedException {
        Path stdout = dir.resolve("demo.stdout");
        Path stderr = dir.resolve("demo.stderr");
        ProcessBuilder builder = new ProcessBuilder(command(server.option(), dir.resolve("db/production.sqlite3"),
                dir.resolve("hotswap.sock"), options)).directory(dir.toFile())
                .redirectOutput(stdout.toFile()).redirectError(stderr.toFile());
        builder.environment().put("JAVA_OPTS", "-XX:TieredStopAtLevel=1");
        builder.environment().putAll(environment);
        Process process = builder.start();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("the demo did not exit within 30 s; stdout: " + Files.readString(stdout));
        }
        assertEquals("", Files.readString(stdout), "a demo that cannot start prints no listening line");
        return new Failure(process.exitValue(), Files.readString(stderr));
    }

    private static List<String> command(String server, Path db, Path socket, String... options) {
        if (server.equals(Server.QUARKUS.option())) {
            // Quarkus starts from its own fast-jar, not the demo's class path: as bin/hotswap-demo runs it.
            List<String> command = new ArrayList<>(List.of(ROOT.resolve("bin/hotswap-demo").toString(),
                    "--server", server, "--port", "0", "--db", db.toString(), "--socket", socket.toString()));
            command.addAll(List.of(options));
            return command;
        }
        Path target = ROOT.resolve("hotswap-demo/target");
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                // The client compiler only: these tests start the demo a few hundred times and time
                // nothing, and it starts in 60 % of the time (Spring Boot: 1.5 s rather than 2.4 s).
                "-XX:TieredStopAtLevel=1",
                "-Dslf4j.internal.verbosity=ERROR",
                // The class path, as bin/hotswap-demo runs it (it says why).
                "-cp", target.resolve("hotswap-demo-0.1.0-SNAPSHOT.jar") + ":" + target.resolve("lib") + "/*",
                "dev.hotswap.demo.DemoApp",
                "--server", server, "--port", "0", "--db", db.toString(), "--socket", socket.toString()));
        command.addAll(List.of(options));
        return command;
    }

    /** What the demo has written to stderr so far (the engine's log, the app's warnings). */
    String stderr() throws IOException {
        return Files.readString(dir.resolve("demo.stderr"));
    }

    /** Starts the jlink CLI with {@code --socket} and {@code args}; the caller feeds and reaps it. */
    Process startCli(String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(CLI.toString(), args[0], "--socket", socket.toString()));
        command.addAll(List.of(args).subList(1, args.length));
        return new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
    }

    /** Stops the demo with SIGSTOP: it keeps its sockets and its fleet registration but does nothing. */
    void freeze() throws IOException, InterruptedException {
        Process stop = new ProcessBuilder("kill", "-STOP", Long.toString(process.pid())).start();
        assertTrue(stop.waitFor(10, TimeUnit.SECONDS) && stop.exitValue() == 0, "kill -STOP " + process.pid());
    }

    /** Kills the demo with SIGKILL, as a crash would: no shutdown hook runs. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        assertTrue(process.waitFor(30, TimeUnit.SECONDS), "demo dies on SIGKILL");
    }

    /** Runs the jlink CLI with {@code --socket} and {@code args}, feeding it {@code stdin}. */
    CliResult cli(byte[] stdin, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(CLI.toString(), args[0], "--socket", socket.toString()));
        command.addAll(List.of(args).subList(1, args.length));
        Path out = Files.createTempFile(dir, "cli", ".out");
        Path err = Files.createTempFile(dir, "cli", ".err");
        Process cli = new ProcessBuilder(command).directory(dir.toFile())
                .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        try (var in = cli.getOutputStream()) {
            in.write(stdin);
        } catch (IOException closedEarly) {
            // the CLI need not read stdin (a pull); what it printed says the rest
        }
        assertTrue(cli.waitFor(60, TimeUnit.SECONDS), "CLI finished");
        CliResult result = new CliResult(cli.exitValue(), Files.readAllBytes(out), Files.readString(err));
        Files.delete(out);
        Files.delete(err);
        return result;
    }

    CliResult cli(String... args) throws IOException, InterruptedException {
        return cli(new byte[0], args);
    }

    HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> post(String path, String body) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(30)).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /**
     * The names {@code GET /items} answers now, in order; anything but 200 fails. (The demo's names
     * in these tests hold no quotes or backslashes, so the JSON array splits on its separators.)
     */
    List<String> items() throws IOException, InterruptedException {
        HttpResponse<String> response = get("/items");
        assertEquals(200, response.statusCode(), response::body);
        String json = response.body();
        assertTrue(json.startsWith("[") && json.endsWith("]"), json);
        if (json.equals("[]")) {
            return List.of();
        }
        String inner = json.substring(2, json.length() - 2);
        return List.of(inner.split("\",\"", -1));
    }

    /** The generations {@code hotswap ls} lists for the demo's database, as {@code "<id> <state>"}, in its order. */
    List<String> generations() throws IOException, InterruptedException {
        CliResult ls = cli("ls");
        assertEquals(0, ls.exit(), ls.stderr());
        List<String> lines = ls.out().lines().toList();
        assertTrue(lines.get(0).startsWith("NAME "), ls.out());
        return lines.stream().skip(1).map(line -> line.split(" +", 11)).map(fields -> fields[1] + " " + fields[2])
                .toList();
    }

    /**
     * {@link #generations()} once none is listed as retiring: the engine deletes a generation beyond
     * the keep count on its background thread, after the push that made it surplus has returned.
     */
    List<String> generationsOnceRetired() throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        List<String> listed = generations();
        while (listed.stream().anyMatch(line -> line.endsWith(" retiring"))) {
            assertTrue(System.nanoTime() < deadline, "a generation still retiring after 10 s: " + listed);
            Thread.sleep(20);
            listed = generations();
        }
        return listed;
    }

    /**
     * The generations {@code hotswap ls} lists, as {@code "<id> <state> <rollout>"} in its order
     * ({@code -} for a generation no fleet rollout brought).
     */
    List<String> generationsAndRollouts() throws IOException, InterruptedException {
        CliResult ls = cli("ls");
        assertEquals(0, ls.exit(), ls.stderr());
        return ls.out().lines().skip(1).map(line -> line.split(" +", 11))
                .map(fields -> fields[1] + " " + fields[2] + " " + fields[9]).toList();
    }

    /** Stops the demo with SIGTERM: it must exit and remove its socket file. */
    @Override
    public void close() throws IOException {
        if (!process.isAlive() && process.exitValue() == 137) {
            return; // killed on purpose; its stale socket is the next start's to replace
        }
        process.toHandle().destroy(); // SIGTERM; Process.destroy() would also close our end of its stdout
        boolean exited;
        try {
            exited = process.waitFor(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
            throw new java.io.InterruptedIOException("interrupted while stopping the demo");
        }
        if (!exited) {
            process.destroyForcibly();
        }
        assertTrue(exited, "demo stops on SIGTERM");
        assertFalse(Files.exists(socket), "socket file removed on stop");
        StringBuilder rest = new StringBuilder();
        for (String line; (line = stdout.readLine()) != null;) {
            rest.append(line).append('\n');
        }
        stopOutput = rest.toString();
        assertTrue(stopOutput.startsWith("stopped"), () -> "the demo says it stopped: " + stopOutput);
    }

    /** What the demo printed on stdout after its listening line, once {@link #close()} stopped it. */
    String stopOutput() {
        assertTrue(stopOutput != null, "the demo was stopped with close()");
        return stopOutput;
    }

    /** What one CLI run did. */
    record CliResult(int exit, byte[] stdout, String stderr) {
        String out() {
            return new String(stdout, StandardCharsets.UTF_8);
        }

        void assertOk() {
            assertEquals(0, exit, () -> "exit code; stderr:\n" + stderr);
            assertEquals("OK\n", out());
        }
    }
}
