package dev.hotswap.engine;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** {@code PRAGMA integrity_check} on an incoming file, with SQLite's first complaints as the refusal. */
final class IntegrityCheck {
    /** SQLite stops after this many errors; a broken file needs no complete list. */
    private static final int MAX_ERRORS = 100;
    /** Lines of SQLite's report quoted to the operator. */
    static final int REPORTED_LINES = 10;

    private IntegrityCheck() {
    }

    /**
     * Checks {@code file}.
     *
     * @throws SwapRefusedException {@code ERROR: integrity check failed} followed by SQLite's first lines
     */
    static void run(Path file) throws SwapRefusedException {
        List<String> report = new ArrayList<>();
        try (Connection connection = Sqlite.open(file, Duration.ofSeconds(5));
                Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery("PRAGMA integrity_check(" + MAX_ERRORS + ")")) {
            while (rows.next()) {
                // One row may hold several lines.
                report.addAll(String.valueOf(rows.getString(1)).lines().toList());
            }
        } catch (SQLException e) {
            report.addAll(String.valueOf(e.getMessage()).lines().toList());
        }
        if (report.equals(List.of("ok"))) {
            return;
        }
        StringBuilder message = new StringBuilder("ERROR: integrity check failed");
        report.stream().limit(REPORTED_LINES).forEach(line -> message.append('\n').append(line));
        if (report.size() > REPORTED_LINES) {
            message.append("\n(").append(report.size() - REPORTED_LINES).append(" more)");
        }
        throw new SwapRefusedException(SwapRefusedException.Reason.INTEGRITY, message.toString());
    }
}
