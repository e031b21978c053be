package dev.hotswap.engine;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.Lock;

/**
 * One push into one managed database, from the bytes arriving to the gate reopening on the new file.
 * The steps, each logged and timed:
 * <ol>
 * <li>receive into a hidden temp file next to the live file (a {@link CandidateReceiver}: the whole
 *     stream, or a copy of the live file patched by a delta), and start its fsync, which overlaps
 *     with the checks ({@link OverlappedSync});</li>
 * <li>the header sanity check (always);</li>
 * <li>{@code PRAGMA integrity_check} (unless skipped);</li>
 * <li>the schema comparison (unless skipped);</li>
 * <li>the swap: close the gate and drain, close every engine connection and tell the listeners,
 *     checkpoint the old file if anything of it is left beside it, so that no write-ahead log of it
 *     can reach the new one, keep a second link to it, rename the temp file onto the live file, fsync
 *     the directory, open the gate; then open a first connection to the new file, and drop the old
 *     file's last link, outside the pause.</li>
 * </ol>
 * Until the rename, any failure deletes the temp file and leaves the live file as it was. A push
 * claims its database on {@link #begin} and releases it on {@link #close()}, so that a second push is
 * refused at once instead of queueing.
 */
final class Push implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(Push.class.getName());
    /** Busy timeout of the connection that checkpoints the old file inside the pause: anything that
     *  still holds the file after the drain is a leak, not a writer worth waiting for. */
    private static final Duration QUIESCE_BUSY_TIMEOUT = Duration.ofMillis(200);
    private static final long JOURNAL_MAGIC = 0xd9d505f920a163d7L;

    private final Hotswap engine;
    private final ManagedDatabase db;
    private Path temp;
    /** A second link to the replaced file, so that its blocks are freed after the pause, not in it. */
    private Path retired;
    private OverlappedSync sync;
    private boolean closed;

    private Push(Hotswap engine, ManagedDatabase db) {
        this.engine = engine;
        this.db = db;
    }

    /**
     * Claims {@code db} for one push.
     *
     * @throws SwapRefusedException {@code ERROR: another push to <name> is in progress}
     */
    static Push begin(Hotswap engine, ManagedDatabase db) throws SwapRefusedException {
        if (!db.tryBeginPush()) {
            throw new SwapRefusedException("ERROR: another push to " + db.name() + " is in progress");
        }
        return new Push(engine, db);
    }

    /**
     * Runs the pipeline on the candidate {@code receiver} produces.
     *
     * @throws SwapRefusedException if a check or the swap refused; the live file is untouched
     * @throws IOException if receiving or a file operation failed; the live file is untouched unless
     *     the message says it was swapped
     */
    SwapReport run(CandidateReceiver receiver, PushOptions options, Progress progress)
            throws IOException, SwapRefusedException {
        String name = db.name();
        Path live = db.realPath();
        temp = TempFiles.create(live);

        progress.phase("upload");
        long start = System.nanoTime();
        long bytes = receiver.receiveInto(temp, progress);
        sync = OverlappedSync.start(temp);
        Duration receive = since(start);
        LOG.log(System.Logger.Level.INFO, name + ": received " + bytes + " bytes into " + temp + " in "
                + receive.toMillis() + " ms");
        progress.status("received " + bytes + " bytes in " + receive.toMillis() + " ms");

        DatabaseHeader incoming = DatabaseHeader.check(temp);
        LOG.log(System.Logger.Level.INFO, name + ": header ok: " + incoming.fileSize() / incoming.pageSize()
                + " pages of " + incoming.pageSize() + " bytes, " + (incoming.wal() ? "WAL" : "rollback") + " mode");

        Duration integrity = Duration.ZERO;
        if (options.skipIntegrityCheck()) {
            progress.status("integrity check skipped");
        } else {
            progress.phase("integrity check");
            start = System.nanoTime();
            IntegrityCheck.run(temp);
            integrity = since(start);
            LOG.log(System.Logger.Level.INFO, name + ": integrity check ok in " + integrity.toMillis() + " ms");
            progress.status("integrity check " + integrity.toMillis() + " ms");
        }

        Duration schema = Duration.ZERO;
        if (options.skipSchemaCheck()) {
            progress.status("schema check skipped");
        } else {
            progress.phase("schema check");
            start = System.nanoTime();
            checkSchema(live, temp);
            schema = since(start);
            LOG.log(System.Logger.Level.INFO, name + ": schema check ok in " + schema.toMillis() + " ms");
            progress.status("schema check " + schema.toMillis() + " ms");
        }

        // Everything that can be done before the pause is: journal mode, permissions, durability.
        DatabaseHeader liveHeader = DatabaseHeader.read(live);
        boolean liveWal = liveHeader != null && liveHeader.wal();
        if (incoming.wal() != liveWal) {
            setJournalMode(temp, liveWal);
        }
        copyPermissions(live, temp);
        sync.await();
        try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
            channel.force(true);
        }

        progress.phase("swap");
        progress.status("Swapping database...");
        start = System.nanoTime();
        long pauseNanos = swap(live);
        try {
            db.pool().warm();
        } catch (SQLException e) {
            LOG.log(System.Logger.Level.ERROR, db.name() + ": the new file was swapped in but does not open", e);
        }
        Duration swap = since(start);
        long pauseMicros = pauseNanos / 1000;
        db.recordSwap(Instant.now(), pauseMicros);
        SwapReport report = new SwapReport(name, bytes, receive, integrity, schema, swap, pauseMicros);
        LOG.log(System.Logger.Level.INFO, name + ": swapped " + bytes + " bytes; receive " + receive.toMillis()
                + " ms, integrity check " + integrity.toMillis() + " ms, schema check " + schema.toMillis()
                + " ms, swap " + swap.toMillis() + " ms, pause " + pauseMicros + " µs");
        try {
            progress.status("swap " + swap.toMillis() + " ms");
            progress.status("pause " + pauseMicros + " µs");
        } catch (IOException e) {
            // The swap is done; a client that left early only misses the numbers.
            LOG.log(System.Logger.Level.DEBUG, "client left before the swap report", e);
        }
        return report;
    }

    /** Deletes the temp file unless it became the live file, and releases the database. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (sync != null) {
            sync.awaitQuietly();
        }
        if (temp != null) {
            TempFiles.delete(temp);
        }
        if (retired != null) {
            TempFiles.delete(retired);
        }
        db.endPush();
    }

    private void checkSchema(Path live, Path incoming) throws SwapRefusedException, IOException {
        List<String> liveSchema;
        List<String> incomingSchema;
        try {
            liveSchema = SchemaDiff.read(live, true);
        } catch (SQLException e) {
            throw new IOException("reading the schema of live database " + db.name() + " failed: " + e.getMessage(), e);
        }
        try {
            incomingSchema = SchemaDiff.read(incoming, false);
        } catch (SQLException e) {
            throw new SwapRefusedException("ERROR: reading the schema of the new database failed\n" + e.getMessage());
        }
        String mismatch = SchemaDiff.mismatch(liveSchema, incomingSchema);
        if (mismatch != null) {
            throw new SwapRefusedException(mismatch);
        }
    }

    /**
     * The critical section. Returns the pause in nanoseconds: from closing the gate (drain included)
     * to reopening it.
     */
    private long swap(Path live) throws IOException, SwapRefusedException {
        Lock fileLock = db.fileLock().writeLock();
        Lock swapLock = engine.swapLock();
        try {
            // Wait for snapshots of this file and swaps of other databases outside the pause.
            fileLock.lockInterruptibly();
            try {
                swapLock.lockInterruptibly();
                try {
                    return swapLocked(live);
                } finally {
                    swapLock.unlock();
                }
            } finally {
                fileLock.unlock();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            InterruptedIOException interrupted = new InterruptedIOException(
                    "interrupted before swapping " + db.name() + "; database untouched");
            interrupted.initCause(e);
            throw interrupted;
        }
    }

    private long swapLocked(Path live) throws IOException, SwapRefusedException, InterruptedException {
        SwapGate gate = engine.gate();
        Duration drainTimeout = engine.drainTimeout();
        long closing = System.nanoTime();
        if (!gate.closeAndDrain(drainTimeout)) {
            LOG.log(System.Logger.Level.WARNING, "{0}: in-flight requests did not drain within {1}; swap abandoned",
                    db.name(), format(drainTimeout));
            throw new SwapRefusedException("ERROR: in-flight requests did not drain within "
                    + format(drainTimeout) + "; database untouched");
        }
        List<SwapListener> told = new ArrayList<>();
        try {
            for (SwapListener listener : engine.listeners()) {
                told.add(listener);
                try {
                    listener.beforeSwap(db.name(), db.path());
                } catch (RuntimeException e) {
                    LOG.log(System.Logger.Level.ERROR, db.name() + ": swap listener " + listener + " failed", e);
                    throw new SwapRefusedException("ERROR: swap listener failed: " + e + "; database untouched");
                }
            }
            db.pool().evict();
            quiesce(live);
            // The live file's journal mode could have changed since the checks; rare, so done here.
            DatabaseHeader liveHeader = DatabaseHeader.read(live);
            DatabaseHeader incoming = DatabaseHeader.read(temp);
            boolean liveWal = liveHeader != null && liveHeader.wal();
            if (incoming != null && incoming.wal() != liveWal) {
                setJournalMode(temp, liveWal);
            }
            TempFiles.deleteSideFiles(temp);
            retired = retire(live);
            Files.move(temp, live, StandardCopyOption.ATOMIC_MOVE);
            temp = null;
            try {
                TempFiles.syncDirectory(live.getParent());
            } catch (IOException e) {
                // The rename is visible already; only its durability across a power cut is in doubt.
                LOG.log(System.Logger.Level.WARNING, db.name() + ": fsync of " + live.getParent() + " failed", e);
            }
        } finally {
            for (SwapListener listener : told) {
                try {
                    listener.afterSwap(db.name(), db.path());
                } catch (RuntimeException e) {
                    LOG.log(System.Logger.Level.ERROR, db.name() + ": swap listener " + listener + " failed after the swap", e);
                }
            }
            gate.open();
        }
        return System.nanoTime() - closing;
    }

    /**
     * Links the live file under a fresh temp name, so that the rename over it does not drop its last
     * link: freeing a large file's blocks takes milliseconds, and they would be spent with the gate
     * closed. {@link #close()} deletes the link after the gate has reopened; a crash in between leaves
     * a temp file that the next start deletes. Without hard links (some file systems), returns null.
     */
    private Path retire(Path live) {
        Path link = TempFiles.fresh(live);
        try {
            return Files.createLink(link, live);
        } catch (IOException | UnsupportedOperationException e) {
            LOG.log(System.Logger.Level.DEBUG, db.name() + ": no hard link to keep the old file; it is freed in the pause", e);
            return null;
        }
    }

    /**
     * Makes sure nothing of the old file can be applied to the new one. With every engine connection
     * closed, one last connection checkpoints the write-ahead log into the file and truncates it (WAL
     * mode), or rolls back a hot journal (rollback modes); when it closes as the last connection,
     * SQLite deletes {@code -wal} and {@code -shm}. If they remain, or a journal is still active,
     * another connection holds the old file (another pool, another process): the swap is refused,
     * because that connection's next write would land in a log the new file would replay.
     */
    private void quiesce(Path live) throws SwapRefusedException, IOException {
        if (Sqlite.SIDE_FILE_SUFFIXES.stream().noneMatch(side -> Files.exists(Sqlite.sideFile(live, side)))) {
            // The pool's last close checkpointed and removed -wal and -shm, and no journal is
            // left: nothing of the old file can reach the new one, and opening it again would
            // only cost time in the pause.
            return;
        }
        DatabaseHeader header = DatabaseHeader.read(live);
        boolean wal = header != null && header.wal();
        try (Connection connection = Sqlite.open(live, QUIESCE_BUSY_TIMEOUT);
                Statement statement = connection.createStatement()) {
            if (wal) {
                try (ResultSet row = statement.executeQuery("PRAGMA wal_checkpoint(TRUNCATE)")) {
                    if (row.next() && row.getInt(1) != 0) {
                        throw new SwapRefusedException("ERROR: " + db.name() + " is still in use by another"
                                + " connection (the write-ahead log could not be checkpointed); database untouched");
                    }
                }
            } else {
                try (ResultSet row = statement.executeQuery("SELECT count(*) FROM sqlite_master")) {
                    row.next(); // reading rolls back a hot journal, if a crash left one
                }
            }
        } catch (SQLException e) {
            throw new SwapRefusedException("ERROR: could not close " + db.name() + " cleanly: " + e.getMessage()
                    + "; database untouched");
        }
        for (String side : List.of("-wal", "-shm")) {
            Path file = Sqlite.sideFile(live, side);
            if (Files.exists(file)) {
                throw new SwapRefusedException("ERROR: " + db.name() + " is still open elsewhere (" + file
                        + " remains after the engine closed its connections; close other pools in"
                        + " SwapListener.beforeSwap); database untouched");
            }
        }
        Path journal = Sqlite.sideFile(live, "-journal");
        if (isHotJournal(journal)) {
            throw new SwapRefusedException("ERROR: " + db.name() + " is being written by another connection ("
                    + journal + " is active); database untouched");
        }
        // A journal with a zeroed header (PERSIST, TRUNCATE modes) is never replayed: harmless, gone.
        Files.deleteIfExists(journal);
    }

    private static boolean isHotJournal(Path journal) throws IOException {
        try (FileChannel channel = FileChannel.open(journal, StandardOpenOption.READ)) {
            ByteBuffer magic = ByteBuffer.allocate(8);
            while (magic.hasRemaining() && channel.read(magic, magic.position()) > 0) {
                // a short read just repeats
            }
            return !magic.hasRemaining() && magic.getLong(0) == JOURNAL_MAGIC;
        } catch (NoSuchFileException e) {
            return false;
        }
    }

    /** Puts {@code file} (a temp file, no other connection) into WAL or rollback (DELETE) mode. */
    private void setJournalMode(Path file, boolean wal) throws IOException {
        String mode = wal ? "wal" : "delete";
        try (Connection connection = Sqlite.open(file, Duration.ofSeconds(5));
                Statement statement = connection.createStatement();
                ResultSet row = statement.executeQuery("PRAGMA journal_mode=" + mode)) {
            if (!row.next() || !mode.equalsIgnoreCase(row.getString(1))) {
                throw new IOException("could not put the new file of " + db.name() + " in " + mode + " mode");
            }
        } catch (SQLException e) {
            throw new IOException("could not put the new file of " + db.name() + " in " + mode + " mode: "
                    + e.getMessage(), e);
        }
        TempFiles.deleteSideFiles(file);
        LOG.log(System.Logger.Level.INFO, "{0}: new file put in {1} mode to match the live file", db.name(), mode);
    }

    /** Gives the new file the live file's mode bits (and owner and group, where allowed). */
    private void copyPermissions(Path live, Path file) {
        PosixFileAttributeView target = Files.getFileAttributeView(file, PosixFileAttributeView.class);
        if (target == null) {
            return;
        }
        try {
            PosixFileAttributes source = Files.readAttributes(live, PosixFileAttributes.class);
            target.setPermissions(source.permissions());
            PosixFileAttributes current = target.readAttributes();
            if (!current.group().equals(source.group())) {
                target.setGroup(source.group());
            }
            if (!current.owner().equals(source.owner())) {
                target.setOwner(source.owner());
            }
        } catch (IOException | SecurityException e) {
            LOG.log(System.Logger.Level.WARNING, db.name() + ": could not copy owner and mode of " + live, e);
        }
    }

    private static Duration since(long startNanos) {
        return Duration.ofNanos(System.nanoTime() - startNanos);
    }

    /** {@code 5s}, or {@code 250ms} when not whole seconds. */
    static String format(Duration duration) {
        long millis = duration.toMillis();
        return millis % 1000 == 0 ? millis / 1000 + "s" : millis + "ms";
    }
}
