package dev.hotswap.engine;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;

/**
 * A WAL-mode database whose file alone holds a consistent snapshot, held still by a read
 * transaction until closed: read in place (a pull streams it, with no copy and no disk space) or
 * copied in the kernel (the base of a delta push), at the speed of the disk, instead of page by page
 * through SQLite's backup API (about five times slower here).
 *
 * <p>Why the file alone holds the snapshot, and holds still: a read transaction is opened first;
 * then a passive checkpoint (which never waits) writes the log into the file up to the oldest
 * reader's snapshot. If the checkpoint reports every frame of the log written back, no frame was
 * added after the read transaction began, so the file holds exactly that transaction's snapshot.
 * While the transaction lasts, SQLite writes nothing more into the file: a checkpoint never writes
 * back frames newer than a reader's snapshot, and a reader that reads the file alone (read mark 0)
 * keeps checkpoints off it entirely. Writers are never blocked: they go on appending to the log,
 * which grows until the hold ends and the next checkpoint catches up. When the checkpoint cannot
 * write everything back (a reader older than ours, a writer in between), there is no hold and the
 * caller uses the backup API.
 */
final class WalFileSnapshot implements AutoCloseable {
    private static final Duration CHECKPOINT_BUSY_TIMEOUT = Duration.ofMillis(100);

    private final Path file;
    private final Connection reader;
    private final long length;

    private WalFileSnapshot(Path file, Connection reader, long length) {
        this.file = file;
        this.reader = reader;
        this.length = length;
    }

    /**
     * Holds {@code file}, a WAL-mode database, if the file alone holds a consistent snapshot right now.
     *
     * @return the hold, or {@code null} if the file is not the snapshot now
     */
    static WalFileSnapshot tryHold(Path file) throws IOException, SQLException {
        Connection reader = Sqlite.openReadOnly(file, Settings.BUSY_TIMEOUT);
        boolean held = false;
        try {
            reader.setAutoCommit(false);
            try (Statement statement = reader.createStatement();
                    ResultSet row = statement.executeQuery("SELECT count(*) FROM sqlite_master")) {
                row.next(); // the read transaction, and its snapshot, start here
            }
            try (Connection checkpointer = Sqlite.open(file, CHECKPOINT_BUSY_TIMEOUT);
                    Statement statement = checkpointer.createStatement();
                    ResultSet row = statement.executeQuery("PRAGMA wal_checkpoint(PASSIVE)")) {
                if (!row.next() || row.getInt(1) != 0 || row.getLong(2) != row.getLong(3)) {
                    return null; // busy, or not every frame is in the file: the file is not the snapshot
                }
            }
            WalFileSnapshot snapshot = new WalFileSnapshot(file, reader, pagesLength(file));
            held = true;
            return snapshot;
        } finally {
            if (!held) {
                reader.close();
            }
        }
    }

    /**
     * The file's stamps just before and just after it was copied, both while held: equal unless
     * something other than SQLite wrote the file meanwhile (null where a stamp could not be read).
     */
    record Copied(FileStamp before, FileStamp after) {
    }

    /**
     * Copies {@code file}, a WAL-mode database, into {@code target} (an empty file), if the file
     * alone holds a consistent snapshot right now, reporting what it writes to {@code claim}.
     *
     * @return the file's stamps around the copy, or null if no copy was made ({@code target} is
     *     then untouched)
     */
    static Copied tryCopy(Path file, Path target, DiskClaim claim) throws IOException, SQLException {
        try (WalFileSnapshot snapshot = tryHold(file)) {
            if (snapshot == null) {
                return null;
            }
            FileStamp before = FileStamp.ofOrNull(file);
            snapshot.copyTo(target, claim);
            return new Copied(before, FileStamp.ofOrNull(file));
        }
    }

    /** The bytes of the file that are the snapshot's pages: from its start, held still. */
    long length() {
        return length;
    }

    private void copyTo(Path target, DiskClaim claim) throws IOException {
        try (FileChannel source = FileChannel.open(file, StandardOpenOption.READ);
                FileChannel sink = FileChannel.open(target, StandardOpenOption.WRITE)) {
            sink.truncate(0);
            long copied = 0;
            while (copied < length) {
                long n = source.transferTo(copied, Math.min(RollbackFileCopy.STEP, length - copied), sink);
                if (n <= 0) {
                    throw new IOException("copying " + file + " stopped at " + copied + " of " + length + " bytes");
                }
                copied += n;
                claim.wrote(n);
            }
        }
    }

    /** The bytes of {@code file} that its header says are database pages. */
    private static long pagesLength(Path file) throws IOException {
        long length;
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            length = channel.size();
        }
        DatabaseHeader header = DatabaseHeader.read(file);
        if (header != null && header.pageCountValid()) {
            length = Math.min(length, header.pageCount() * header.pageSize());
        }
        return length;
    }

    /** Ends the read transaction: checkpoints may write into the file again. */
    @Override
    public void close() throws SQLException {
        try {
            reader.rollback();
        } finally {
            reader.close();
        }
    }
}
