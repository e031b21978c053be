package dev.hotswap.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code hotswap} itself: only dispatches to its commands. */
@Command(name = "hotswap",
        mixinStandardHelpOptions = true,
        versionProvider = Version.class,
        commandListHeading = "%nCommands:%n",
        optionListHeading = "%nOptions:%n",
        synopsisSubcommandLabel = "COMMAND",
        description = {
            "Replace the SQLite database under a running app with no restart and no failed request, "
                    + "roll it back, or copy a consistent snapshot out of it, through the app's hotswap socket."},
        footerHeading = "%nExit codes:%n",
        footer = {
            "  0  success",
            "  1  the operation was refused or failed (validation, busy, no such",
            "     generation, disconnect)",
            "  2  usage error",
            "  3  the server cannot be reached (no socket, refused, protocol mismatch;",
            "     for HOST:PATH, the remote shell or the hotswap on the host failed)",
            "",
            "Run 'hotswap COMMAND --help' for a command's options."})
final class HotswapCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Mixin
    private SocketOption socket;

    @Mixin
    private RemoteOptions remote;

    /** {@code --rsh} and {@code --remote-hotswap}, wherever on the command line they were given. */
    RemoteOptions remote() {
        return remote;
    }

    /** The {@code --socket} option, wherever on the command line it was given. */
    SocketOption socket() {
        return socket;
    }

    @Override
    public Integer call() {
        throw new ParameterException(spec.commandLine(), "Missing command: cp, ls, rollback, version or help");
    }
}
