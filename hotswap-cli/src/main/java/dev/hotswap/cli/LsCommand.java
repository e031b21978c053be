package dev.hotswap.cli;

import dev.hotswap.protocol.Listing;
import dev.hotswap.protocol.ProtocolException;
import dev.hotswap.protocol.Request;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code hotswap ls}: every generation of the databases the app manages (the current one, the ones
 * kept for rollback, the ones still retiring), as a table on stdout.
 */
@Command(name = "ls",
        mixinStandardHelpOptions = true,
        versionProvider = Version.class,
        optionListHeading = "%nOptions:%n",
        description = {
            "List the generations of the databases the app manages.",
            "",
            "One line per generation: the current one (new requests get it), the ones kept for "
                    + "'hotswap rollback', and superseded ones that requests still hold (retiring). "
                    + "Columns: database name, generation id, state, when it last became current (UTC), size, "
                    + "page size, journal mode, the pause of the swap that made it current, requests on it "
                    + "now, fleet rollout id, and its file (the live path for the current generation).",
            "",
            "With HOST: (scp style), the app on another host, through the remote shell (--rsh).",
            "",
            "Every field but PATH, the last, is free of blanks and '-' when unknown, so that 'awk' "
                    + "splits the lines: hotswap ls | awk '$3 == \"current\" {print $1, $2}'"})
final class LsCommand implements Callable<Integer> {
    private static final String[] HEADER = {
        "NAME", "GEN", "STATE", "SINCE", "SIZE", "PAGE", "JOURNAL", "PAUSE", "REQUESTS", "ROLLOUT", "PATH"};
    private static final String NONE = "-";

    @Spec
    private CommandSpec spec;

    @Parameters(index = "0", arity = "0..1", paramLabel = "HOST:",
            description = "List the databases of the app on another host (HOST: or HOST:NAME), through --rsh.")
    private String host;

    @ParentCommand
    private HotswapCommand hotswap;

    private final Environment environment;
    private final Reporter reporter;

    LsCommand(Environment environment, Reporter reporter) {
        this.environment = environment;
        this.reporter = reporter;
    }

    @Override
    public Integer call() throws CommandFailure {
        String text;
        Connection.Opener server = ServerArgument.opener(hotswap, environment, spec.commandLine(), host,
                "ls lists this host's databases without it");
        try (Connection connection = Connection.open(server)) {
            text = connection.call(Request.of("ls"), reporter);
        }
        List<Listing.Row> rows;
        try {
            rows = Listing.parse(text);
        } catch (ProtocolException e) {
            throw CommandFailure.failed("protocol error: " + e.getMessage());
        }
        environment.print(table(rows));
        return 0;
    }

    /** The rows, in the server's order, as a table with a header, columns aligned by two spaces or more. */
    static String table(List<Listing.Row> rows) {
        List<String[]> lines = new ArrayList<>();
        lines.add(HEADER);
        for (Listing.Row row : rows) {
            lines.add(new String[] {
                row.database(),
                Long.toString(row.generation()),
                row.state().name().toLowerCase(Locale.ROOT),
                since(row.since()),
                row.bytes() < 0 ? NONE : Quantities.compactBytes(row.bytes()),
                row.pageSize() < 0 ? NONE : Integer.toString(row.pageSize()),
                orNone(row.journal()),
                row.pauseMicros() < 0 ? NONE : Quantities.compactMicros(row.pauseMicros()),
                Long.toString(row.requests()),
                orNone(row.rolloutId()),
                row.path()});
        }
        int[] widths = new int[HEADER.length];
        for (String[] line : lines) {
            for (int i = 0; i < line.length; i++) {
                widths[i] = Math.max(widths[i], line[i].length());
            }
        }
        StringBuilder table = new StringBuilder();
        for (String[] line : lines) {
            StringBuilder text = new StringBuilder();
            for (int i = 0; i < line.length; i++) {
                text.append(line[i]);
                if (i < line.length - 1) {
                    text.append(" ".repeat(widths[i] - line[i].length() + 2));
                }
            }
            table.append(text.toString().stripTrailing()).append('\n');
        }
        return table.toString();
    }

    /** An ISO-8601 instant to the second ({@code 2026-11-29T20:06:42Z}), or as the server sent it. */
    private static String since(String instant) {
        if (instant == null) {
            return NONE;
        }
        try {
            return Instant.parse(instant).truncatedTo(ChronoUnit.SECONDS).toString();
        } catch (DateTimeParseException e) {
            return instant;
        }
    }

    private static String orNone(String value) {
        return value == null || value.isEmpty() ? NONE : value;
    }
}
