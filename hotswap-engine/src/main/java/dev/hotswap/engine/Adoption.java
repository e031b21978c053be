package dev.hotswap.engine;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * Making the file the engine finds at a live path a generation, without ever renaming it.
 *
 * <ul>
 * <li>A regular file at the live path is adopted when the engine starts, before anything of the
 *     engine opens it: it gets its generation name by a hard link in the folder (same file system; the
 *     same file, nothing copied), the link is recorded, and the live path becomes a link to it. Doing
 *     this at the first swap instead would leave connections open under a path that a link then
 *     replaces: SQLite refuses writes to such a "moved" file in rollback-journal mode
 *     ({@code SQLITE_READONLY_DBMOVED}) and stops checkpointing its write-ahead log, so requests in
 *     flight at the first swap would fail. If another process holds the file (its write-ahead log
 *     stays after a checkpoint, or its journal is hot), the engine refuses to start rather than give
 *     that process a file whose name changed under it.</li>
 * <li>An operator's link to a file elsewhere (a data volume) is served as it is: the file is never
 *     moved, so its connections are never affected. It is recorded in the history as a generation that
 *     lies outside the folder on the first swap, and the engine never deletes it.</li>
 * </ul>
 */
final class Adoption {
    private static final System.Logger LOG = System.getLogger(Adoption.class.getName());
    private static final long JOURNAL_MAGIC = 0xd9d505f920a163d7L;
    /** Busy timeout of the connection that settles a file before adoption: a holder is a refusal, not a wait. */
    private static final Duration SETTLE_BUSY_TIMEOUT = Duration.ofMillis(200);

    private Adoption() {
    }

    /**
     * Adopts the regular file at {@code live} as a generation of {@code folder}: its id is the one of a
     * hard link to it already there (a crash after the link), or {@code newId}; {@code now} is the
     * instant shown for it; {@code rolloutId} the fleet rollout whose copy it is, or null.
     *
     * @throws IOException if another process holds the file, or the hard link cannot be made
     */
    static GenerationRecord adoptInPlace(String database, Path live, GenerationFolder folder, long newId, Instant now,
            String rolloutId) throws IOException {
        settle(database, live);
        Object key = Files.readAttributes(live, BasicFileAttributes.class).fileKey();
        long id = newId;
        for (long existing : folder.ids()) {
            if (key != null && key.equals(Files.readAttributes(folder.file(existing), BasicFileAttributes.class).fileKey())) {
                id = existing;
            }
        }
        if (id == newId) {
            try {
                folder.linkAdopted(live, id);
            } catch (IOException | UnsupportedOperationException e) {
                throw new IOException("database " + database + ": cannot adopt " + live + ": a hard link to it in "
                        + folder + " failed (" + e + "); make " + live + " a symbolic link to the file instead", e);
            }
        }
        folder.disk().reached(Steps.ADOPTION_LINKED);
        GenerationRecord record = new GenerationRecord(id, folder.file(id), now, GenerationRecord.Origin.ADOPTED,
                rolloutId);
        folder.history().append(record, List.of(record)); // a new history is never stale: an append
        folder.pointLiveAt(record.file());
        LOG.log(System.Logger.Level.INFO, "{0}: adopted {1} as generation {2}; {1} links to it now", database, live, id);
        return record;
    }

    /**
     * Applies what a crash left beside {@code file} (checkpoints a write-ahead log, rolls back a hot
     * journal) through a connection of its own, and checks that nothing else holds the file: with
     * every connection closed, SQLite removes {@code -wal} and {@code -shm}.
     */
    private static void settle(String database, Path file) throws IOException {
        if (Sqlite.SIDE_FILE_SUFFIXES.stream().noneMatch(side -> Files.exists(Sqlite.sideFile(file, side)))) {
            return;
        }
        DatabaseHeader header = DatabaseHeader.read(file);
        boolean wal = header != null && header.wal();
        try (Connection connection = Sqlite.open(file, SETTLE_BUSY_TIMEOUT);
                Statement statement = connection.createStatement()) {
            String sql = wal ? "PRAGMA wal_checkpoint(TRUNCATE)" : "SELECT count(*) FROM sqlite_master";
            try (ResultSet row = statement.executeQuery(sql)) {
                if (wal && row.next() && row.getInt(1) != 0) {
                    throw held(database, file, "its write-ahead log could not be checkpointed");
                }
            }
        } catch (SQLException e) {
            throw new IOException("database " + database + ": could not open " + file + " to adopt it: " + e.getMessage(), e);
        }
        for (String side : List.of("-wal", "-shm")) {
            if (Files.exists(Sqlite.sideFile(file, side))) {
                throw held(database, file, Sqlite.sideFile(file, side) + " remains after a checkpoint");
            }
        }
        Path journal = Sqlite.sideFile(file, "-journal");
        if (isHotJournal(journal)) {
            throw held(database, file, journal + " is active");
        }
        // A journal with a zeroed header (PERSIST, TRUNCATE modes) is never replayed: harmless, gone.
        Files.deleteIfExists(journal);
    }

    private static IOException held(String database, Path file, String evidence) {
        return new IOException("database " + database + ": " + file + " is open in another process (" + evidence
                + "); stop it, or make the live path a symbolic link to the file, before starting hotswap");
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
}
