package dev.hotswap.engine;

import java.math.BigInteger;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * The migration tools' own record of what made a database's schema, read for the schema step: Flyway's
 * {@code flyway_schema_history} (the highest successful version) or Liquibase's
 * {@code DATABASECHANGELOG} (the changeset executed last). A candidate whose latest migration is older
 * than the live database's was built by older code, the stale CI artifact: refused, unless the schema
 * check is skipped. Only the live database's tool counts; a candidate without its table is left to the
 * schema diff, which names the missing table.
 */
final class MigrationHistory {
    private static final String FLYWAY = "flyway_schema_history";
    private static final String LIQUIBASE = "DATABASECHANGELOG";

    /**
     * The latest migration of a database.
     *
     * @param tool {@code Flyway} or {@code Liquibase}
     * @param id Flyway's version, or Liquibase's {@code ID::AUTHOR::FILENAME}
     * @param label how the operator knows it: {@code 7 (add prices)}, {@code changeset 12 by ann in db/changelog.xml}
     */
    record Latest(String tool, String id, String label) {
    }

    private MigrationHistory() {
    }

    /**
     * Compares the latest migrations of {@code live} and {@code incoming}.
     *
     * @return the line naming both, or null if the live database has no migration history
     * @throws SwapRefusedException if the incoming file's latest migration is older than the live one's
     * @throws SQLException if a history could not be read
     */
    static String compare(Path live, Path incoming) throws SQLException, SwapRefusedException {
        Duration busy = Duration.ofSeconds(30);
        try (Connection liveConnection = Sqlite.openReadOnly(live, busy);
                Connection incomingConnection = Sqlite.open(incoming, busy)) {
            Optional<Latest> liveLatest = latest(liveConnection);
            if (liveLatest.isEmpty()) {
                return null;
            }
            String tool = liveLatest.get().tool();
            Optional<Latest> incomingLatest = tool.equals("Flyway") ? flyway(incomingConnection)
                    : liquibase(incomingConnection);
            if (incomingLatest.isEmpty()) {
                return "latest " + tool + " migration: live " + liveLatest.get().label() + ", new none";
            }
            if (isOlder(incomingLatest.get(), liveLatest.get(), liveConnection)) {
                throw new SwapRefusedException(SwapRefusedException.Reason.SCHEMA, "ERROR: the new database was built"
                        + " by older code: its latest " + tool + " migration is " + incomingLatest.get().label()
                        + ", the live database's is " + liveLatest.get().label()
                        + " (--skip-schema-check pushes it anyway)");
            }
            return "latest " + tool + " migration: new " + incomingLatest.get().label() + ", live "
                    + liveLatest.get().label();
        }
    }

    /** The latest migration of {@code connection}'s database, Flyway's first, or none. */
    static Optional<Latest> latest(Connection connection) throws SQLException {
        Optional<Latest> flyway = flyway(connection);
        return flyway.isPresent() ? flyway : liquibase(connection);
    }

    private static boolean isOlder(Latest incoming, Latest live, Connection liveConnection) throws SQLException {
        if (incoming.tool().equals("Flyway")) {
            return compareVersions(incoming.id(), live.id()) < 0;
        }
        // Liquibase has no order of its own: older means the live database ran the candidate's last
        // changeset, and others after it.
        if (incoming.id().equals(live.id())) {
            return false;
        }
        String[] parts = incoming.id().split("::", 3);
        try (PreparedStatement query = liveConnection.prepareStatement("SELECT count(*) FROM " + LIQUIBASE
                + " WHERE ID = ? AND AUTHOR = ? AND FILENAME = ?")) {
            query.setString(1, parts[0]);
            query.setString(2, parts[1]);
            query.setString(3, parts[2]);
            try (ResultSet rows = query.executeQuery()) {
                return rows.next() && rows.getLong(1) > 0;
            }
        }
    }

    private static Optional<Latest> flyway(Connection connection) throws SQLException {
        if (!hasTable(connection, FLYWAY)) {
            return Optional.empty();
        }
        record Row(String version, String description) {
        }
        List<Row> rows = new ArrayList<>();
        try (Statement statement = connection.createStatement();
                ResultSet result = statement.executeQuery("SELECT version, description FROM " + FLYWAY
                        + " WHERE success = 1 AND version IS NOT NULL")) {
            while (result.next()) {
                rows.add(new Row(result.getString(1), result.getString(2)));
            }
        }
        return rows.stream().max(Comparator.comparing(Row::version, MigrationHistory::compareVersions))
                .map(row -> new Latest("Flyway", row.version(), row.version() + " (" + row.description() + ")"));
    }

    private static Optional<Latest> liquibase(Connection connection) throws SQLException {
        if (!hasTable(connection, LIQUIBASE)) {
            return Optional.empty();
        }
        try (Statement statement = connection.createStatement();
                ResultSet result = statement.executeQuery("SELECT ID, AUTHOR, FILENAME FROM " + LIQUIBASE
                        + " ORDER BY ORDEREXECUTED DESC, DATEEXECUTED DESC LIMIT 1")) {
            if (!result.next()) {
                return Optional.empty();
            }
            String id = result.getString(1);
            String author = result.getString(2);
            String file = result.getString(3);
            return Optional.of(new Latest("Liquibase", id + "::" + author + "::" + file,
                    "changeset " + id + " by " + author + " in " + file));
        }
    }

    private static boolean hasTable(Connection connection, String table) throws SQLException {
        try (PreparedStatement query = connection.prepareStatement(
                "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ? COLLATE NOCASE")) {
            query.setString(1, table);
            try (ResultSet rows = query.executeQuery()) {
                return rows.next();
            }
        }
    }

    /**
     * Flyway's order of versions: parts split at {@code .} or {@code _}, compared as numbers
     * ({@code 1.10} after {@code 1.9}), a missing part as 0 ({@code 1} equals {@code 1.0}). A part that
     * is not a number compares as text, after numbers.
     */
    static int compareVersions(String a, String b) {
        String[] left = a.split("[._]");
        String[] right = b.split("[._]");
        for (int i = 0; i < Math.max(left.length, right.length); i++) {
            String l = i < left.length ? left[i] : "0";
            String r = i < right.length ? right[i] : "0";
            int order = comparePart(l, r);
            if (order != 0) {
                return order;
            }
        }
        return 0;
    }

    private static int comparePart(String l, String r) {
        boolean ln = !l.isEmpty() && l.chars().allMatch(Character::isDigit);
        boolean rn = !r.isEmpty() && r.chars().allMatch(Character::isDigit);
        if (ln && rn) {
            return new BigInteger(l).compareTo(new BigInteger(r));
        }
        if (ln != rn) {
            return ln ? -1 : 1;
        }
        return l.compareTo(r);
    }
}
