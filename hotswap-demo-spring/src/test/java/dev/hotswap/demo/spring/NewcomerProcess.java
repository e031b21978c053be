package dev.hotswap.demo.spring;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Test fixture: {@link NewcomerApplication} in its own JVM, started in {@code dir} as a user starts
 * an application in its folder (relative paths resolve there, the admin socket is the default
 * {@code tmp/sockets/hotswap.sock}). Closing it sends SIGTERM, as a service manager does.
 */
final class NewcomerProcess implements AutoCloseable {
    private static final Pattern LISTENING = Pattern.compile("listening on (\\d+)");
    private static final Duration START_LIMIT = Duration.ofSeconds(120);

    final int port;
    private final Process process;

    private NewcomerProcess(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    /** Starts the application with {@code arguments} and returns once it serves. */
    static NewcomerProcess start(Path dir, String... arguments) throws IOException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                // The client compiler only: the test times nothing, and Boot starts sooner.
                "-XX:TieredStopAtLevel=1",
                // The test's own class path: the application, the starter, Boot, Flyway, sqlite-jdbc.
                "-cp", System.getProperty("java.class.path"), NewcomerApplication.class.getName()));
        command.addAll(List.of(arguments));
        ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile())
                .redirectError(dir.resolve("app.stderr").toFile());
        builder.environment().remove("HOTSWAP_SOCKET");
        Process process = builder.start();
        // A start that hangs must fail, not stall the build: past the limit the JVM is killed, its
        // stdout ends, and the loop below says so.
        AtomicBoolean started = new AtomicBoolean();
        CompletableFuture.delayedExecutor(START_LIMIT.toSeconds(), TimeUnit.SECONDS).execute(() -> {
            if (!started.get()) {
                process.destroyForcibly();
            }
        });
        BufferedReader stdout = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        // Boot may print before it serves (a banner); the cue is the line main prints once it does.
        for (String line; (line = stdout.readLine()) != null;) {
            Matcher listening = LISTENING.matcher(line);
            if (listening.matches()) {
                started.set(true);
                return new NewcomerProcess(process, Integer.parseInt(listening.group(1)));
            }
        }
        process.destroyForcibly();
        throw new IOException("the application exited, or did not serve within " + START_LIMIT.toSeconds()
                + " s; its stderr:\n" + Files.readString(dir.resolve("app.stderr")));
    }

    /** Stops the application with SIGTERM; it must exit within 30 s. */
    @Override
    public void close() throws IOException {
        process.toHandle().destroy();
        boolean exited;
        try {
            exited = process.waitFor(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
            throw new java.io.InterruptedIOException("interrupted while stopping the application");
        }
        if (!exited) {
            process.destroyForcibly();
        }
        assertTrue(exited, "the application stops on SIGTERM");
    }
}
