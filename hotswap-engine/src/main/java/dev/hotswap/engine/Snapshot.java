package dev.hotswap.engine;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;

import org.sqlite.SQLiteConnection;

/**
 * A consistent snapshot of a managed database's current generation, for a pull: the first
 * {@link #length} bytes of {@link #file} hold still until it is closed. The generation is held
 * meanwhile, so a swap neither closes nor deletes it. What the snapshot costs the application:
 * <ul>
 * <li>WAL mode: the generation's own file, held by a read transaction while it is read
 *     ({@link WalFileSnapshot}): no copy and no disk space, writers never blocked, the log growing
 *     with their commits until the snapshot is closed. When the file alone is not the snapshot now
 *     (an older reader keeps the log from it), a temp copy by SQLite's backup API in one step, one
 *     read transaction.</li>
 * <li>Rollback-journal mode: a read transaction holds writers off until it ends, so the file is
 *     copied into a temp file in chunks, each under a read transaction of its own
 *     ({@link RollbackFileCopy}): writers wait for one chunk at most, a commit between chunks starts
 *     the copy over, and after a few restarts one read transaction holds to the end of the pass so
 *     that the copy finishes.</li>
 * </ul>
 * A delta push's base is always a copy ({@link #copyInto}): it is patched. A pull into a client's
 * file of a rollback-journal database needs no snapshot: {@link LivePullSender} streams the live
 * file and catches the client up.
 */
final class Snapshot implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(Snapshot.class.getName());
    /** Copy every page in one backup step. */
    private static final int ALL_PAGES = -1;
    /** A backup that finds a writer committing waits this long, and gives up after 500 such waits. */
    private static final int BUSY_SLEEP_MILLIS = 10;
    private static final int BUSY_RETRIES = 500;

    /** What closing a snapshot ends: a read transaction and the generation's hold, or a temp file. */
    @FunctionalInterface
    private interface Release {
        void run() throws IOException;
    }

    private final Path file;
    private final long length;
    private final Release release;

    private Snapshot(Path file, long length, Release release) {
        this.file = file;
        this.length = length;
        this.release = release;
    }

    /**
     * Takes a snapshot of {@code db}; a temp copy is claimed from {@code budget} before it is made.
     *
     * @throws IOException if the snapshot cannot be made (no room, SQLite busy past its retries)
     */
    static Snapshot open(ManagedDatabase db, DiskBudget budget) throws IOException {
        Generation generation = db.holdCurrent();
        boolean handedOver = false;
        try {
            long start = System.nanoTime();
            boolean wal = JournalMode.isWal(generation.file());
            if (wal) {
                WalFileSnapshot held = tryHold(db.name(), generation.file());
                if (held != null) {
                    logged(db.name(), generation, held.length(), start, "the file itself, held by a read transaction");
                    handedOver = true;
                    return new Snapshot(generation.file(), held.length(), () -> {
                        try {
                            held.close();
                        } catch (SQLException e) {
                            throw new IOException("ending the snapshot's read transaction failed: " + e.getMessage(), e);
                        } finally {
                            generation.release();
                        }
                    });
                }
            }
            DiskClaim claim = budget.claim("a snapshot", db.folder().path(), Files.size(generation.file()));
            Path temp = null;
            boolean done = false;
            try {
                temp = db.folder().newTemp();
                String how = wal ? backup(db.name(), generation, temp, claim)
                        : copyInChunks(db.name(), generation, temp, claim);
                TempFiles.deleteSideFiles(temp);
                long length = Files.size(temp);
                logged(db.name(), generation, length, start, how);
                done = true;
                Path copy = temp;
                return new Snapshot(temp, length, () -> {
                    try {
                        TempFiles.delete(copy);
                    } finally {
                        claim.close();
                    }
                });
            } finally {
                if (!done) {
                    if (temp != null) {
                        TempFiles.delete(temp);
                    }
                    claim.close();
                }
            }
        } finally {
            if (!handedOver) {
                generation.release();
            }
        }
    }

    /**
     * Copies {@code db}'s current generation into {@code temp}, an empty temp file of the engine's (a
     * delta push patches such a copy), reporting what it writes to {@code claim}; deletes its side
     * files, never {@code temp} itself.
     *
     * @return which generation was copied, and the stamp of its file if the copy is that file's
     *     bytes at that stamp (for {@link PageHashCache})
     */
    static BaseCopy copyInto(ManagedDatabase db, Path temp, DiskClaim claim) throws IOException {
        Generation generation = db.holdCurrent();
        try {
            long start = System.nanoTime();
            // Before any stamp is taken: a write after it is stamped this time or later.
            FileTime now = FileStamp.fileSystemNowOrNull(temp);
            String how;
            FileStamp stamp = null;
            if (!JournalMode.isWal(generation.file())) {
                FileStamp before = FileStamp.ofOrNull(generation.file());
                how = copyInChunks(db.name(), generation, temp, claim);
                stamp = BaseCopy.stable(before, FileStamp.ofOrNull(generation.file()), now);
            } else {
                WalFileSnapshot.Copied copied = tryCopy(db.name(), generation.file(), temp, claim);
                if (copied != null) {
                    how = "a copy of the file";
                    stamp = BaseCopy.stable(copied.before(), copied.after(), now);
                } else {
                    // SQLite's pages, not the file's bytes: page 1 rewritten, the log's frames in
                    how = backup(db.name(), generation, temp, claim);
                }
            }
            TempFiles.deleteSideFiles(temp);
            logged(db.name(), generation, Files.size(temp), start, how);
            return new BaseCopy(generation.id(), stamp);
        } finally {
            generation.release();
        }
    }

    /** The file to read: the generation's own, or a temp copy. */
    Path file() {
        return file;
    }

    /** How many bytes of {@link #file}, from its start, are the snapshot. */
    long length() {
        return length;
    }

    /** Writes the snapshot to {@code out} in {@value StreamReceiver#BUFFER_BYTES}-byte reads. */
    void send(OutputStream out) throws IOException {
        byte[] buffer = new byte[StreamReceiver.BUFFER_BYTES];
        try (InputStream in = Files.newInputStream(file)) {
            for (long left = length; left > 0;) {
                int n = in.readNBytes(buffer, 0, (int) Math.min(buffer.length, left));
                if (n == 0) {
                    throw new IOException("the snapshot " + file + " ends " + left + " bytes early");
                }
                out.write(buffer, 0, n);
                left -= n;
            }
        }
    }

    /** Ends the snapshot: its read transaction and the generation's hold, or its temp file. */
    @Override
    public void close() throws IOException {
        release.run();
    }

    private static void logged(String database, Generation generation, long bytes, long startNanos, String how) {
        LOG.log(System.Logger.Level.INFO, database + ": snapshot of generation " + generation.id() + ", " + bytes
                + " bytes in " + (System.nanoTime() - startNanos) / 1_000_000 + " ms, " + how);
    }

    private static WalFileSnapshot tryHold(String database, Path file) throws IOException {
        try {
            return WalFileSnapshot.tryHold(file);
        } catch (SQLException e) {
            throw failed(database, e);
        }
    }

    private static WalFileSnapshot.Copied tryCopy(String database, Path file, Path temp, DiskClaim claim)
            throws IOException {
        try {
            return WalFileSnapshot.tryCopy(file, temp, claim);
        } catch (SQLException e) {
            throw failed(database, e);
        }
    }

    private static String copyInChunks(String database, Generation generation, Path temp, DiskClaim claim)
            throws IOException {
        RollbackFileCopy copy = new RollbackFileCopy(RollbackFileCopy.CHUNK);
        try {
            copy.copy(generation.file(), temp, claim);
        } catch (SQLException e) {
            throw failed(database, e);
        }
        return copy.chunks() + " chunks, " + copy.restarts() + " restarts";
    }

    private static IOException failed(String database, SQLException e) {
        return new IOException("snapshot of " + database + " failed: " + e.getMessage(), e);
    }

    /** One backup step, one read transaction: a WAL database whose file alone is not the snapshot now. */
    private static String backup(String database, Generation generation, Path temp, DiskClaim claim)
            throws IOException {
        try (Connection connection = Sqlite.openReadOnly(generation.file(), Duration.ofSeconds(5))) {
            int rc = connection.unwrap(SQLiteConnection.class).getDatabase().backup("main", temp.toString(), null,
                    BUSY_SLEEP_MILLIS, BUSY_RETRIES, ALL_PAGES);
            if (rc != 0) {
                throw new IOException("snapshot of " + database + " failed: SQLite result code " + rc);
            }
            claim.wrote(Files.size(temp)); // SQLite wrote it in one step: checked once it is there
        } catch (SQLException e) {
            throw failed(database, e);
        }
        return "backup API";
    }
}
