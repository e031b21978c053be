package dev.hotswap.cli;

import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;

/**
 * What one run of the command sees of the outside world. {@link #system()} is the real process;
 * tests pass their own streams, variables and working directory, and trigger Ctrl-C by hand.
 *
 * @param stdin data pushed from {@code -}
 * @param stdout data pulled to {@code -}, command output and the final {@code OK} of a push; raw
 *        bytes, unbuffered by the caller
 * @param stderr status lines, the progress line and errors
 * @param stderrIsTty whether stderr is a terminal, so that a live progress line may be drawn
 * @param variables environment variables ({@code HOTSWAP_SOCKET})
 * @param workingDirectory the absolute directory relative paths are resolved against
 * @param interrupts where Ctrl-C is reported
 */
record Environment(
        InputStream stdin,
        OutputStream stdout,
        OutputStream stderr,
        boolean stderrIsTty,
        Map<String, String> variables,
        Path workingDirectory,
        Interrupts interrupts) {

    /** The system property the launcher sets to {@code true} when stderr is a terminal. */
    static final String STDERR_TTY_PROPERTY = "hotswap.stderr.tty";

    /** Rejects nulls and a relative working directory; copies the variables. */
    Environment {
        Objects.requireNonNull(stdin, "stdin");
        Objects.requireNonNull(stdout, "stdout");
        Objects.requireNonNull(stderr, "stderr");
        variables = Map.copyOf(variables);
        if (!workingDirectory.isAbsolute()) {
            throw new IllegalArgumentException("working directory " + workingDirectory + " is not absolute");
        }
        Objects.requireNonNull(interrupts, "interrupts");
    }

    /** Writes {@code text} to stdout as UTF-8 and flushes. */
    void print(String text) throws CommandFailure {
        try {
            stdout.write(text.getBytes(StandardCharsets.UTF_8));
            stdout.flush();
        } catch (IOException e) {
            throw CommandFailure.failed("cannot write to stdout: " + CommandFailure.reason(e));
        }
    }

    /**
     * The real process: file descriptors 0, 1 and 2 as plain streams (a {@code PrintStream} would
     * hide a broken pipe), the process environment and directory, and shutdown hooks for Ctrl-C.
     * Java cannot ask whether file descriptor 2 is a terminal, so the launcher script tests it
     * ({@code [ -t 2 ]}) and passes the answer as {@value #STDERR_TTY_PROPERTY}.
     */
    static Environment system() {
        String tty = System.getProperty(STDERR_TTY_PROPERTY);
        boolean stderrIsTty = tty != null ? Boolean.parseBoolean(tty) : System.console() != null;
        return new Environment(
                new FileInputStream(FileDescriptor.in),
                new FileOutputStream(FileDescriptor.out),
                new FileOutputStream(FileDescriptor.err),
                stderrIsTty,
                System.getenv(),
                Path.of("").toAbsolutePath(),
                Interrupts.shutdownHooks());
    }
}
