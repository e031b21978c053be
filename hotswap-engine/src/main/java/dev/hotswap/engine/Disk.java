package dev.hotswap.engine;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Every step that changes the disk in a generation's life (a push's temp file, its permanent name, the
 * live link, the history, a retirement's unlink, adoption and recovery at start, the folder's lock)
 * goes through one {@code Disk}, so that tests can fail any of them (as EIO, ENOSPC or EACCES would)
 * or stop the engine dead at one (as kill -9 would), then start a new engine on the same files. This
 * is SQLite's VFS shim idea at the level of the engine's own files; what SQLite writes into a
 * database file goes through SQLite, not through here.
 *
 * <p>Production uses {@link #REAL}, the file system as it is; nothing on a request's path touches a
 * {@code Disk}. The named {@link Steps} a crash test stops at are reported through {@link #reached}.
 */
interface Disk {
    /** The file system as it is. */
    Disk REAL = new Real();

    /** A new empty file in {@code dir} with a random name (mode 0600). */
    Path createTemp(Path dir, String prefix, String suffix) throws IOException;

    /** Writes {@code bytes} to {@code file} (created if missing; appended, or replacing its content) and fsyncs it. */
    void write(Path file, byte[] bytes, boolean append) throws IOException;

    /** Fsyncs the regular file {@code file}. */
    void sync(Path file) throws IOException;

    /** Fsyncs the directory {@code dir}, making the renames, links and unlinks in it durable. */
    void syncDirectory(Path dir) throws IOException;

    /** Renames {@code from} to {@code to} atomically, replacing what {@code to} names. */
    void rename(Path from, Path to) throws IOException;

    /** Renames {@code from} to {@code to} atomically; fails if {@code to} exists. */
    void renameNew(Path from, Path to) throws IOException;

    /** Makes {@code link} a second name (a hard link) of the file {@code existing}. */
    void link(Path link, Path existing) throws IOException;

    /** Makes {@code link} a symbolic link to {@code target}. */
    void symlink(Path link, Path target) throws IOException;

    /** Deletes {@code file} if it exists; true if it did. */
    boolean delete(Path file) throws IOException;

    /** Takes the exclusive lock of {@code file} (created if missing), or null if another holds it. */
    FileLock lock(Path file) throws IOException;

    /** A named step of a push, a swap or an adoption completed ({@link Steps}). */
    void reached(String step);

    /** {@link #REAL}. */
    final class Real implements Disk {
        private Real() {
        }

        @Override
        public Path createTemp(Path dir, String prefix, String suffix) throws IOException {
            return Files.createTempFile(dir, prefix, suffix);
        }

        @Override
        public void write(Path file, byte[] bytes, boolean append) throws IOException {
            try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    append ? StandardOpenOption.APPEND : StandardOpenOption.TRUNCATE_EXISTING)) {
                ByteBuffer buffer = ByteBuffer.wrap(bytes);
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
                channel.force(true);
            }
        }

        @Override
        public void sync(Path file) throws IOException {
            try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
                channel.force(true);
            }
        }

        @Override
        public void syncDirectory(Path dir) throws IOException {
            try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
                channel.force(true);
            }
        }

        @Override
        public void rename(Path from, Path to) throws IOException {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        }

        @Override
        public void renameNew(Path from, Path to) throws IOException {
            if (Files.exists(to, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                throw new java.nio.file.FileAlreadyExistsException(to.toString());
            }
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
        }

        @Override
        public void link(Path link, Path existing) throws IOException {
            Files.createLink(link, existing);
        }

        @Override
        public void symlink(Path link, Path target) throws IOException {
            Files.createSymbolicLink(link, target);
        }

        @Override
        public boolean delete(Path file) throws IOException {
            return Files.deleteIfExists(file);
        }

        @Override
        public FileLock lock(Path file) throws IOException {
            FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            try {
                FileLock lock = channel.tryLock();
                if (lock == null) {
                    channel.close();
                }
                return lock;
            } catch (IOException | RuntimeException e) {
                channel.close();
                throw e;
            }
        }

        @Override
        public void reached(String step) {
            Steps.reached(step);
        }

        @Override
        public String toString() {
            return "the file system";
        }
    }
}
