package dev.hotswap.cli;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs the built CLI in a working directory: the image's launcher, {@code target/hotswap/bin/hotswap},
 * or another {@link Distribution} of it.
 */
final class Launcher {
    static final Path IMAGE = Path.of(System.getProperty("hotswap.image", "target/hotswap"));

    private final Path workingDirectory;
    private final Distribution distribution;

    Launcher(Path workingDirectory) {
        this(workingDirectory, Distribution.IMAGE);
    }

    Launcher(Path workingDirectory, Distribution distribution) {
        this.workingDirectory = workingDirectory;
        this.distribution = distribution;
    }

    /** What a process left behind. */
    record Outcome(int code, byte[] stdoutBytes, String stderr) {
        String stdout() {
            return new String(stdoutBytes, StandardCharsets.UTF_8);
        }

        @Override
        public String toString() {
            return "exit " + code + "\n--- stdout\n" + stdout() + "\n--- stderr\n" + stderr;
        }
    }

    /** A started process whose output is being collected. */
    static final class Launched {
        final Process process;
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();
        private final ByteArrayOutputStream err = new ByteArrayOutputStream();
        private final Thread outReader;
        private final Thread errReader;

        Launched(Process process) {
            this.process = process;
            outReader = pump(process.getInputStream(), out);
            errReader = pump(process.getErrorStream(), err);
        }

        /** Waits for the process (30 s at most) and its output. */
        Outcome await() throws InterruptedException {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                fail("hotswap did not finish within 30 s");
            }
            outReader.join(5000);
            errReader.join(5000);
            return new Outcome(process.exitValue(), out.toByteArray(), err.toString(StandardCharsets.UTF_8));
        }

        private static Thread pump(InputStream from, ByteArrayOutputStream to) {
            Thread thread = new Thread(() -> {
                try {
                    from.transferTo(to);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
            thread.setDaemon(true);
            thread.start();
            return thread;
        }
    }

    /** Starts {@code hotswap args...} with {@code environment} added to a clean one. */
    Launched start(Map<String, String> environment, String... args) throws IOException {
        List<String> command = new ArrayList<>(distribution.command());
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).directory(workingDirectory.toFile());
        builder.environment().remove(SocketOption.VARIABLE);
        builder.environment().remove("JAVA_TOOL_OPTIONS");
        builder.environment().putAll(environment);
        return new Launched(builder.start());
    }

    /** Runs {@code hotswap args...} with {@code stdin}, to its end. */
    Outcome run(Map<String, String> environment, byte[] stdin, String... args) throws Exception {
        Launched launched = start(environment, args);
        try (OutputStream in = launched.process.getOutputStream()) {
            in.write(stdin);
        } catch (IOException closedEarly) {
            // the command did not read all of stdin: its exit code says why
        }
        return launched.await();
    }
}
