package dev.hotswap.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * A remote shell process ({@code ssh prod hotswap relay production}) whose stdin and stdout reach
 * the server on the other host through its {@code hotswap relay}. Its stderr is kept, the last few
 * lines of it, so that a failure before the server answered can say what the command said: that the
 * host is unknown, that {@code hotswap} is not installed there, that no server runs there.
 */
final class RemoteLink implements Link {
    /** ssh's exit code for a command the remote shell cannot find, as for any shell. */
    private static final int NOT_FOUND = 127;
    private static final int KEPT_LINES = 3;
    /** The least time a remote link gets for the handshake: ssh connects, the remote JVM starts (tests shorten it). */
    static volatile Duration connectTimeout = Duration.ofSeconds(60);
    private static final Duration EXIT_WAIT = Duration.ofSeconds(5);

    private final RemoteShell.Command command;
    private final Process process;
    private final Deque<String> stderr = new ArrayDeque<>();
    private final Thread stderrReader;
    private volatile boolean closed;

    private RemoteLink(RemoteShell.Command command, Process process) {
        this.command = command;
        this.process = process;
        this.stderrReader = new Thread(this::keepStderr, "hotswap-remote-stderr");
        stderrReader.setDaemon(true);
        stderrReader.start();
    }

    /**
     * Starts {@code command}.
     *
     * @throws CommandFailure exit 3 if it cannot be run (no such program)
     */
    static RemoteLink start(RemoteShell.Command command) throws CommandFailure {
        try {
            return new RemoteLink(command, new ProcessBuilder(command.words()).start());
        } catch (IOException e) {
            throw CommandFailure.unreachable("cannot run the remote shell '" + command.shown() + "': "
                    + reason(e) + " (choose it with --rsh CMD or " + RemoteShell.VARIABLE + ")");
        }
    }

    private static String reason(IOException e) {
        String message = String.valueOf(e.getMessage());
        int detail = message.indexOf("error=2,");
        return detail >= 0 ? "no such program" : message;
    }

    private void keepStderr() {
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(process.getErrorStream(),
                StandardCharsets.UTF_8))) {
            for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                if (line.isBlank()) {
                    continue;
                }
                synchronized (stderr) {
                    stderr.addLast(line.strip());
                    if (stderr.size() > KEPT_LINES) {
                        stderr.removeFirst();
                    }
                }
            }
        } catch (IOException e) {
            // the process is gone; what it said so far is kept
        }
    }

    @Override
    public InputStream in() {
        return process.getInputStream();
    }

    @Override
    public OutputStream out() {
        return process.getOutputStream();
    }

    @Override
    public void shutdownOutput() {
        try {
            process.getOutputStream().close();
        } catch (IOException e) {
            // already closed
        }
    }

    /**
     * Closes the process's stdin (the relay then ends its server connection) and gives it a moment
     * to exit before it is killed: after a conversation ends it exits on its own; after Ctrl-C the
     * kill ends the transport, and with it the relay's stream to the server, which refuses the
     * unfinished push.
     */
    @Override
    public void close() {
        closed = true;
        shutdownOutput();
        try {
            if (!process.waitFor(EXIT_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroy();
            }
        } catch (InterruptedException e) {
            process.destroy();
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public boolean remote() {
        return true;
    }

    @Override
    public String peer() {
        return "the server through '" + command.shown() + "'";
    }

    @Override
    public Duration handshakeTimeout(Duration local) {
        Duration least = connectTimeout;
        return local.compareTo(least) > 0 ? local : least;
    }

    /**
     * When the transport exited unsuccessfully before the server answered, that is the failure:
     * exit 3 with the command and the last lines it wrote to stderr.
     */
    @Override
    public CommandFailure handshakeFailed(CommandFailure usual) {
        if (closed) {
            return usual; // we ended it (the handshake's time ran out): its exit code says nothing
        }
        Integer code = exitCode();
        if (code == null || code == 0) {
            return usual;
        }
        String said = said();
        return CommandFailure.unreachable("'" + command.shown() + "' failed (exit " + code + ")"
                + (said.isEmpty() ? " and said nothing" : ": " + said) + hint(code, said));
    }

    /**
     * Adds to a lost connection what the transport said as it ended ({@code Connection to prod closed
     * by remote host}, {@code client_loop: send disconnect: Broken pipe}) and how it exited; the
     * command's exit code stays that of the failure. Any other failure is the server's own word.
     */
    @Override
    public CommandFailure conversationFailed(CommandFailure usual) {
        if (!usual.connectionLost() || closed) {
            return usual;
        }
        Integer code = exitCode();
        if (code == null) {
            return usual;
        }
        String said = said();
        if (code == 0 && said.isEmpty()) {
            return usual;
        }
        return usual.adding(" ('" + command.shown() + "' exited " + code + (said.isEmpty() ? "" : ": " + said) + ")");
    }

    /**
     * The transport's exit code once it has exited (within {@link #EXIT_WAIT}) and its stderr is
     * read to the end; null if it still runs.
     */
    private Integer exitCode() {
        try {
            if (!process.waitFor(EXIT_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
                return null;
            }
            stderrReader.join(EXIT_WAIT.toMillis());
            return process.exitValue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    /** The last lines of the transport's stderr, joined, without their {@code ERROR: } prefixes. */
    private String said() {
        synchronized (stderr) {
            return stderr.stream().map(line -> line.startsWith(CommandFailure.PREFIX)
                    ? line.substring(CommandFailure.PREFIX.length()) : line).collect(Collectors.joining(" / "));
        }
    }

    private static String hint(int code, String said) {
        if (code == NOT_FOUND) {
            return " (is hotswap installed there? Name it with --remote-hotswap PATH or HOTSWAP_REMOTE)";
        }
        if (said.contains("'" + RelayCommand.NAME + "'")) {
            return " (the remote hotswap is older than this one: it has no " + RelayCommand.NAME + " command)";
        }
        return "";
    }
}
