package dev.hotswap.engine;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The engine's temp names beside a live path, named after it so that the ones a crash left behind
 * can be found: {@code .production.sqlite3.hotswap-<random>.tmp} (the new link a swap renames over
 * the live path), plus SQLite's side files of such names; and the deletion of a file with its side
 * files. Temp files of new generations live in the generation folder ({@link GenerationFolder}).
 */
final class TempFiles {
    private static final System.Logger LOG = System.getLogger(TempFiles.class.getName());
    private static final String MARK = ".hotswap-";
    private static final String SUFFIX = ".tmp";

    private TempFiles() {
    }

    /** A fresh temp-file name in the directory of {@code live}, not created. */
    static Path fresh(Path live) {
        long random = java.util.concurrent.ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE;
        return live.resolveSibling("." + live.getFileName() + MARK + random + SUFFIX);
    }

    /** Whether {@code name} is a temp file of {@code live}, or a side file of one. */
    static boolean isTempOf(Path live, String name) {
        String prefix = "." + live.getFileName() + MARK;
        if (!name.startsWith(prefix)) {
            return false;
        }
        for (String side : Sqlite.SIDE_FILE_SUFFIXES) {
            if (name.endsWith(SUFFIX + side)) {
                return true;
            }
        }
        return name.endsWith(SUFFIX) && name.length() > prefix.length() + SUFFIX.length();
    }

    /** Deletes {@code temp} and any SQLite side files of it; never throws. */
    static void delete(Path temp) {
        deleteQuietly(temp);
        for (String side : Sqlite.SIDE_FILE_SUFFIXES) {
            deleteQuietly(Sqlite.sideFile(temp, side));
        }
    }

    /** Deletes SQLite's side files of {@code temp} (never of a live file); never throws. */
    static void deleteSideFiles(Path temp) {
        for (String side : Sqlite.SIDE_FILE_SUFFIXES) {
            deleteQuietly(Sqlite.sideFile(temp, side));
        }
    }

    /**
     * Deletes the temp files of {@code live} that a crashed or killed process left in its directory.
     * Only for startup: a running push's temp file matches too.
     *
     * @return how many files were deleted
     */
    static int deleteOrphans(Path live, Disk disk) throws IOException {
        Path dir = live.getParent();
        int deleted = 0;
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir,
                entry -> isTempOf(live, entry.getFileName().toString()))) {
            for (Path orphan : entries) {
                // Temp files, and the temp links a swap makes before renaming them over the live path.
                boolean ours = Files.isRegularFile(orphan, LinkOption.NOFOLLOW_LINKS) || Files.isSymbolicLink(orphan);
                if (ours && disk.delete(orphan)) {
                    LOG.log(System.Logger.Level.INFO, "deleted orphaned temp file {0}", orphan);
                    deleted++;
                }
            }
        }
        return deleted;
    }

    /** Makes a rename in {@code dir} durable: fsync on the directory itself. */
    static void syncDirectory(Path dir) throws IOException {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        }
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (NoSuchFileException e) {
            // gone already
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "could not delete " + file, e);
        }
    }
}
