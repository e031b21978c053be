package dev.hotswap.cli;

import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/**
 * {@code --rsh CMD} and {@code --remote-hotswap PATH}, declared once on {@code hotswap} and inherited
 * by every command: how a {@code HOST:PATH} argument is reached. The CLI runs
 * {@code CMD HOST PATH relay [--socket S] [DATABASE]} and speaks the protocol through its stdin and
 * stdout with the server beside the relay.
 */
final class RemoteOptions {
    static final String PROGRAM_VARIABLE = "HOTSWAP_REMOTE";
    static final String DEFAULT_PROGRAM = "hotswap";

    @Option(names = "--rsh", paramLabel = "CMD", scope = ScopeType.INHERIT,
            description = "The remote shell for HOST:PATH, run as CMD HOST COMMAND... and split like a shell "
                    + "command line ('ssh -p 2222', 'kubectl exec -i'). Default: $" + RemoteShell.VARIABLE
                    + ", else " + RemoteShell.DEFAULT + ".")
    private String rsh;

    @Option(names = "--remote-hotswap", paramLabel = "PATH", scope = ScopeType.INHERIT,
            description = "The hotswap program on the remote host. Default: $" + PROGRAM_VARIABLE + ", else "
                    + DEFAULT_PROGRAM + " on the remote PATH.")
    private String program;

    /**
     * The link to the server beside {@code database} on {@code host} ({@code null} for the server's
     * default socket there), through the relay; {@code socket} is {@code --socket} as given, which
     * names a socket on the remote host.
     *
     * @throws CommandFailure exit 2 if the remote shell command cannot be split
     */
    Connection.Opener relay(Environment environment, String host, String database, String socket) throws CommandFailure {
        List<String> remote = new ArrayList<>();
        remote.add(choose(program, environment.variables().get(PROGRAM_VARIABLE), DEFAULT_PROGRAM));
        remote.add(RelayCommand.NAME);
        if (socket != null) {
            remote.add("--socket");
            remote.add(socket);
        }
        if (database != null) {
            remote.add("--"); // a database named like an option stays a database
            remote.add(database);
        }
        RemoteShell.Command command = RemoteShell.command(shell(environment), host, remote);
        return () -> RemoteLink.start(command);
    }

    private List<String> shell(Environment environment) throws CommandFailure {
        String line = choose(rsh, environment.variables().get(RemoteShell.VARIABLE), RemoteShell.DEFAULT);
        List<String> words;
        try {
            words = RemoteShell.split(line);
        } catch (IllegalArgumentException e) {
            throw new CommandFailure(2, "cannot split the remote shell command: " + e.getMessage());
        }
        if (words.isEmpty()) {
            throw new CommandFailure(2, "the remote shell command is empty: set --rsh CMD or " + RemoteShell.VARIABLE);
        }
        return words;
    }

    private static String choose(String option, String variable, String fallback) {
        if (option != null && !option.isEmpty()) {
            return option;
        }
        return variable != null && !variable.isEmpty() ? variable : fallback;
    }
}
