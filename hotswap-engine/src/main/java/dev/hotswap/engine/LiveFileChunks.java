package dev.hotswap.engine;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Reads a rollback-journal database's live file in chunks into memory, each chunk under a read
 * transaction (SQLite's SHARED lock) that ends as soon as its bytes are read, before they go
 * anywhere: a writer waits for one read of a chunk at most, however slowly the bytes then travel.
 *
 * <p>Under the read transaction no writer changes the file, and SQLite has rolled back any hot
 * journal before granting it. Each chunk also reads the header's change counter (bytes 24 to 27),
 * which every write transaction increments before it unlocks, and the database's length (page
 * count times page size): chunks that read the same counter were read from one committed state.
 * With {@code hold}, the transaction is kept after the read, for the next chunks, until
 * {@link #release}: a pass that must finish holds writers off for its rest.
 *
 * <p>A database that switches to WAL mode meanwhile fails the read (that switch is a commit, so the
 * chunks read before it are caught up by a pass, which sees it). Not for a database in exclusive
 * locking mode (its counter moves once per session): the app then
 * holds the lock, and the first read waits out its busy timeout and fails.
 */
final class LiveFileChunks implements AutoCloseable {
    /** What one chunk's read transaction saw. */
    record Chunk(long changeCounter, long fileLength, int bytes) {
    }

    private final Connection reader;
    private final FileChannel source;
    private final Runnable betweenTransactions;
    private boolean inTransaction;
    private int transactions;

    /**
     * Opens {@code file} for reading. {@code betweenTransactions} runs each time one read transaction
     * has ended and the next begins: where a writer's commit lands. Tests commit there.
     */
    LiveFileChunks(Path file, Runnable betweenTransactions) throws IOException, SQLException {
        this.betweenTransactions = betweenTransactions;
        Connection connection = Sqlite.openReadOnly(file, Settings.BUSY_TIMEOUT);
        try {
            connection.setAutoCommit(false);
            this.source = FileChannel.open(file, StandardOpenOption.READ);
        } catch (IOException | SQLException | RuntimeException e) {
            connection.close();
            throw e;
        }
        this.reader = connection;
    }

    /**
     * Reads the bytes of the database from {@code position} into {@code buffer}, as many as fit and
     * the database holds (none at or past its end), under a read transaction: a new one, or the one
     * a previous {@code hold} kept.
     */
    Chunk read(long position, byte[] buffer, boolean hold) throws IOException, SQLException {
        if (!inTransaction) {
            if (transactions > 0) {
                betweenTransactions.run();
            }
            beginRead();
            inTransaction = true;
            transactions++;
        }
        try {
            long fileSize = source.size();
            RollbackFileCopy.Header header = fileSize < DatabaseHeader.SIZE ? null : RollbackFileCopy.Header.of(source);
            if (header != null && header.wal()) {
                // Commits would go to the log and leave the counter as it is: chunks could no longer tell them.
                throw new IOException("the database switched to WAL mode during the pull; pull it again");
            }
            long counter = header == null ? 0 : header.changeCounter();
            long length = header == null ? fileSize : Math.min(fileSize, header.bytes());
            int n = (int) Math.max(0, Math.min(buffer.length, length - position));
            ByteBuffer bytes = ByteBuffer.wrap(buffer, 0, n);
            while (bytes.hasRemaining()) {
                if (source.read(bytes, position + bytes.position()) < 0) {
                    throw new IOException("the database file ended at " + (position + bytes.position()) + " of "
                            + length + " bytes under a read transaction");
                }
            }
            return new Chunk(counter, length, n);
        } finally {
            if (!hold) {
                release();
            }
        }
    }

    /** Ends the read transaction, if one is open: writers may commit again. */
    void release() throws SQLException {
        if (inTransaction) {
            inTransaction = false;
            reader.rollback();
        }
    }

    /** Read transactions begun so far. */
    int transactions() {
        return transactions;
    }

    private void beginRead() throws SQLException {
        try (Statement statement = reader.createStatement();
                ResultSet row = statement.executeQuery("SELECT count(*) FROM sqlite_master")) {
            row.next(); // the read transaction starts here
        }
    }

    @Override
    public void close() throws IOException, SQLException {
        try (reader; source) {
            release();
        }
    }
}
