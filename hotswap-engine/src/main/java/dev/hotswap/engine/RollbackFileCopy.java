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
 * A consistent copy of a rollback-journal database made by copying its file in the kernel, in
 * chunks, each under a read transaction of its own, so that writers wait for one chunk at most.
 *
 * <p>Why it is consistent: under a read transaction (SQLite's SHARED lock) no writer can change the
 * file, and SQLite has rolled back any hot journal before granting it. Every transaction that writes
 * the file increments its change counter (bytes 24 to 27 of the header) before it unlocks, so a
 * counter that reads the same in every chunk's transaction means no write committed between them:
 * the chunks together are one snapshot. A changed counter starts the copy over (as SQLite's backup
 * API restarts); after {@value #RESTARTS} restarts the copy keeps one read transaction to its end,
 * so that it finishes, and writers wait for the rest of that pass.
 *
 * <p>Not for a database in exclusive locking mode (its counter moves once per session): the app then
 * holds the lock, and the first read transaction waits out its busy timeout and fails.
 */
final class RollbackFileCopy {
    /** Bytes copied per read transaction: a few tens of milliseconds of a writer's wait. */
    static final long CHUNK = 64L << 20;
    /**
     * Bytes per kernel copy: the disk claim hears of the copy in steps of this, so that space the
     * app takes meanwhile stops it near the reserve.
     */
    static final long STEP = 4L << 20;
    /** Restarts tolerated before the copy holds writers off to finish. */
    static final int RESTARTS = 3;

    private final long chunk;
    private final Runnable betweenTransactions;
    private int chunks;
    private int restarts;

    RollbackFileCopy(long chunk) {
        this(chunk, () -> { });
    }

    /**
     * {@code betweenTransactions} runs each time the copy has ended one read transaction and will
     * begin another: where a writer's commit lands. Tests commit there to make restarts certain.
     */
    RollbackFileCopy(long chunk, Runnable betweenTransactions) {
        this.chunk = chunk;
        this.betweenTransactions = betweenTransactions;
    }

    /** Copies {@code file} into {@code target} (an empty file). */
    void copy(Path file, Path target) throws IOException, SQLException {
        copy(file, target, null);
    }

    /** Copies {@code file} into {@code target} (an empty file), reporting what it writes to {@code claim}. */
    void copy(Path file, Path target, DiskClaim claim) throws IOException, SQLException {
        try (Connection reader = Sqlite.openReadOnly(file, Settings.BUSY_TIMEOUT);
                FileChannel source = FileChannel.open(file, StandardOpenOption.READ);
                FileChannel sink = FileChannel.open(target, StandardOpenOption.WRITE)) {
            reader.setAutoCommit(false);
            long counter = -1;
            long length = 0;
            long position = 0;
            do {
                beginRead(reader);
                Header header = Header.of(source);
                if (counter != header.changeCounter()) {
                    if (counter != -1) {
                        restarts++;
                    }
                    counter = header.changeCounter();
                    length = Math.min(source.size(), header.bytes());
                    if (claim != null) {
                        claim.freed(sink.size());
                    }
                    position = 0;
                    sink.truncate(0);
                }
                long end = Math.min(length, position + chunk);
                while (position < end) {
                    long n = source.transferTo(position, Math.min(STEP, end - position), sink.position(position));
                    if (n <= 0) {
                        throw new IOException("copying " + file + " stopped at " + position + " of " + length + " bytes");
                    }
                    position += n;
                    if (claim != null) {
                        claim.wrote(n);
                    }
                }
                chunks++;
                if (position >= length) {
                    reader.rollback();
                } else if (restarts < RESTARTS) {
                    reader.rollback(); // writers commit now, before the next chunk
                    betweenTransactions.run();
                }
            } while (position < length);
        }
    }

    int chunks() {
        return chunks;
    }

    int restarts() {
        return restarts;
    }

    private static void beginRead(Connection reader) throws SQLException {
        try (Statement statement = reader.createStatement();
                ResultSet row = statement.executeQuery("SELECT count(*) FROM sqlite_master")) {
            row.next(); // the read transaction starts here, or goes on if it is open
        }
    }

    /**
     * The header fields the copy needs, read from the file under a read transaction; {@code wal}:
     * the file is in WAL mode now (its read and write versions are 2), where commits do not move the
     * counter.
     */
    record Header(long changeCounter, long bytes, boolean wal) {
        static Header of(FileChannel source) throws IOException {
            ByteBuffer header = ByteBuffer.allocate(DatabaseHeader.SIZE);
            while (header.hasRemaining() && source.read(header, header.position()) > 0) {
                // a short read just repeats
            }
            if (header.hasRemaining()) {
                throw new IOException("the database file is shorter than its header");
            }
            int rawPageSize = header.getShort(16) & 0xffff;
            long pageSize = rawPageSize == 1 ? 65536 : rawPageSize;
            long pageCount = header.getInt(28) & 0xffffffffL;
            return new Header(header.getInt(24) & 0xffffffffL, pageCount * pageSize, header.get(18) == 2);
        }
    }
}
