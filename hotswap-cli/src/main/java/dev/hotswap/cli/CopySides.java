package dev.hotswap.cli;

import java.nio.file.Path;
import java.util.Optional;

/**
 * The two sides of {@code hotswap cp SRC DST} and how to reach the server that manages one of
 * them: its socket on this host, or, when a side is {@code HOST:PATH}, the relay beside the server
 * on that host through the remote shell. One side at most may be remote; the other is then a local
 * file or {@code -}.
 *
 * @param from SRC
 * @param to DST
 * @param server opens the link to the server
 */
record CopySides(PathArgument from, PathArgument to, Connection.Opener server) {

    /**
     * Reads SRC and DST as typed.
     *
     * @throws CommandFailure exit 2 for two remote sides or a remote side that cannot be reached
     *     as written; exit 3 if a socket pointer is found that must not be followed
     */
    static CopySides of(String source, String destination, Environment environment, HotswapCommand hotswap)
            throws CommandFailure {
        Path cwd = environment.workingDirectory();
        Optional<RemotePath> remoteFrom = RemotePath.parse(source);
        Optional<RemotePath> remoteTo = RemotePath.parse(destination);
        if (remoteFrom.isEmpty() && remoteTo.isEmpty()) {
            PathArgument from = PathArgument.of(source, cwd);
            PathArgument to = PathArgument.of(destination, cwd);
            Path socket = hotswap.socket().resolve(environment, to, from);
            return new CopySides(from, to, () -> SocketLink.connect(socket, TrustedUsers.from(environment)));
        }
        if (remoteFrom.isPresent() && remoteTo.isPresent()) {
            throw new CommandFailure(2, "SRC and DST are both remote: one side must be a local file or '-'"
                    + " (write a local file whose name has a colon as ./" + source + ")");
        }
        RemotePath remote = remoteFrom.orElseGet(remoteTo::get);
        Optional<String> problem = remote.problem(true);
        if (problem.isPresent()) {
            throw new CommandFailure(2, problem.get());
        }
        PathArgument from = remoteFrom.isPresent() ? PathArgument.remote(remote)
                : PathArgument.of(source, cwd).besideRemote();
        PathArgument to = remoteTo.isPresent() ? PathArgument.remote(remote)
                : PathArgument.of(destination, cwd).besideRemote();
        return new CopySides(from, to, hotswap.remote().relay(environment, remote.host(), remote.wire(),
                hotswap.socket().given()));
    }
}
