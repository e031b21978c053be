package dev.hotswap.cli;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A pulled database written to a file: the bytes go to a temporary file beside the destination,
 * which is synced and renamed over the destination only once the server's {@code END} verified
 * them and its {@code EXIT 0} confirmed the snapshot. A pull that fails or is interrupted deletes
 * the temporary file and never touches the destination.
 */
final class FileDestination implements PullDestination {
    private static final String[] JOURNALS = {"-wal", "-journal"};

    private final Path target;
    private Path temp;
    private FileChannel channel;
    private OutputStream out;
    private boolean done;

    private FileDestination(Path target) {
        this.target = target;
    }

    /**
     * The destination {@code target}, an absolute path, checked before anything is written: it is
     * not a directory, its directory exists, and no SQLite journal lies beside it (SQLite would
     * apply a leftover {@code -wal} or hot {@code -journal} to the new file and corrupt it).
     *
     * @param database the managed database's name, for the suggestion when target is a directory
     */
    static FileDestination checked(Path target, String database) throws CommandFailure {
        if (Files.isDirectory(target)) {
            throw CommandFailure.failed(target + " is a directory: name the file to write, e.g. "
                    + target.resolve(database + ".sqlite3"));
        }
        Path directory = target.getParent();
        if (directory == null || !Files.isDirectory(directory)) {
            throw CommandFailure.failed("cannot write " + target + ": directory " + directory + " does not exist");
        }
        for (String suffix : JOURNALS) {
            Path journal = target.resolveSibling(target.getFileName() + suffix);
            if (sizeOf(journal) > 0) {
                throw CommandFailure.failed(journal + " exists beside the destination: SQLite would apply it to"
                        + " the pulled file and corrupt it. If nothing has " + target + " open, delete " + journal
                        + " (and " + target.getFileName() + "-shm), or pull to another file");
            }
        }
        return new FileDestination(target);
    }

    @Override
    public synchronized OutputStream open() throws IOException {
        if (channel == null) {
            openChannel();
        } else {
            channel.truncate(0).position(0); // a delta pull's copy, now replaced by the whole snapshot
        }
        out = new BufferedOutputStream(Channels.newOutputStream(channel), 1 << 16);
        return out;
    }

    /** Creates the temporary file and opens it for reading and writing anywhere (a delta pull patches it). */
    synchronized FileChannel openChannel() throws IOException {
        temp = target.resolveSibling("." + target.getFileName() + "."
                + Long.toHexString(ThreadLocalRandom.current().nextLong()) + ".hotswap-pull");
        channel = FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ, StandardOpenOption.WRITE);
        copyPermissionsOfTarget();
        return channel;
    }

    @Override
    public synchronized void commit() throws IOException {
        if (done) {
            throw new IOException("the pull was interrupted");
        }
        if (out != null) {
            out.flush();
        }
        channel.force(true);
        channel.close();
        try {
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
        }
        done = true;
        syncDirectory();
    }

    @Override
    public synchronized void discard() {
        if (done) {
            return;
        }
        done = true;
        try {
            if (channel != null) {
                channel.close();
            }
            if (temp != null) {
                Files.deleteIfExists(temp);
            }
        } catch (IOException e) {
            // best effort: the destination itself was never touched
        }
    }

    @Override
    public String describe() {
        return target.toString();
    }

    @Override
    public String afterFailure() {
        return "nothing was written to " + target;
    }

    /** A replaced file keeps its permissions, as with cp; a new one gets the umask's. */
    private void copyPermissionsOfTarget() {
        PosixFileAttributeView view = Files.getFileAttributeView(target, PosixFileAttributeView.class);
        if (view != null && Files.exists(target)) {
            try {
                Files.setPosixFilePermissions(temp, view.readAttributes().permissions());
            } catch (IOException | UnsupportedOperationException e) {
                // keep the umask's permissions
            }
        }
    }

    /** Makes the rename durable; not every platform can open a directory, which is fine. */
    private void syncDirectory() {
        try (FileChannel directory = FileChannel.open(target.getParent(), StandardOpenOption.READ)) {
            directory.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            // the rename is done; only its durability across a power cut is at stake
        }
    }

    private static long sizeOf(Path file) {
        try {
            return Files.isRegularFile(file) ? Files.size(file) : 0;
        } catch (IOException e) {
            return 0;
        }
    }
}
