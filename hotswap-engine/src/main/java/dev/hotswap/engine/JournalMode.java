package dev.hotswap.engine;

import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/** A new generation's journal mode, matched to the current generation's so that a WAL database stays WAL. */
final class JournalMode {
    private static final System.Logger LOG = System.getLogger(JournalMode.class.getName());

    private JournalMode() {
    }

    /** Whether the header of {@code file} says WAL mode; false for a file without a SQLite header. */
    static boolean isWal(Path file) throws IOException {
        DatabaseHeader header = DatabaseHeader.read(file);
        return header != null && header.wal();
    }

    /**
     * Puts {@code file} (a temp file no other connection has open) into WAL or rollback ({@code DELETE})
     * mode, unless it is in that mode already.
     */
    static void match(String database, Path file, boolean wal) throws IOException {
        if (isWal(file) == wal) {
            return;
        }
        String mode = wal ? "wal" : "delete";
        try (Connection connection = Sqlite.open(file, Settings.BUSY_TIMEOUT);
                Statement statement = connection.createStatement();
                ResultSet row = statement.executeQuery("PRAGMA journal_mode=" + mode)) {
            if (!row.next() || !mode.equalsIgnoreCase(row.getString(1))) {
                throw new IOException("could not put the new file of " + database + " in " + mode + " mode");
            }
        } catch (SQLException e) {
            throw new IOException("could not put the new file of " + database + " in " + mode + " mode: "
                    + e.getMessage(), e);
        }
        TempFiles.deleteSideFiles(file);
        LOG.log(System.Logger.Level.INFO, "{0}: new file put in {1} mode to match the live file", database, mode);
    }
}
