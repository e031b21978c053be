package dev.hotswap.cli;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The temporary file a pull writes beside its destination, {@code .NAME.<hex>.hotswap-pull}: created
 * with the pulled file's permissions from the start (never wider for a moment), and locked for as
 * long as this process writes it, so that the next pull to the same destination can tell the temp
 * file of a killed pull (its lock died with it) from that of a running one.
 */
final class PullTempFile {
    static final String SUFFIX = ".hotswap-pull";

    private final Path path;
    private final FileChannel channel;

    private PullTempFile(Path path, FileChannel channel) {
        this.path = path;
        this.channel = channel;
    }

    /**
     * Creates and locks a new temporary file for {@code target}, with {@code permissions} (under the
     * umask, as any new file), open for reading and writing anywhere (a delta pull patches it).
     */
    static PullTempFile create(Path target, Set<PosixFilePermission> permissions) throws IOException {
        while (true) {
            Path path = target.resolveSibling("." + target.getFileName() + "."
                    + Long.toHexString(ThreadLocalRandom.current().nextLong()) + SUFFIX);
            FileChannel channel = FileChannel.open(path,
                    EnumSet.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.READ, StandardOpenOption.WRITE),
                    PosixFilePermissions.asFileAttribute(permissions));
            try {
                channel.lock();
            } catch (IOException | RuntimeException e) {
                channel.close();
                Files.deleteIfExists(path);
                throw e;
            }
            if (Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
                return new PullTempFile(path, channel);
            }
            // Another pull's clean-up took it for a dead one's before we locked it: take another name.
            channel.close();
        }
    }

    /**
     * Deletes the temporary files of {@code target} that no running pull holds: those a killed pull
     * left (the kernel dropped its lock). Only regular files named exactly like ours
     * ({@code .NAME.<hex>.hotswap-pull}) are candidates, never links or other names.
     *
     * @return how many were deleted
     */
    static int deleteOrphans(Path target) throws IOException {
        String prefix = "." + target.getFileName() + ".";
        int deleted = 0;
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(target.getParent(),
                entry -> isOurs(entry.getFileName().toString(), prefix))) {
            for (Path entry : entries) {
                if (deleteUnlessHeld(entry)) {
                    deleted++;
                }
            }
        }
        return deleted;
    }

    private static boolean isOurs(String name, String prefix) {
        if (!name.startsWith(prefix) || !name.endsWith(SUFFIX)) {
            return false;
        }
        String random = name.substring(prefix.length(), name.length() - SUFFIX.length());
        return !random.isEmpty() && random.length() <= 16 && random.chars().allMatch(c -> Character.digit(c, 16) >= 0
                && !Character.isUpperCase(c));
    }

    /** Deletes {@code file} if it is a regular file nobody holds locked; never follows a link. */
    private static boolean deleteUnlessHeld(Path file) {
        if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
            return false;
        }
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
            // A shared lock is refused while a running pull holds its exclusive one.
            FileLock lock = channel.tryLock(0, Long.MAX_VALUE, true);
            if (lock == null) {
                return false;
            }
            return Files.deleteIfExists(file);
        } catch (OverlappingFileLockException e) {
            return false; // held by a pull in this very process
        } catch (IOException e) {
            return false; // not ours to judge: unreadable, or gone already
        }
    }

    Path path() {
        return path;
    }

    /** The open, locked file; closing it releases the lock. */
    FileChannel channel() {
        return channel;
    }
}
