package dev.hotswap.cli;

import java.nio.file.Path;
import java.util.Optional;
import picocli.CommandLine;
import picocli.CommandLine.ParameterException;

/**
 * The server a command asks, from its optional {@code HOST:} argument ({@code ls [HOST:]},
 * {@code version --server [HOST:]}): without one, the server behind this host's socket; with
 * {@code HOST:}, {@code HOST:PATH} or {@code HOST:NAME}, the one on that host through the relay,
 * beside the database when one is named.
 */
final class ServerArgument {
    private ServerArgument() {
    }

    /**
     * How to reach the server {@code host} names ({@code null}: this host's).
     *
     * @param without what the command does without {@code HOST:}, for the usage error of an
     *        argument that names no host ({@code ls lists this host's databases without it})
     * @throws ParameterException if {@code host} is no {@code HOST:} or names a database the remote
     *         server cannot match (a relative path)
     * @throws CommandFailure exit 2 if the remote shell command cannot be split
     */
    static Connection.Opener opener(HotswapCommand hotswap, Environment environment, CommandLine command,
            String host, String without) throws CommandFailure {
        if (host == null) {
            Path socket = hotswap.socket().resolve(environment);
            return () -> SocketLink.connect(socket, TrustedUsers.from(environment));
        }
        RemotePath remote = RemotePath.parse(host).orElseThrow(() -> new ParameterException(command,
                host + " is no remote host: write HOST: (" + without + ")"));
        Optional<String> problem = remote.problem(false);
        if (problem.isPresent()) {
            throw new ParameterException(command, problem.get());
        }
        return hotswap.remote().relay(environment, remote.host(), remote.path().isEmpty() ? null : remote.wire(),
                hotswap.socket().given());
    }
}
