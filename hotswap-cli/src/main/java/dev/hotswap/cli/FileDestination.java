package dev.hotswap.cli;

import dev.hotswap.protocol.FileMode;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.util.EnumSet;
import java.util.OptionalInt;
import java.util.Set;

/**
 * A pulled database written to a file: the bytes go to a temporary file beside the destination,
 * which is synced and renamed over the destination only once the server's {@code END} verified
 * them and its {@code EXIT 0} confirmed the snapshot. A pull that fails or is interrupted deletes
 * the temporary file and never touches the destination; one that is killed leaves its temporary
 * file to the next pull to the same destination, which deletes it ({@link PullTempFile}).
 */
final class FileDestination implements PullDestination {
    private static final String[] JOURNALS = {"-wal", "-journal"};
    /** The mode of a pulled file when the server does not say the live file's. */
    private static final int PRIVATE = 0600;

    private final Path target;
    private final Set<PosixFilePermission> liveMode;
    private Path temp;
    private FileChannel channel;
    private OutputStream out;
    private SyncBehindOutputStream syncBehind;
    private State state = State.WRITING;

    /** Where the destination stands: being written (or not yet opened), replaced, or given up. */
    private enum State {
        WRITING, REPLACED, DISCARDED
    }

    private FileDestination(Path target, Set<PosixFilePermission> liveMode) {
        this.target = target;
        this.liveMode = liveMode;
    }

    /**
     * The destination {@code target}, an absolute path, checked before anything is written: it is
     * not a directory, its directory exists, and no SQLite journal lies beside it (SQLite would
     * apply a leftover {@code -wal} or hot {@code -journal} to the new file and corrupt it).
     *
     * @param database the managed database's name, for the suggestion when target is a directory
     * @param liveMode the live file's permission bits from the server's {@code READY}; without
     *     them the file is made private ({@code 0600})
     */
    static FileDestination checked(Path target, String database, OptionalInt liveMode) throws CommandFailure {
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
        return new FileDestination(target, FileMode.permissions(liveMode.orElse(PRIVATE)));
    }

    @Override
    public synchronized OutputStream open() throws IOException {
        if (channel == null) {
            openChannel();
        } else {
            channel.truncate(0).position(0); // a delta pull's copy, now replaced by the whole snapshot
        }
        syncBehind = new SyncBehindOutputStream(channel);
        out = new BufferedOutputStream(syncBehind, 1 << 16);
        return out;
    }

    /**
     * Deletes what killed pulls left, then creates and locks the temporary file, open for reading and
     * writing anywhere (a delta pull patches it), no wider than the live file or the file it replaces.
     */
    synchronized FileChannel openChannel() throws IOException {
        PullTempFile.deleteOrphans(target);
        Set<PosixFilePermission> replaced = replacedFilePermissions();
        PullTempFile file = PullTempFile.create(target, replaced != null ? replaced : liveMode);
        temp = file.path();
        channel = file.channel();
        if (replaced != null) {
            Files.setPosixFilePermissions(temp, replaced); // exactly the replaced file's, not the umask's
        }
        return channel;
    }

    @Override
    public synchronized void commit() throws IOException {
        if (state != State.WRITING) {
            throw new IOException("the pull was interrupted");
        }
        if (out != null) {
            out.flush();
            syncBehind.awaitSync();
        }
        channel.force(true);
        // Renamed while still open and locked, so that no other pull's clean-up takes it for a dead one's.
        try {
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
        }
        state = State.REPLACED;
        channel.close();
        syncDirectory();
    }

    /** Deletes the temp file, unless the destination was replaced already; a Ctrl-C waits for a running commit. */
    @Override
    public synchronized void discard() {
        if (state != State.WRITING) {
            return;
        }
        state = State.DISCARDED;
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

    /** What the destination holds now: untouched, or (a Ctrl-C that came during the commit) replaced. */
    @Override
    public synchronized String afterFailure() {
        return state == State.REPLACED ? target + " was replaced by the whole, verified snapshot"
                : "nothing was written to " + target;
    }

    /**
     * A replaced file keeps its permissions, as with cp, but narrowed to the live file's, so that a
     * backup is never readable by more users than the database; null if there is no file to replace.
     */
    private Set<PosixFilePermission> replacedFilePermissions() throws IOException {
        if (!Files.exists(target)) {
            return null;
        }
        Set<PosixFilePermission> kept = EnumSet.noneOf(PosixFilePermission.class);
        kept.addAll(Files.getPosixFilePermissions(target));
        kept.retainAll(liveMode);
        return kept;
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
