package dev.hotswap.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The wrapper scripts shipped in the image's {@code bin/} for transports that do not take
 * {@code RSH HOST COMMAND...} as it is ({@code docs/deploy.md}), run by {@code sh} against a
 * stand-in {@code kubectl} or {@code fly} that records the words it got and echoes stdin: what they
 * hand the real tool, and that the bytes of a transfer pass through untouched.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class TransportWrappersTest {
    private static final Path SCRIPTS = Path.of("src/main/dist/bin");

    @TempDir
    Path dir;

    /** What the stand-in tool saw. */
    private record Run(int code, List<String> words, byte[] stdout, String stderr) {
    }

    private Run run(String tool, byte[] stdin, String... command) throws Exception {
        Path bin = Files.createDirectories(dir.resolve("bin"));
        Path standIn = bin.resolve(tool);
        Files.writeString(standIn, "#!/bin/sh\nfor word in \"$@\"; do printf '%s\\0' \"$word\"; done > \"$WORDS\"\nexec cat\n");
        Files.setPosixFilePermissions(standIn, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path words = dir.resolve("words");
        List<String> line = new ArrayList<>(List.of("sh", SCRIPTS.resolve(command[0]).toString()));
        line.addAll(List.of(command).subList(1, command.length));
        ProcessBuilder builder = new ProcessBuilder(line);
        builder.environment().put("PATH", bin + ":" + System.getenv("PATH"));
        builder.environment().put("WORDS", words.toString());
        Process process = builder.start();
        CompletableFuture<byte[]> stdout = CompletableFuture.supplyAsync(() -> readAll(process.getInputStream()));
        CompletableFuture<byte[]> stderr = CompletableFuture.supplyAsync(() -> readAll(process.getErrorStream()));
        try (OutputStream in = process.getOutputStream()) {
            in.write(stdin);
        }
        assertTrue(process.waitFor(20, TimeUnit.SECONDS), "the wrapper did not finish within 20 s");
        List<String> seen = Files.exists(words)
                ? List.of(Files.readString(words, StandardCharsets.UTF_8).split("\0", -1)) : List.of();
        seen = seen.isEmpty() ? seen : seen.subList(0, seen.size() - 1); // after the last NUL
        return new Run(process.exitValue(), seen, stdout.get(), new String(stderr.get(), StandardCharsets.UTF_8));
    }

    private static byte[] readAll(java.io.InputStream in) {
        try {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static byte[] someBytes() {
        byte[] bytes = new byte[300_000];
        new Random(7).nextBytes(bytes);
        return bytes;
    }

    @Test
    void kubectlWrapperPutsTheCommandAfterADoubleDashAndItsOptionsBeforeThePod() throws Exception {
        byte[] upload = someBytes();
        Run run = run("kubectl", upload, "hotswap-kubectl", "-n", "shop", "-c", "app", "--context=prod",
                "pod/web-0", "hotswap", "relay", "--", "/app/db/production.sqlite3");
        assertEquals(0, run.code(), run.stderr());
        assertEquals(List.of("exec", "-i", "-n", "shop", "-c", "app", "--context=prod", "pod/web-0", "--",
                "hotswap", "relay", "--", "/app/db/production.sqlite3"), run.words());
        assertArrayEquals(upload, run.stdout(), "stdin reaches kubectl and its stdout comes back unchanged");
    }

    @Test
    void kubectlWrapperWithoutOptionsNeedsOnlyThePod() throws Exception {
        Run run = run("kubectl", new byte[0], "hotswap-kubectl", "web-0", "hotswap", "ls");
        assertEquals(0, run.code(), run.stderr());
        assertEquals(List.of("exec", "-i", "web-0", "--", "hotswap", "ls"), run.words());
    }

    @Test
    void flyWrapperHandsFlyTheCommandAsOneStringAndItsOptionsBeforeTheApp() throws Exception {
        byte[] upload = someBytes();
        Run run = run("fly", upload, "hotswap-fly", "--user", "app", "--machine", "148e4d55f36278", "my-app",
                "hotswap", "relay", "--", "'/data/it'\\''s here.sqlite3'");
        assertEquals(0, run.code(), run.stderr());
        assertEquals(List.of("ssh", "console", "--quiet", "--user", "app", "--machine", "148e4d55f36278",
                "--app", "my-app", "--command", "hotswap relay -- '/data/it'\\''s here.sqlite3'"), run.words());
        assertArrayEquals(upload, run.stdout(), "stdin reaches fly and its stdout comes back unchanged");
    }

    @Test
    void wrappersGivenNoCommandExitTwoWithTheirUsageAndRunNothing() throws Exception {
        for (String[] call : List.of(new String[] {"kubectl", "hotswap-kubectl", "web-0"},
                new String[] {"fly", "hotswap-fly", "-n"})) {
            Run run = run(call[0], new byte[0], List.of(call).subList(1, call.length).toArray(String[]::new));
            assertEquals(2, run.code(), run.stderr());
            assertTrue(run.stderr().startsWith("usage: " + call[1] + " "), run.stderr());
            assertEquals(List.of(), run.words(), "the tool must not run");
        }
    }
}
