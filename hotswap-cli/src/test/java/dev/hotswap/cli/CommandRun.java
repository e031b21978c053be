package dev.hotswap.cli;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/** Runs the real command in-process with injected streams, variables and working directory. */
final class CommandRun {
    private final Path workingDirectory;
    private final Map<String, String> variables = new HashMap<>();
    private InputStream stdin = new ByteArrayInputStream(new byte[0]);
    private boolean tty;
    private Interrupts interrupts = action -> () -> { };

    private CommandRun(Path workingDirectory) {
        this.workingDirectory = workingDirectory;
    }

    /** A run in {@code workingDirectory}, with no variables and empty stdin. */
    static CommandRun in(Path workingDirectory) {
        return new CommandRun(workingDirectory);
    }

    /** Sets {@code HOTSWAP_SOCKET}. */
    CommandRun socket(Path socket) {
        variables.put(SocketOption.VARIABLE, socket.toString());
        return this;
    }

    CommandRun variable(String name, String value) {
        variables.put(name, value);
        return this;
    }

    CommandRun stdin(byte[] bytes) {
        return stdin(new ByteArrayInputStream(bytes));
    }

    CommandRun stdin(InputStream in) {
        this.stdin = in;
        return this;
    }

    CommandRun tty(boolean tty) {
        this.tty = tty;
        return this;
    }

    CommandRun interrupts(Interrupts interrupts) {
        this.interrupts = interrupts;
        return this;
    }

    /** Runs {@code hotswap args...}. */
    Result run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Environment environment = new Environment(stdin, out, err, tty, variables, workingDirectory, interrupts);
        int code = new Cli(environment).execute(args);
        return new Result(code, out, err);
    }

    /** What a run left behind; stderr is read when asked, so that late lines (Ctrl-C) show. */
    record Result(int code, ByteArrayOutputStream out, ByteArrayOutputStream err) {
        byte[] stdoutBytes() {
            return out.toByteArray();
        }

        String stdout() {
            return out.toString(StandardCharsets.UTF_8);
        }

        String stderr() {
            return err.toString(StandardCharsets.UTF_8);
        }

        @Override
        public String toString() {
            return "exit " + code + "\n--- stdout\n" + stdout() + "\n--- stderr\n" + stderr();
        }
    }
}
