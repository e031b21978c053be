package dev.hotswap.cli;

import dev.hotswap.protocol.Request;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Option;

/** {@code hotswap version}: this command's version, and with {@code --server} the engine's. */
@Command(name = "version",
        mixinStandardHelpOptions = true,
        versionProvider = Version.class,
        optionListHeading = "%nOptions:%n",
        description = {
            "Print the version of this command (and of the server, with --server).",
            "",
            "Prints 'hotswap VERSION'. With --server, also asks the engine behind the socket for its "
                    + "version and protocol."})
final class VersionCommand implements Callable<Integer> {
    @Option(names = "--server", description = "Also print the version of the engine behind the socket.")
    private boolean server;

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
        environment.print(Version.line() + "\n");
        if (server) {
            try (Connection connection = Connection.open(hotswap.socket().resolve(environment), TrustedUsers.from(environment))) {
                String text = connection.call(Request.of("version"), reporter).strip();
                environment.print(text + "\n");
            }
        }
        return 0;
    }
}
