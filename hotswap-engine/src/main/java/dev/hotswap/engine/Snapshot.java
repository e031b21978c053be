package dev.hotswap.engine;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.locks.Lock;

import org.sqlite.SQLiteConnection;

/**
 * A consistent copy of a managed database in a temp file, made with SQLite's online backup API in
 * one step from a read-only connection. One step is one read transaction: in WAL mode it sees one
 * snapshot without blocking writers; in rollback mode writers wait for it (their busy timeout) rather
 * than restart it.
 */
final class Snapshot {
    private static final System.Logger LOG = System.getLogger(Snapshot.class.getName());
    /** Copy every page in one backup step. */
    private static final int ALL_PAGES = -1;
    private static final int BUSY_SLEEP_MILLIS = 100;
    private static final int BUSY_RETRIES = 100;

    private Snapshot() {
    }

    /** Copies {@code db} into a new temp file next to it; the caller deletes it with {@link TempFiles#delete}. */
    static Path take(ManagedDatabase db) throws IOException {
        Path temp = TempFiles.create(db.realPath());
        boolean done = false;
        try {
            copyInto(db, temp);
            done = true;
            return temp;
        } finally {
            if (!done) {
                TempFiles.delete(temp);
            }
        }
    }

    /**
     * Copies {@code db} into {@code temp}, an empty temp file of the engine's (a delta push patches
     * such a copy); deletes its side files, never {@code temp} itself.
     */
    static void copyInto(ManagedDatabase db, Path temp) throws IOException {
        Path live = db.realPath();
        Lock lock = db.fileLock().readLock();
        try {
            lock.lockInterruptibly();
            try (Connection connection = Sqlite.openReadOnly(live, Duration.ofSeconds(5))) {
                long start = System.nanoTime();
                int rc = connection.unwrap(SQLiteConnection.class).getDatabase()
                        .backup("main", temp.toString(), null, BUSY_SLEEP_MILLIS, BUSY_RETRIES, ALL_PAGES);
                if (rc != 0) {
                    throw new IOException("snapshot of " + db.name() + " failed: SQLite result code " + rc);
                }
                LOG.log(System.Logger.Level.INFO, db.name() + ": snapshot of " + Files.size(temp) + " bytes in "
                        + (System.nanoTime() - start) / 1_000_000 + " ms");
            } catch (SQLException e) {
                throw new IOException("snapshot of " + db.name() + " failed: " + e.getMessage(), e);
            } finally {
                lock.unlock();
            }
            TempFiles.deleteSideFiles(temp);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            InterruptedIOException interrupted = new InterruptedIOException("interrupted before the snapshot of " + db.name());
            interrupted.initCause(e);
            throw interrupted;
        }
    }

    /** Writes {@code snapshot} to {@code out} in {@value StreamReceiver#BUFFER_BYTES}-byte reads. */
    static void send(Path snapshot, java.io.OutputStream out) throws IOException {
        byte[] buffer = new byte[StreamReceiver.BUFFER_BYTES];
        try (java.io.InputStream file = Files.newInputStream(snapshot)) {
            for (int n; (n = file.readNBytes(buffer, 0, buffer.length)) > 0;) {
                out.write(buffer, 0, n);
            }
        }
    }
}
