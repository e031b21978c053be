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
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    private DemoProcess(Path dir, Path db, Path socket, Process process, int port) {
        this.dir = dir;
        this.db = db;
        this.socket = socket;
        this.process = process;
        this.port = port;
    }

    /**
     * Starts the demo on {@code server} with its database at {@code dir/db/production.sqlite3},
     * with {@code options} added to its command line.
     */
    static DemoProcess start(String server, Path dir, String... options) throws IOException {
        Path db = dir.resolve("db/production.sqlite3");
        Path socket = dir.resolve("hotswap.sock");
        Path target = ROOT.resolve("hotswap-demo/target");
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dslf4j.internal.verbosity=ERROR",
                // The class path, as bin/hotswap-demo runs it (it says why).
                "-cp", target.resolve("hotswap-demo-0.1.0-SNAPSHOT.jar") + ":" + target.resolve("lib") + "/*",
                "dev.hotswap.demo.DemoApp",
                "--server", server, "--port", "0", "--db", db.toString(), "--socket", socket.toString()));
        command.addAll(List.of(options));
        Process process = new ProcessBuilder(command).directory(dir.toFile())
                .redirectError(dir.resolve("demo.stderr").toFile()).start();
        BufferedReader stdout = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        String line = stdout.readLine();
        Matcher listening = line == null ? null : LISTENING.matcher(line);
        if (listening == null || !listening.matches()) {
            process.destroyForcibly();
            throw new IOException("demo did not start: " + line + "\n" + Files.readString(dir.resolve("demo.stderr")));
        }
        assertTrue(Files.exists(socket), "the admin socket is ready before the listening line");
        return new DemoProcess(dir, db, socket, process, Integer.parseInt(listening.group(1)));
    }

    /** Starts the jlink CLI with {@code --socket} and {@code args}; the caller feeds and reaps it. */
    Process startCli(String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(CLI.toString(), args[0], "--socket", socket.toString()));
        command.addAll(List.of(args).subList(1, args.length));
        return new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
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

    /** Stops the demo with SIGTERM: it must exit and remove its socket file. */
    @Override
    public void close() throws IOException {
        if (!process.isAlive() && process.exitValue() == 137) {
            return; // killed on purpose; its stale socket is the next start's to replace
        }
        process.destroy();
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
