package dev.hotswap.cli;

import dev.hotswap.protocol.Request;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code hotswap version}: this command's version, and with {@code --server [HOST:]} the engine's,
 * on this host or on another through the relay.
 */
@Command(name = "version",
        mixinStandardHelpOptions = true,
        versionProvider = Version.class,
        optionListHeading = "%nOptions:%n",
        description = {
            "Print the version of this command (and of the server, with --server).",
            "",
            "Prints 'hotswap VERSION'. With --server, also asks the engine behind the socket for its "
                    + "version and protocol; with --server HOST: (scp style), the engine on another host, "
                    + "through the remote shell (--rsh)."})
final class VersionCommand implements Callable<Integer> {
    /** What {@code --server} holds when given without a value: this host's server. */
    private static final String THIS_HOST = "";

    @Spec
    private CommandSpec spec;

    @Option(names = "--server", arity = "0..1", fallbackValue = THIS_HOST, paramLabel = "HOST:",
            description = "Also print the version of the engine behind the socket; with HOST: (or HOST:PATH, "
                    + "HOST:NAME), of the engine on that host, through --rsh.")
    private String server;

    @ParentCommand
    private HotswapCommand hotswap;

    private final Environment environment;
    private final Reporter reporter;

    VersionCommand(Environment environment, Reporter reporter) {
        this.environment = environment;
        this.reporter = reporter;
    }

    @Override
    public Integer call() throws CommandFailure {
        if (server == null) {
            environment.print(Version.line() + "\n");
            return 0;
        }
        // Usage errors before anything is printed: a wrong HOST: prints no half of the answer.
        Connection.Opener opener = ServerArgument.opener(hotswap, environment, spec.commandLine(),
                server.equals(THIS_HOST) ? null : server, "version --server asks this host's server without it");
        environment.print(Version.line() + "\n");
        try (Connection connection = Connection.open(opener)) {
            String text = connection.call(Request.of("version"), reporter).strip();
            environment.print(text + "\n");
        }
        return 0;
    }
}
