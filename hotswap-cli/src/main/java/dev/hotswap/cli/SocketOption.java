package dev.hotswap.cli;

import dev.hotswap.protocol.Protocol;
import java.nio.file.Path;
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
            description = "The app's hotswap socket. Default: $" + VARIABLE + ", else " + DEFAULT
                    + " in the current directory.")
    private String socket;

    /**
     * The socket to connect to: {@code --socket}, else {@code $HOTSWAP_SOCKET}, else
     * {@value #DEFAULT}; relative paths are resolved against the working directory.
     */
    Path resolve(Environment environment) {
        String path = socket;
        if (path == null || path.isEmpty()) {
            path = environment.variables().get(VARIABLE);
        }
        if (path == null || path.isEmpty()) {
            path = DEFAULT;
        }
        return environment.workingDirectory().resolve(path).normalize();
    }
}
