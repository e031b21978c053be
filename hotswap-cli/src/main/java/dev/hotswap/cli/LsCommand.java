package dev.hotswap.cli;

import dev.hotswap.protocol.Request;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;

/** {@code hotswap ls}: the databases the app manages and their state, as a table on stdout. */
@Command(name = "ls",
        mixinStandardHelpOptions = true,
        versionProvider = Version.class,
        optionListHeading = "%nOptions:%n",
        description = {
            "List the databases the app manages and their state.",
            "",
            "Columns: name, path, size, page size, journal mode, time of the last swap (UTC) and how "
                    + "long that swap paused new requests."})
final class LsCommand implements Callable<Integer> {
    private static final String[] HEADER = {"NAME", "PATH", "SIZE", "PAGE", "JOURNAL", "SWAPPED", "PAUSE"};

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
        try (Connection connection = Connection.open(hotswap.socket().resolve(environment), TrustedUsers.from(environment))) {
            text = connection.call(Request.of("ls"), reporter);
        }
        environment.print(table(text));
        return 0;
    }

    /**
     * The server's lines (tab-separated: name, path, size in bytes, page size, journal mode, last
     * swap or {@code -}, last pause in microseconds or {@code -}) as an aligned table with a header.
     * Missing fields show as {@code -}; extra fields are ignored.
     */
    static String table(String serverText) {
        List<String[]> rows = new ArrayList<>();
        rows.add(HEADER);
        for (String line : serverText.split("\n")) {
            if (line.isBlank()) {
                continue;
            }
            String[] fields = line.split("\t", -1);
            rows.add(new String[] {
                field(fields, 0), field(fields, 1), size(field(fields, 2)), field(fields, 3),
                field(fields, 4), field(fields, 5), pause(field(fields, 6))});
        }
        int[] widths = new int[HEADER.length];
        for (String[] row : rows) {
            for (int i = 0; i < row.length; i++) {
                widths[i] = Math.max(widths[i], row[i].length());
            }
        }
        StringBuilder table = new StringBuilder();
        for (String[] row : rows) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < row.length; i++) {
                line.append(row[i]);
                if (i < row.length - 1) {
                    line.append(" ".repeat(widths[i] - row[i].length() + 2));
                }
            }
            table.append(line.toString().stripTrailing()).append('\n');
        }
        return table.toString();
    }

    private static String field(String[] fields, int index) {
        return index < fields.length && !fields[index].isEmpty() ? fields[index] : "-";
    }

    private static String size(String bytes) {
        try {
            return Quantities.bytes(Long.parseLong(bytes));
        } catch (NumberFormatException e) {
            return bytes;
        }
    }

    private static String pause(String micros) {
        try {
            return Quantities.micros(Long.parseLong(micros));
        } catch (NumberFormatException e) {
            return micros;
        }
    }
}
