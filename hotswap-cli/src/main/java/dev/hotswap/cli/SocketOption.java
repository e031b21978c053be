package dev.hotswap.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The {@code --socket PATH} option shared by the commands that talk to the server. */
final class SocketOption {
    static final String VARIABLE = "HOTSWAP_SOCKET";
    static final String DEFAULT = "tmp/sockets/hotswap.sock";

    @Option(names = "--socket", paramLabel = "PATH",
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
