package dev.hotswap.cli;

import java.io.IOException;
import java.nio.channels.FileChannel;
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
 * long as this process writes it.
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
     * umask, as any new file).
     */
    static PullTempFile create(Path target, Set<PosixFilePermission> permissions) throws IOException {
        while (true) {
            Path path = target.resolveSibling("." + target.getFileName() + "."
                    + Long.toHexString(ThreadLocalRandom.current().nextLong()) + SUFFIX);
            FileChannel channel = FileChannel.open(path,
                    EnumSet.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
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

    Path path() {
        return path;
    }

    /** The open, locked file; closing it releases the lock. */
    FileChannel channel() {
        return channel;
    }
}
