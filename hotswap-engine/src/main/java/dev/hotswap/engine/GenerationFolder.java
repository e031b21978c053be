package dev.hotswap.engine;

import java.io.IOException;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The hidden folder where the generations of one managed database live, beside its data on the same
 * file system: {@code <dir>/.hotswap/<file name>/000042.sqlite3}, with the {@code history} file and
 * the {@code lock} that makes one engine the folder's only user. The live path is a symbolic link to
 * the current generation, replaced atomically (a new link under a temp name renamed over it, then an
 * fsync of its directory). SQLite resolves the link, so every generation's {@code -wal}, {@code -shm}
 * and {@code -journal} lie beside its own file.
 *
 * <p>Where the folder is: for a live path that is already a link into a generation folder, that
 * folder; otherwise (a regular file, or an operator's link to a file elsewhere, a data volume) beside
 * the file the path leads to, named after that file, so that two paths to one file find one folder
 * and one lock.
 */
final class GenerationFolder implements AutoCloseable {
    /** The name of the directory that holds the generation folders, beside the data. */
    static final String DIRECTORY = ".hotswap";
    /** How the hidden files of the page hashes a {@link PageHashCache} keeps begin. */
    static final String PAGE_HASHES_PREFIX = ".pagehashes-";
    private static final System.Logger LOG = System.getLogger(GenerationFolder.class.getName());
    private static final Pattern GENERATION = Pattern.compile("(\\d{6,})\\.sqlite3");
    private static final String LOCK = "lock";

    private final String database;
    private final Path live;
    private final Path folder;
    private final GenerationHistory history;
    private final Disk disk;
    private final FileLock lock;

    /**
     * What a live path leads to.
     *
     * @param file the file it leads to now, a real path
     * @param folder the generation folder of that file (maybe not created yet), a real path where it exists
     * @param generation the id of {@code file} if it is a generation of {@code folder}
     */
    record Location(Path file, Path folder, OptionalLong generation) {
    }

    /**
     * The live link was renamed over the live path, but the fsync of its directory (or the open of the
     * directory for it) failed: the swap has happened for the running engine, for {@code sqlite3} and
     * for a restart, but whether the new link survives a power cut is not confirmed.
     */
    static final class LinkNotDurableException extends IOException {
        private static final long serialVersionUID = 1L;

        LinkNotDurableException(String message, IOException cause) {
            super(message, cause);
        }
    }

    private GenerationFolder(String database, Path live, Path folder, Disk disk, FileLock lock) {
        this.database = database;
        this.live = live;
        this.folder = folder;
        this.history = new GenerationHistory(folder, disk);
        this.disk = disk;
        this.lock = lock;
    }

    /**
     * Finds where {@code live} leads, touching nothing.
     *
     * @throws IOException with a message for the operator if it leads nowhere (missing, a dangling
     *     link, not a file)
     */
    static Location locate(String database, Path live) throws IOException {
        if (!Files.exists(live, LinkOption.NOFOLLOW_LINKS)) {
            throw new IOException("database " + database + ": " + live + " does not exist");
        }
        if (Files.isSymbolicLink(live) && !Files.exists(live)) {
            throw new IOException("database " + database + ": " + live + " is a symbolic link to "
                    + Files.readSymbolicLink(live) + ", which does not exist");
        }
        if (!Files.isRegularFile(live)) {
            throw new IOException("database " + database + ": " + live + " is not a file");
        }
        Path file = live.toRealPath();
        OptionalLong id = generationOf(file);
        Path folder = id.isPresent() ? file.getParent()
                : file.getParent().resolve(DIRECTORY).resolve(file.getFileName().toString());
        return new Location(file, folder, id);
    }

    /** The id of {@code file} if it is named and placed as a generation. */
    static OptionalLong generationOf(Path file) {
        Matcher matcher = GENERATION.matcher(file.getFileName().toString());
        Path parent = file.getParent();
        if (!matcher.matches() || parent == null || parent.getParent() == null
                || !DIRECTORY.equals(String.valueOf(parent.getParent().getFileName()))) {
            return OptionalLong.empty();
        }
        try {
            return OptionalLong.of(Long.parseLong(matcher.group(1)));
        } catch (NumberFormatException e) {
            return OptionalLong.empty();
        }
    }

    /** The file of generation {@code id} in {@code folder}. */
    static Path fileName(Path folder, long id) {
        return folder.resolve(String.format("%06d.sqlite3", id));
    }

    /**
     * Creates the folder if needed and takes its lock.
     *
     * @throws IOException if another engine (this process's or another's) holds the lock
     */
    static GenerationFolder open(String database, Path live, Location location, Disk disk) throws IOException {
        Files.createDirectories(location.folder());
        Path folder = location.folder().toRealPath();
        Path lockFile = folder.resolve(LOCK);
        FileLock lock;
        try {
            lock = disk.lock(lockFile);
        } catch (OverlappingFileLockException e) {
            throw new IOException("database " + database + ": " + live + " is managed already by another engine in"
                    + " this process (" + lockFile + " is locked)");
        }
        if (lock == null) {
            throw new IOException("database " + database + ": " + live + " is managed already by another process ("
                    + lockFile + " is locked)");
        }
        return new GenerationFolder(database, live, folder, disk, lock);
    }

    Disk disk() {
        return disk;
    }

    Path path() {
        return folder;
    }

    /** The configured live path. */
    Path live() {
        return live;
    }

    GenerationHistory history() {
        return history;
    }

    /** The file of generation {@code id}. */
    Path file(long id) {
        return fileName(folder, id);
    }

    /** The ids of the generation files in the folder, ascending. */
    List<Long> ids() throws IOException {
        List<Long> ids = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(folder)) {
            for (Path entry : entries) {
                Matcher matcher = GENERATION.matcher(entry.getFileName().toString());
                if (matcher.matches()) {
                    ids.add(Long.parseLong(matcher.group(1)));
                }
            }
        }
        ids.sort(null);
        return ids;
    }

    /** A new, empty temp file in the folder (mode 0600), for a file on its way to becoming a generation. */
    Path newTemp() throws IOException {
        return disk.createTemp(folder, ".incoming-", ".tmp");
    }

    /** A new, empty hidden file in the folder for the page hashes a {@link PageHashCache} keeps. */
    Path newPageHashes() throws IOException {
        return disk.createTemp(folder, PAGE_HASHES_PREFIX, ".tmp");
    }

    /**
     * Deletes what a crash left in the folder: every hidden file (temp files and their SQLite side
     * files). Only at start, with the lock held.
     *
     * @return how many files were deleted
     */
    int deleteTemps() throws IOException {
        int deleted = 0;
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(folder,
                entry -> entry.getFileName().toString().startsWith("."))) {
            for (Path temp : entries) {
                if (Files.isRegularFile(temp, LinkOption.NOFOLLOW_LINKS) && disk.delete(temp)) {
                    deleted++;
                }
            }
        }
        return deleted;
    }

    /**
     * Gives {@code temp} (complete, synced, closed) its permanent name as generation {@code id}, and
     * syncs the folder. If that sync fails, the file is deleted again: a push that fails leaves no
     * generation file behind.
     *
     * @throws java.nio.file.FileAlreadyExistsException if that generation exists
     */
    Path install(Path temp, long id) throws IOException {
        Path file = file(id);
        disk.renameNew(temp, file);
        try {
            disk.syncDirectory(folder);
        } catch (IOException e) {
            delete(file);
            throw e;
        }
        return file;
    }

    /** Gives the adopted file at {@code adopted} a second name, generation {@code id}, and syncs the folder. */
    Path linkAdopted(Path adopted, long id) throws IOException {
        Path file = file(id);
        disk.link(file, adopted);
        disk.syncDirectory(folder);
        return file;
    }

    /**
     * Points the live path at {@code file}: a link under a temp name beside it, renamed over it, then
     * an fsync of its directory, so that a crash leaves either the old or the new link. The target is
     * relative when {@code file} lies under the live path's directory (a tree that moves keeps
     * working), absolute otherwise.
     *
     * @throws LinkNotDurableException if the rename happened but the directory's fsync failed: the
     *     live path leads to {@code file} now
     * @throws IOException if the live path was not changed
     */
    void pointLiveAt(Path file) throws IOException {
        Path dir = live.getParent();
        Path realDir = dir.toRealPath();
        Path target = file.startsWith(realDir) ? realDir.relativize(file) : file;
        Path link = TempFiles.fresh(live);
        disk.symlink(link, target);
        try {
            disk.rename(link, live);
        } catch (IOException | RuntimeException e) {
            try {
                disk.delete(link);
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed); // a start deletes it: a temp name beside the live path
            }
            throw e;
        }
        try {
            disk.syncDirectory(dir);
        } catch (IOException e) {
            throw new LinkNotDurableException(live + " links to " + file + " now, but the fsync of " + dir
                    + " failed (" + e.getMessage() + "): that the link survives a power cut is not confirmed", e);
        }
    }

    /**
     * Deletes generation {@code file} and its side files, if it lies in this folder and the live path
     * does not lead to it; never throws an {@link IOException}.
     */
    void delete(Path file) {
        if (!folder.equals(file.getParent())) {
            return; // an adopted file where the operator put it: not ours to delete
        }
        try {
            if (live.toRealPath().equals(file)) {
                LOG.log(System.Logger.Level.WARNING, "{0}: not deleting {1}: {2} leads to it", database, file, live);
                return;
            }
        } catch (IOException e) {
            // the live path leads nowhere we could delete: nothing to protect here
        }
        deleteQuietly(file);
        for (String side : Sqlite.SIDE_FILE_SUFFIXES) {
            deleteQuietly(Sqlite.sideFile(file, side));
        }
    }

    private void deleteQuietly(Path file) {
        try {
            disk.delete(file);
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, database + ": could not delete " + file, e);
        }
    }

    /** Releases the lock. */
    @Override
    public void close() {
        try {
            lock.release();
            lock.channel().close();
        } catch (IOException e) {
            LOG.log(System.Logger.Level.DEBUG,
                    database + ": releasing " + folder.resolve(LOCK) + " failed", e);
        }
    }

    @Override
    public String toString() {
        return folder.toString();
    }
}
