package dev.hotswap.engine;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Set;

/**
 * Creates an empty database where a live path leads to nothing, for
 * {@link HotswapBuilder#createIfMissing(boolean)}: the application's migrations then make its schema.
 * The file is then an ordinary regular file at the live path, which the start adopts as generation 1
 * like any other.
 *
 * <p>What it makes, and why:
 * <ul>
 * <li><b>WAL mode</b>: what hotswap advises for an application that writes (readers and the writer do
 *     not block each other, a pull streams the file without copying it), and every generation pushed
 *     later takes the current one's mode, so the choice lasts.</li>
 * <li><b>Mode 0600</b>, set explicitly so that the umask plays no part: the engine's user reads and
 *     writes it, nobody else, like the admin socket. SQLite gives its {@code -wal} and {@code -shm} the
 *     same mode, and pushed generations copy it. An operator who wants a group to read it changes the
 *     current generation's mode; the next push keeps that.</li>
 * <li><b>Never half-made</b>: it is built under a temp name beside the live path, synced, and only then
 *     given the live name by a hard link, which fails rather than replace a file that appeared there
 *     meanwhile. A crash leaves at most the temp file, which the next start deletes with the other
 *     temp files of the live path.</li>
 * <li><b>Missing parent folders are created</b> (with the process's umask).</li>
 * </ul>
 * A symbolic link that leads nowhere is left alone: it names a file an operator put elsewhere (a
 * volume not mounted, say), and an empty database in its place would hide that.
 */
final class EmptyDatabase {
    private static final System.Logger LOG = System.getLogger(EmptyDatabase.class.getName());
    /** Read and write for the engine's user only. */
    static final Set<PosixFilePermission> MODE = PosixFilePermissions.fromString("rw-------");

    private EmptyDatabase() {
    }

    /**
     * Creates an empty WAL database at {@code live}, and its parent folders, unless something (a file,
     * a link, even a dangling one) is there already.
     *
     * @return whether it created one
     * @throws IOException if the folders or the file cannot be made
     */
    static boolean createIfMissing(String database, Path live) throws IOException {
        if (Files.exists(live, LinkOption.NOFOLLOW_LINKS)) {
            return false;
        }
        Path dir = live.getParent();
        Files.createDirectories(dir);
        Path temp = TempFiles.fresh(live);
        try {
            create(database, temp);
            try {
                Files.createLink(live, temp);
            } catch (FileAlreadyExistsException appeared) {
                return false; // another process put a file there meanwhile: that one is served
            } catch (IOException | UnsupportedOperationException e) {
                throw new IOException("database " + database + ": cannot link the new empty database into place at "
                        + live + " (the engine needs hard links there, as for adoption): " + e, e);
            }
            TempFiles.syncDirectory(dir);
        } finally {
            TempFiles.delete(temp);
        }
        LOG.log(System.Logger.Level.INFO, "{0}: {1} did not exist; created an empty database there (WAL, mode 0600)"
                + " for the application to make its schema in", database, live);
        return true;
    }

    /** An empty WAL database at {@code temp}, mode 0600, synced. */
    private static void create(String database, Path temp) throws IOException {
        PosixFileAttributeView posix = Files.getFileAttributeView(temp.getParent(), PosixFileAttributeView.class);
        if (posix != null) {
            Files.createFile(temp, PosixFilePermissions.asFileAttribute(MODE));
            Files.setPosixFilePermissions(temp, MODE); // createFile's mode passes through the umask
        } else {
            Files.createFile(temp);
        }
        try (Connection connection = Sqlite.open(temp, Settings.BUSY_TIMEOUT);
                Statement statement = connection.createStatement();
                ResultSet mode = statement.executeQuery("PRAGMA journal_mode=WAL")) {
            if (!mode.next() || !"wal".equalsIgnoreCase(mode.getString(1))) {
                throw new IOException("database " + database + ": SQLite would not put the new database at " + temp
                        + " in WAL mode");
            }
        } catch (SQLException e) {
            throw new IOException("database " + database + ": cannot create an empty database at " + temp + ": "
                    + e.getMessage(), e);
        }
        // Closing the last connection checkpointed the log into the file and removed it: the file is whole.
        try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
            channel.force(true);
        }
    }
}
