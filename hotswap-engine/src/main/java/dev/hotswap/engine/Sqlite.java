package dev.hotswap.engine;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;

import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteOpenMode;

/** Opens sqlite-jdbc connections the way the engine needs them, and names SQLite's side files. */
final class Sqlite {
    /** The side files SQLite keeps next to a database: rollback journal, write-ahead log, WAL index. */
    static final List<String> SIDE_FILE_SUFFIXES = List.of("-journal", "-wal", "-shm");

    private Sqlite() {
    }

    /**
     * Opens {@code file} read-write without creating it: a database that vanished must fail loudly
     * instead of coming back empty.
     */
    static Connection open(Path file, Duration busyTimeout) throws SQLException {
        return open(file, busyTimeout, false);
    }

    /** Opens {@code file} read-only (never writes, never creates). */
    static Connection openReadOnly(Path file, Duration busyTimeout) throws SQLException {
        return open(file, busyTimeout, true);
    }

    private static Connection open(Path file, Duration busyTimeout, boolean readOnly) throws SQLException {
        SQLiteConfig config = new SQLiteConfig();
        config.resetOpenMode(SQLiteOpenMode.CREATE);
        if (readOnly) {
            config.setReadOnly(true);
        }
        config.setBusyTimeout((int) Math.min(Integer.MAX_VALUE, busyTimeout.toMillis()));
        return config.createConnection("jdbc:sqlite:" + file.toAbsolutePath());
    }

    /** The side file of {@code database} with {@code suffix}, e.g. {@code production.sqlite3-wal}. */
    static Path sideFile(Path database, String suffix) {
        return database.resolveSibling(database.getFileName() + suffix);
    }
}
