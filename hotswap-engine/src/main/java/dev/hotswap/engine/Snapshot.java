package dev.hotswap.engine;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;

import org.sqlite.SQLiteConnection;

/**
 * A consistent copy of a managed database's current generation in a temp file, for a pull or as the
 * base of a delta push. The generation is held for the copy, so a swap meanwhile neither closes nor
 * deletes it. What the copy costs the application:
 * <ul>
 * <li>WAL mode: a copy of the file in the kernel when the file alone holds a consistent snapshot
 *     ({@link WalFileCopy}); else SQLite's backup API in one step, one read transaction. Either sees
 *     one snapshot and never blocks writers.</li>
 * <li>Rollback-journal mode: a read transaction holds writers off until it ends, so the file is
 *     copied in chunks, each under a read transaction of its own ({@link RollbackFileCopy}): writers
 *     wait for one chunk at most, a commit between chunks starts the copy over, and after a few
 *     restarts one read transaction holds to the end of the pass so that the copy finishes.</li>
 * </ul>
 */
final class Snapshot {
    private static final System.Logger LOG = System.getLogger(Snapshot.class.getName());
    /** Copy every page in one backup step. */
    private static final int ALL_PAGES = -1;
    /** A backup that finds a writer committing waits this long, and gives up after 500 such waits. */
    private static final int BUSY_SLEEP_MILLIS = 10;
    private static final int BUSY_RETRIES = 500;

    private Snapshot() {
    }

    /**
     * Copies {@code db} into a new temp file in its generation folder, if it fits with
     * {@code budget}'s reserve; the caller deletes it with {@link TempFiles#delete}.
     */
    static Path take(ManagedDatabase db, DiskBudget budget) throws IOException {
        Generation generation = db.holdCurrent();
        try {
            budget.requireRoomForSnapshot(db.folder().path(), Files.size(generation.file()));
            Path temp = db.folder().newTemp();
            boolean done = false;
            try {
                copy(db.name(), generation, temp);
                done = true;
                return temp;
            } finally {
                if (!done) {
                    TempFiles.delete(temp);
                }
            }
        } finally {
            generation.release();
        }
    }

    /**
     * Copies {@code db}'s current generation into {@code temp}, an empty temp file of the engine's (a
     * delta push patches such a copy); deletes its side files, never {@code temp} itself.
     */
    static void copyInto(ManagedDatabase db, Path temp) throws IOException {
        Generation generation = db.holdCurrent();
        try {
            copy(db.name(), generation, temp);
        } finally {
            generation.release();
        }
    }

    /** Writes {@code snapshot} to {@code out} in {@value StreamReceiver#BUFFER_BYTES}-byte reads. */
    static void send(Path snapshot, OutputStream out) throws IOException {
        byte[] buffer = new byte[StreamReceiver.BUFFER_BYTES];
        try (InputStream file = Files.newInputStream(snapshot)) {
            for (int n; (n = file.readNBytes(buffer, 0, buffer.length)) > 0;) {
                out.write(buffer, 0, n);
            }
        }
    }

    private static void copy(String database, Generation generation, Path temp) throws IOException {
        long start = System.nanoTime();
        String how;
        try {
            if (!JournalMode.isWal(generation.file())) {
                RollbackFileCopy copy = new RollbackFileCopy(RollbackFileCopy.CHUNK);
                copy.copy(generation.file(), temp);
                how = copy.chunks() + " chunks, " + copy.restarts() + " restarts";
            } else if (WalFileCopy.tryCopy(generation.file(), temp)) {
                how = "a copy of the file";
            } else {
                backup(database, generation, temp);
                how = "backup API";
            }
        } catch (SQLException e) {
            throw new IOException("snapshot of " + database + " failed: " + e.getMessage(), e);
        }
        LOG.log(System.Logger.Level.INFO, database + ": snapshot of generation " + generation.id() + ", "
                + Files.size(temp) + " bytes in " + (System.nanoTime() - start) / 1_000_000 + " ms, " + how);
        TempFiles.deleteSideFiles(temp);
    }

    /** One backup step, one read transaction: a WAL database whose file alone is not the snapshot now. */
    private static void backup(String database, Generation generation, Path temp) throws IOException, SQLException {
        try (Connection connection = Sqlite.openReadOnly(generation.file(), Duration.ofSeconds(5))) {
            int rc = connection.unwrap(SQLiteConnection.class).getDatabase().backup("main", temp.toString(), null,
                    BUSY_SLEEP_MILLIS, BUSY_RETRIES, ALL_PAGES);
            if (rc != 0) {
                throw new IOException("snapshot of " + database + " failed: SQLite result code " + rc);
            }
        }
    }
}
