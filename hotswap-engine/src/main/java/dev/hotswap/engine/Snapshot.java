package dev.hotswap.engine;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;

import org.sqlite.SQLiteConnection;
import org.sqlite.core.DB;

/**
 * A consistent copy of a managed database's current generation in a temp file, made with SQLite's
 * online backup API from a read-only connection. The generation is held for the copy, so a swap
 * meanwhile neither closes nor deletes it. What the copy costs the application:
 * <ul>
 * <li>WAL mode: a copy of the file at the speed of the disk, when the file alone holds a consistent
 *     snapshot ({@link WalFileCopy}); else the backup API in one step, one read transaction. Either
 *     sees one snapshot and never blocks writers.</li>
 * <li>Rollback-journal mode: a read transaction holds writers off (they wait, up to their busy
 *     timeout, to commit), so the copy goes in steps of {@value #STEP_PAGES} pages, each its own read
 *     transaction. A writer ready to commit takes SQLite's PENDING lock, which turns the next step
 *     away (it waits {@value #BUSY_SLEEP_MILLIS} ms and tries again) until the commit is done, so
 *     writers wait at most about one step. A commit makes SQLite restart the copy. After
 *     {@value #RESTARTS} restarts the copying connection keeps its read transaction to the end of the
 *     pass, so that it finishes: writers then wait for the rest of that pass (about the time
 *     {@code cp} takes for the file).</li>
 * </ul>
 */
final class Snapshot {
    private static final System.Logger LOG = System.getLogger(Snapshot.class.getName());
    /** Copy every page in one backup step. */
    private static final int ALL_PAGES = -1;
    /** Pages per step in rollback-journal mode: 4 MiB of 4 KiB pages, a few milliseconds of reading. */
    static final int STEP_PAGES = 1024;
    /** Restarts tolerated before the copy holds writers off to finish. */
    static final int RESTARTS = 3;
    /** A step that finds a writer committing waits this long, and gives up after 3000 such waits in all. */
    private static final int BUSY_SLEEP_MILLIS = 10;
    private static final int BUSY_RETRIES = 3000;

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
        boolean wal = JournalMode.isWal(generation.file());
        long start = System.nanoTime();
        try {
            if (wal && WalFileCopy.tryCopy(generation.file(), temp)) {
                LOG.log(System.Logger.Level.INFO, database + ": snapshot of generation " + generation.id() + ", "
                        + Files.size(temp) + " bytes in " + (System.nanoTime() - start) / 1_000_000
                        + " ms, a copy of the file");
                return;
            }
            try (Connection connection = Sqlite.openReadOnly(generation.file(), Duration.ofSeconds(5))) {
                Pacer pacer = new Pacer(database, connection);
                int rc = connection.unwrap(SQLiteConnection.class).getDatabase().backup("main", temp.toString(),
                        wal ? null : pacer, BUSY_SLEEP_MILLIS, BUSY_RETRIES, wal ? ALL_PAGES : STEP_PAGES);
                if (rc != 0) {
                    throw new IOException("snapshot of " + database + " failed: SQLite result code " + rc);
                }
                LOG.log(System.Logger.Level.INFO, database + ": snapshot of generation " + generation.id() + ", "
                        + Files.size(temp) + " bytes in " + (System.nanoTime() - start) / 1_000_000 + " ms"
                        + (wal ? ", backup API" : ", " + pacer.steps + " steps, " + pacer.restarts + " restarts"));
            }
        } catch (SQLException e) {
            throw new IOException("snapshot of " + database + " failed: " + e.getMessage(), e);
        }
        TempFiles.deleteSideFiles(temp);
    }


    /**
     * Watches a stepped copy: called after each step, it counts the restarts a commit causes (the
     * pages left grow again), and after {@link #RESTARTS} of them opens
     * a read transaction on the copying connection itself, which the following steps use, so that no
     * writer can restart the copy (a read transaction on another connection would deadlock with a
     * writer waiting to commit: the steps could then not read). The transaction ends when the
     * connection closes.
     */
    private static final class Pacer implements DB.ProgressObserver {
        private final String database;
        private final Connection source;
        private int lastRemaining = Integer.MAX_VALUE;
        private int steps;
        private int restarts;
        private boolean holding;
        private boolean holdFailed;

        Pacer(String database, Connection source) {
            this.database = database;
            this.source = source;
        }

        @Override
        public void progress(int remaining, int pageCount) {
            steps++;
            // Each step copies pages, so without a restart fewer are left after it than before.
            if (remaining >= lastRemaining) {
                restarts++;
            }
            lastRemaining = remaining;
            if (remaining == 0 || holding) {
                return;
            }
            if (restarts >= RESTARTS && !holdFailed) {
                // Never throw here: the copy loop is native and would go on with an exception pending.
                try {
                    source.setAutoCommit(false);
                    try (Statement statement = source.createStatement();
                            ResultSet row = statement.executeQuery("SELECT count(*) FROM sqlite_master")) {
                        row.next(); // the read transaction starts here
                    }
                    holding = true;
                } catch (SQLException e) {
                    holdFailed = true;
                    LOG.log(System.Logger.Level.WARNING, database + ": could not hold writers off to finish a"
                            + " snapshot; it goes on in steps", e);
                }
            }
        }
    }
}
