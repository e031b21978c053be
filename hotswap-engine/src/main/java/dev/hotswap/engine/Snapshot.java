package dev.hotswap.engine;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;

import org.sqlite.SQLiteConnection;

/**
 * A consistent copy of a managed database's current generation in a temp file, made with SQLite's
 * online backup API in one step from a read-only connection. One step is one read transaction: in
 * WAL mode it sees one snapshot without blocking writers; in rollback mode writers wait for it (their
 * busy timeout) rather than restart it. The generation is held for the copy, so a swap meanwhile
 * neither closes nor deletes it.
 */
final class Snapshot {
    private static final System.Logger LOG = System.getLogger(Snapshot.class.getName());
    /** Copy every page in one backup step. */
    private static final int ALL_PAGES = -1;
    private static final int BUSY_SLEEP_MILLIS = 100;
    private static final int BUSY_RETRIES = 100;

    private Snapshot() {
    }

    /** Copies {@code db} into a new temp file in its generation folder; the caller deletes it with {@link TempFiles#delete}. */
    static Path take(ManagedDatabase db) throws IOException {
        Generation generation = db.holdCurrent();
        Path temp = db.folder().newTemp();
        boolean done = false;
        try (Connection connection = Sqlite.openReadOnly(generation.file(), Duration.ofSeconds(5))) {
            long start = System.nanoTime();
            int rc = connection.unwrap(SQLiteConnection.class).getDatabase()
                    .backup("main", temp.toString(), null, BUSY_SLEEP_MILLIS, BUSY_RETRIES, ALL_PAGES);
            if (rc != 0) {
                throw new IOException("snapshot of " + db.name() + " failed: SQLite result code " + rc);
            }
            LOG.log(System.Logger.Level.INFO, db.name() + ": snapshot of generation " + generation.id() + ", "
                    + Files.size(temp) + " bytes in " + (System.nanoTime() - start) / 1_000_000 + " ms");
            TempFiles.deleteSideFiles(temp);
            done = true;
            return temp;
        } catch (SQLException e) {
            throw new IOException("snapshot of " + db.name() + " failed: " + e.getMessage(), e);
        } finally {
            generation.release();
            if (!done) {
                TempFiles.delete(temp);
            }
        }
    }
}
