package dev.hotswap.cli;

import dev.hotswap.protocol.Exit;
import dev.hotswap.protocol.Protocol;
import dev.hotswap.protocol.Request;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code hotswap rollback NAME|PATH [--to GEN]}: makes an earlier generation of a managed database
 * current again, with the same swap as a push. The server does all of it; this command names the
 * database, relays the server's status lines and prints {@code OK} once the generation is live.
 */
@Command(name = "rollback",
        mixinStandardHelpOptions = true,
        versionProvider = Version.class,
        parameterListHeading = "%nArguments:%n",
        optionListHeading = "%nOptions:%n",
        sortOptions = false,
        description = {
            "Make an earlier generation of a database current again.",
            "",
            "Without --to, the generation that was current before the current one; with --to, that "
                    + "generation (see 'hotswap ls': the app keeps 1 earlier generation unless configured "
                    + "otherwise). The same swap as a push: requests in flight finish on the generation "
                    + "they started on, new requests get the rolled-back one. OK on stdout means it is live.",
            "",
            "With --fleet, every server of the app's fleet goes back to an earlier rollout, all or none "
                    + "(--to names a rollout, the ROLLOUT column of 'hotswap ls'; without it, the rollout the "
                    + "fleet served before the current one): each server first confirms it keeps it. One line "
                    + "per server; OK and exit 0 only when every server flipped."},
        footerHeading = "%nExamples:%n",
        footer = {
            "  hotswap rollback production                 back to the previous generation",
            "  hotswap rollback db/production.sqlite3 --to 41",
            "  hotswap rollback prod:production             on another host, through ssh",
            "  hotswap rollback production --fleet          every server back to the previous rollout",
            "  hotswap rollback production --fleet --to 000041",
            "",
            "Exit codes: 0 success, 1 refused or failed, 2 usage error, 3 server unreachable."})
final class RollbackCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Parameters(index = "0", paramLabel = "NAME|PATH", description = "The managed database, by name or path; "
            + "HOST:NAME or HOST:PATH for one on another host.")
    private String database;

    @Option(names = "--" + Protocol.OPTION_TO, paramLabel = "GEN",
            description = {"The generation to make current (an id 'hotswap ls' lists); with --fleet, the",
                "rollout to go back to (its ROLLOUT column)."})
    private String to;

    @Mixin
    private FleetMixin fleet = new FleetMixin();

    @ParentCommand
    private HotswapCommand hotswap;

    private final Environment environment;
    private final Reporter reporter;

    RollbackCommand(Environment environment, Reporter reporter) {
        this.environment = environment;
        this.reporter = reporter;
    }

    @Override
    public Integer call() throws CommandFailure {
        if (database.equals(PathArgument.STDIO)) {
            throw new ParameterException(spec.commandLine(), "rollback takes a database name or path, not '-'");
        }
        Map<String, String> options = new TreeMap<>(fleet.options(spec));
        if (to != null) {
            options.put(Protocol.OPTION_TO, fleet.enabled() ? rollout(to) : generation(to));
        }
        Optional<RemotePath> remote = RemotePath.parse(database);
        Connection.Opener server;
        String wire;
        if (remote.isPresent()) {
            Optional<String> problem = remote.get().problem(true);
            if (problem.isPresent()) {
                throw new ParameterException(spec.commandLine(), problem.get());
            }
            wire = remote.get().wire();
            server = hotswap.remote().relay(environment, remote.get().host(), wire, hotswap.socket().given());
        } else {
            PathArgument target = PathArgument.of(database, environment.workingDirectory());
            Path socket = hotswap.socket().resolve(environment, target);
            wire = target.wire();
            server = () -> SocketLink.connect(socket, TrustedUsers.from(environment));
        }
        Request request = new Request("rollback", List.of(wire), options);
        return Conversation.run(environment, server, this::interrupt, connection -> {
            connection.send(request);
            Exit exit = connection.awaitExit(reporter);
            if (exit.code() != Protocol.EXIT_OK) {
                throw CommandFailure.of(exit);
            }
            environment.print("OK\n");
            return Protocol.EXIT_OK;
        });
    }

    /** A generation id for {@code --to}: a decimal number, 1 or more. */
    private String generation(String value) {
        if (!value.matches("[0-9]{1,18}") || Long.parseLong(value) < 1) {
            throw new ParameterException(spec.commandLine(), "--to takes a generation id (1 or more), not " + value);
        }
        return Long.toString(Long.parseLong(value));
    }

    /** A rollout id for {@code --to} with {@code --fleet}, as the ROLLOUT column of {@code ls} shows it. */
    private String rollout(String value) {
        if (!value.matches("[A-Za-z0-9._-]{1,128}")) {
            throw new ParameterException(spec.commandLine(), "--to with --fleet takes a rollout id (the ROLLOUT column"
                    + " of 'hotswap ls'), not " + value);
        }
        return value;
    }

    /**
     * Ctrl-C: drop the connection. The server does not notice before its swap is done, so the
     * rollback may still happen; a fleet rollback goes on on the server.
     */
    private void interrupt(Connection connection) {
        connection.close();
        reporter.error(fleet.enabled()
                ? "interrupted: the server goes on with the fleet rollback of " + database
                        + "; run 'hotswap ls' on the servers to see where it ended"
                : "interrupted: the server may still roll back " + database + "; run 'hotswap ls' to see whether it did");
    }
}
