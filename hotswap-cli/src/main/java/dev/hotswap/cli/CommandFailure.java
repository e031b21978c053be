package dev.hotswap.cli;

import dev.hotswap.protocol.CorruptStreamException;
import dev.hotswap.protocol.Exit;
import dev.hotswap.protocol.FrameType;
import dev.hotswap.protocol.Protocol;
import dev.hotswap.protocol.ProtocolException;
import dev.hotswap.protocol.TransferAbortedException;
import dev.hotswap.protocol.TruncatedStreamException;
import dev.hotswap.protocol.VersionMismatchException;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.util.Objects;

/**
 * The command could not do what it was asked: its exit code and the message for stderr. Messages
 * always start with {@code ERROR: } and may span several lines (a schema diff from the server);
 * they are part of the command's interface, and tests pin them.
 */
final class CommandFailure extends Exception {
    private static final long serialVersionUID = 1L;

    static final String PREFIX = "ERROR: ";

    private final int exitCode;
    private final boolean connectionLost;

    /** Fails with {@code exitCode} (1 to 255); {@code ERROR: } is added to the message if missing. */
    CommandFailure(int exitCode, String message) {
        this(exitCode, message, false);
    }

    private CommandFailure(int exitCode, String message, boolean connectionLost) {
        super(message.startsWith(PREFIX) ? message : PREFIX + message);
        if (exitCode < 1 || exitCode > 255) {
            throw new IllegalArgumentException("exit code " + exitCode + " is outside 1..255");
        }
        this.exitCode = exitCode;
        this.connectionLost = connectionLost;
    }

    /** The connection to the server broke after the handshake, without the server saying why: exit code 1. */
    static CommandFailure lost(String message) {
        return new CommandFailure(Protocol.EXIT_FAILED, message, true);
    }

    /** This failure with {@code more} added to its message, same exit code. */
    CommandFailure adding(String more) {
        return new CommandFailure(exitCode, getMessage() + more, connectionLost);
    }

    /** The operation was refused or failed: exit code 1. */
    static CommandFailure failed(String message) {
        return new CommandFailure(Protocol.EXIT_FAILED, message);
    }

    /** The server cannot be reached or does not speak our protocol: exit code 3. */
    static CommandFailure unreachable(String message) {
        return new CommandFailure(Protocol.EXIT_UNREACHABLE, message);
    }

    /**
     * The server's unsuccessful {@code EXIT}: its message verbatim and its code, where the code is
     * one the command documents (1 to 3); any other code becomes 1.
     */
    static CommandFailure of(Exit exit) {
        if (exit.code() == Protocol.EXIT_OK) {
            throw new IllegalArgumentException("EXIT 0 is not a failure");
        }
        int code = exit.code() <= Protocol.EXIT_UNREACHABLE ? exit.code() : Protocol.EXIT_FAILED;
        String message = exit.message().strip().isEmpty()
                ? "the server failed the operation (exit code " + exit.code() + ") without saying why"
                : exit.message().stripTrailing();
        return new CommandFailure(code, message);
    }

    /**
     * The failure to report for an I/O error of a conversation after its handshake: the server's
     * own {@code EXIT} where it sent one, else what went wrong with the stream.
     */
    static CommandFailure of(IOException e) {
        if (e instanceof TransferAbortedException aborted && aborted.frame() != null
                && aborted.frame().type() == FrameType.EXIT) {
            try {
                Exit exit = Exit.from(aborted.frame());
                if (exit.code() != Protocol.EXIT_OK) {
                    return of(exit);
                }
                return failed("protocol error: the server sent EXIT 0 in the middle of a transfer");
            } catch (ProtocolException malformed) {
                return failed("protocol error: " + malformed.getMessage());
            }
        }
        if (e instanceof TransferAbortedException) {
            return failed("the server aborted the transfer: " + e.getMessage());
        }
        if (e instanceof VersionMismatchException) {
            return unreachable(e.getMessage());
        }
        if (e instanceof TruncatedStreamException) {
            return lost("the server closed the connection unexpectedly: " + e.getMessage());
        }
        if (e instanceof CorruptStreamException) {
            return failed("the data from the server is corrupt: " + e.getMessage());
        }
        if (e instanceof ProtocolException) {
            return failed("protocol error: " + e.getMessage());
        }
        return lost("lost the connection to the server: "
                + Objects.requireNonNullElse(e.getMessage(), e.toString()));
    }

    /**
     * A short reason for a file system error: {@code permission denied} rather than the bare path
     * that {@link AccessDeniedException#getMessage()} gives.
     */
    static String reason(IOException e) {
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof NoSuchFileException) {
            return "no such file or directory";
        }
        if (e instanceof FileAlreadyExistsException) {
            return "file exists";
        }
        if (e instanceof FileSystemException fs && fs.getReason() != null) {
            return fs.getReason();
        }
        return e.getMessage() != null ? e.getMessage() : e.toString();
    }

    /** The process exit code. */
    int exitCode() {
        return exitCode;
    }

    /** Whether the connection broke without the server's word ({@link #lost}): the link may know why. */
    boolean connectionLost() {
        return connectionLost;
    }
}
