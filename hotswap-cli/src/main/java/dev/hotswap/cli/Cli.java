package dev.hotswap.cli;

import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import picocli.CommandLine;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * The {@code hotswap} command line over one {@link Environment}: parses the arguments with
 * picocli, runs the command, prints failures as {@code ERROR: } lines on stderr, and returns the
 * exit code.
 *
 * <p>Exit codes: 0 success; 1 the operation was refused or failed; 2 usage error; 3 the server
 * cannot be reached; 130 interrupted.
 */
final class Cli {
    /** Exit code of a run the user interrupted with Ctrl-C, as for any program killed by SIGINT. */
    static final int INTERRUPTED = 130;

    private static final String DEBUG_VARIABLE = "HOTSWAP_DEBUG";

    private final Environment environment;

    Cli(Environment environment) {
        this.environment = environment;
    }

    /** Runs the command with {@code args}; returns its exit code and never throws. */
    int execute(String... args) {
        Reporter reporter = new Reporter(environment.stderr(), environment.stderrIsTty());
        PrintWriter out = new PrintWriter(new OutputStreamWriter(environment.stdout(), StandardCharsets.UTF_8), true);
        PrintWriter err = new PrintWriter(new OutputStreamWriter(environment.stderr(), StandardCharsets.UTF_8), true);
        try {
            CommandLine commandLine = new CommandLine(new HotswapCommand())
                    .addSubcommand(new CpCommand(environment, reporter))
                    .addSubcommand(new LsCommand(environment, reporter))
                    .addSubcommand(new RollbackCommand(environment, reporter))
                    .addSubcommand(new VersionCommand(environment, reporter))
                    .addSubcommand(new CommandLine.HelpCommand());
            commandLine.setOut(out)
                    .setErr(err)
                    .setColorScheme(CommandLine.Help.defaultColorScheme(CommandLine.Help.Ansi.OFF))
                    .setUsageHelpAutoWidth(false)
                    .setParameterExceptionHandler(Cli::usageError)
                    .setExecutionExceptionHandler((e, command, parsed) -> failure(e, reporter));
            return commandLine.execute(args);
        } catch (RuntimeException e) {
            return failure(e, reporter);
        } finally {
            out.flush();
            err.flush();
        }
    }

    /** A usage error: the reason, the synopsis, where to read more; exit code 2. */
    private static int usageError(ParameterException e, String[] args) {
        CommandLine command = e.getCommandLine();
        PrintWriter err = command.getErr();
        err.println(CommandFailure.PREFIX + e.getMessage());
        UnmatchedArgumentException.printSuggestions(e, err);
        err.print(command.getHelp().fullSynopsis());
        err.println("Try '" + command.getCommandSpec().qualifiedName() + " --help' for more information.");
        err.flush();
        return command.getCommandSpec().exitCodeOnInvalidInput();
    }

    private int failure(Exception e, Reporter reporter) {
        if (e instanceof CommandFailure failure) {
            reporter.error(failure.getMessage());
            return failure.exitCode();
        }
        String debug = environment.variables().get(DEBUG_VARIABLE);
        if (debug != null && !debug.isEmpty()) {
            StringWriter trace = new StringWriter();
            e.printStackTrace(new PrintWriter(trace));
            reporter.error("internal error: " + trace);
        } else {
            reporter.error("internal error: " + e + " (set " + DEBUG_VARIABLE + "=1 for the stack trace)");
        }
        return 1;
    }
}
