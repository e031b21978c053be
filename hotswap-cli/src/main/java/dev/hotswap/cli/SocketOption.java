package dev.hotswap.cli;

import dev.hotswap.protocol.Protocol;
import java.nio.file.Path;
import java.util.Optional;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/**
 * The {@code --socket PATH} option, declared once on {@code hotswap} and inherited by every command,
 * so that it may stand before the command ({@code hotswap --socket S cp ...}) or after it.
 */
final class SocketOption {
    static final String VARIABLE = "HOTSWAP_SOCKET";
    static final String DEFAULT = Protocol.DEFAULT_SOCKET;

    @Option(names = "--socket", paramLabel = "PATH", scope = ScopeType.INHERIT,
            description = "The app's hotswap socket. Default: $" + VARIABLE + ", else the one the server"
                    + " left in the generation folder of the database given by path, else " + DEFAULT
                    + " in the current directory.")
    private String socket;

    /**
     * The socket to connect to: {@code --socket}, else {@code $HOTSWAP_SOCKET}, else
     * {@value #DEFAULT}; relative paths are resolved against the working directory.
     */
    Path resolve(Environment environment) {
        return explicit(environment).orElseGet(() -> environment.workingDirectory().resolve(DEFAULT).normalize());
    }

    /**
     * The socket to connect to for a command on {@code databases} (given first, first asked):
     * {@code --socket}, else {@code $HOTSWAP_SOCKET}, else the socket that the first of them that is
     * a managed database's path points to ({@link SocketPointer}), else {@value #DEFAULT} in the
     * working directory.
     *
     * @throws CommandFailure exit 3 if a pointer is found that this command must not follow
     */
    Path resolve(Environment environment, PathArgument... databases) throws CommandFailure {
        Optional<Path> given = explicit(environment);
        if (given.isPresent()) {
            return given.get();
        }
        TrustedUsers trusted = null;
        for (PathArgument database : databases) {
            if (database.isStdio()) {
                continue;
            }
            if (trusted == null) {
                trusted = TrustedUsers.from(environment);
            }
            Optional<Path> pointed = SocketPointer.find(database.local(), trusted);
            if (pointed.isPresent()) {
                return pointed.get();
            }
        }
        return resolve(environment);
    }

    /** {@code --socket} as typed, or {@code null}: for a remote target it names a socket on that host. */
    String given() {
        return socket == null || socket.isEmpty() ? null : socket;
    }

    private Optional<Path> explicit(Environment environment) {
        String path = socket;
        if (path == null || path.isEmpty()) {
            path = environment.variables().get(VARIABLE);
        }
        if (path == null || path.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(environment.workingDirectory().resolve(path).normalize());
    }
}
